// The web page in Debian's headless Chromium against the real daemon:
// negotiate, approve, watch, read the report, cancel a second trial, restart
// the daemon and open the first trial from the history; download the report
// and open the file offline. Writes screenshots to SCREENSHOT_DIR (the build
// folder under ctest; scripts/screenshots.sh points it at docs/screenshots).
//
// usage: node browser_test.cjs MLTRAINERD WORK_DIR SCREENSHOT_DIR
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [daemonExe, workDir, shotDir] = process.argv.slice(2);
const { chromium } = require(path.resolve(workDir, 'node_modules', 'playwright-core'));

const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  log('ok:', what);
}

// Starts mltrainerd on a free port; resolves {proc, port} after its
// "listening on port N" line.
function startDaemon(stateDir, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const env = Object.assign({}, process.env);
    delete env.MLTRAINER_TOKENS;
    Object.assign(env, extraEnv);
    // Synthetic data, the rules brain: the same trial on every machine.
    for (const k of ['POLYGON_API_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY']) delete env[k];
    const proc = spawn(daemonExe, ['--port', '0', '--state-dir', stateDir, '--log-level', 'warn'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error('mltrainerd did not start: ' + out)); }, 30000);
    const onData = (chunk) => {
      out += chunk.toString();
      const m = /listening on port (\d+)\s*\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        // A daemon that dies mid-test is a failure worth its last words.
        proc.on('exit', (code, sig) => log(`mltrainerd exited (${code ?? sig}); it printed:\n${out.slice(-4000)}`));
        resolve({ proc, port: Number(m[1]) });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (c) => { out += c.toString(); });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error('mltrainerd exited with ' + code + ': ' + out)); });
  });
}

function stopDaemon(d) {
  return new Promise((resolve) => {
    if (d.proc.exitCode !== null || d.proc.signalCode !== null) return resolve(d.proc.exitCode ?? 128);
    const kill = setTimeout(() => d.proc.kill('SIGKILL'), 20000);
    d.proc.removeAllListeners('exit');
    d.proc.on('exit', (code, sig) => { clearTimeout(kill); resolve(code === null ? 128 : code); });
    d.proc.kill('SIGTERM');
  });
}

// Per-dataset counts of non-null points of a named chart, or null.
function chartPoints(page, name) {
  return page.evaluate((n) => {
    const c = window.mltCharts && window.mltCharts[n];
    if (!c) return null;
    const same = window.Chart.getChart(c.canvas) === c;
    // The canvas really has ink: count non-transparent pixels.
    const ctx = c.canvas.getContext('2d');
    const img = ctx.getImageData(0, 0, c.canvas.width, c.canvas.height).data;
    let ink = 0;
    for (let i = 3; i < img.length; i += 4) if (img[i] !== 0) ink += 1;
    return { same, ink, counts: c.data.datasets.map((d) => d.data.filter((v) => v !== null && Number.isFinite(v)).length) };
  }, name);
}

async function checkReport(page, label) {
  await page.waitForSelector('#metrics-table', { timeout: 120000 });
  const cells = await page.$$eval('#metrics-table tbody tr', (rows) =>
    rows.map((r) => Array.from(r.children).map((c) => c.textContent.trim())));
  const acc = cells.find((r) => r[0] === 'Accuracy');
  check(acc && acc.slice(1).every((c) => /^\d{1,3}\.\d%$/.test(c)), `${label}: accuracy for train/validation/test are numbers (${acc})`);
  const n = cells.find((r) => r[0] === 'Rows (n)');
  check(n && Number(n[3].replace(/[^\d]/g, '')) > 50, `${label}: the test part has more than 50 rows (${n && n[3]})`);
  const paper = await page.$$eval('#paper-table tbody tr', (rows) =>
    rows.map((r) => Array.from(r.children).map((c) => c.textContent.trim())));
  const ret = paper.find((r) => r[0] === 'Total return');
  check(ret && /%$/.test(ret[1]) && /%$/.test(ret[2]), `${label}: paper return beside buy-and-hold (${ret})`);
  const eq = await chartPoints(page, 'equity');
  check(eq && eq.same && eq.counts.length === 2 && eq.counts[0] > 20 && eq.counts[1] > 20,
    `${label}: equity chart holds model and buy-and-hold curves (${eq && eq.counts})`);
  check(eq.ink > 1000, `${label}: equity canvas is drawn (${eq.ink} inked pixels)`);
  const dd = await chartPoints(page, 'drawdown');
  check(dd && dd.counts[0] === eq.counts[0], `${label}: drawdown chart has one point per equity point`);
}

// An exported report opened from disk in a fresh, offline browser context:
// no request leaves the file, and the charts draw from the embedded data.
async function checkExportedFile(browser, file, trialId) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 1600 }, offline: true });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto('file://' + file);
  await page.waitForSelector('#metrics-table', { timeout: 20000 });
  check(new RegExp(`trial ${trialId}`).test(await page.textContent('#export-title')), 'the exported file names its trial');
  check(await page.evaluate(() => typeof window.Chart === 'function'), 'the exported file carries Chart.js');
  for (const name of ['equity', 'drawdown', 'probability', 'importance']) {
    const c = await chartPoints(page, name);
    check(c && c.same && c.counts.every((n) => n > 0) && c.ink > 500, `exported file: the ${name} chart drew offline (${c && c.counts}, ${c && c.ink} inked pixels)`);
  }
  // Walk-forward folds, when the report carries them, draw their chart too.
  const folds = await page.evaluate(() => {
    const r = JSON.parse(document.getElementById('report-data').textContent);
    return r.walk_forward && Array.isArray(r.walk_forward.folds) ? r.walk_forward.folds.length : 0;
  });
  if (folds > 0) {
    const wf = await chartPoints(page, 'walkForward');
    check(wf && wf.same && wf.counts.every((n) => n > 0) && wf.ink > 500, `exported file: the walk-forward chart drew offline (${folds} folds, ${wf && wf.counts})`);
  }
  const paper = await page.$$eval('#paper-table tbody tr', (rows) => rows.length);
  check(paper > 3, `exported file: the paper-trading table is there (${paper} rows)`);
  check(/\S/.test(await page.textContent('.report .sections')), 'exported file: the report text is there');
  check(requests.length === 0, 'the exported file asks the network for nothing' + (requests.length ? ': ' + requests.join(', ') : ''));
  check(errors.length === 0, 'the exported file runs without script errors' + (errors.length ? ': ' + errors.join('; ') : ''));
  await page.screenshot({ path: path.join(shotDir, 'exported-report.png'), fullPage: false });
  await context.close();
}

async function main() {
  fs.mkdirSync(shotDir, { recursive: true });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlt-web-'));
  let daemon = await startDaemon(stateDir);
  log('daemon on port', daemon.port, 'state', stateDir);

  const browser = await chromium.launch({
    executablePath: process.env.MLT_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const problems = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, colorScheme: 'light' });
    const page = await context.newPage();
    // Any script error or CSP violation fails the test.
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('console', (m) => {
      // Refused reconnects while the daemon restarts, and the 401 before the
      // token is typed, are expected; nothing else is.
      if (m.type() === 'error' && !/WebSocket connection to .* failed: .*(ERR_CONNECTION_REFUSED|response code: 401|HTTP Authentication failed)/.test(m.text())) {
        problems.push('console error: ' + m.text() + ' at ' + JSON.stringify(m.location()));
      }
    });

    const base = () => `http://127.0.0.1:${daemon.port}/`;
    const res = await page.goto(base());
    check(res.status() === 200, 'the daemon serves the page at /');
    check((res.headers()['content-security-policy'] || '').includes("default-src 'self'"), 'the page comes with a Content-Security-Policy');
    log('waiting for connection');
    await page.waitForFunction(() => document.getElementById('conn-status').textContent === 'connected', null, { timeout: 10000 });
    check(await page.evaluate(() => typeof window.Chart === 'function'), 'the embedded Chart.js loaded');

    // 1. Negotiate and approve.
    await page.fill('#chat-input', 'Run trial on TSLA');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#proposal:not([hidden])');
    const title = await page.textContent('#proposal-title');
    check(/TSLA/.test(title) && /xgboost/.test(title), `a proposal card appears (${title})`);
    await page.screenshot({ path: path.join(shotDir, 'proposal.png') });

    await page.click('#approve-btn');
    await page.waitForFunction(() => /^Trial \d+/.test(document.getElementById('trial-title').textContent));
    const trialTitle = await page.textContent('#trial-title');
    const trialId = Number(/^Trial (\d+)/.exec(trialTitle)[1]);
    log('approved; trial', trialId);
    await checkReport(page, 'live report');
    const decisions = await page.$$eval('#transcript .ev.decision', (e) => e.length);
    const questions = await page.$$eval('#transcript .ev.question', (e) => e.length);
    check(decisions >= 3 && questions >= 3, `the transcript shows engine questions (${questions}) and agent decisions (${decisions})`);
    check(await page.$eval('#trial-status', (e) => e.textContent) === 'completed', 'the trial is marked completed');
    await page.waitForSelector(`#history button[data-trial="${trialId}"]`);
    // A taller window so the answer, both tables and the charts fit one picture.
    await page.setViewportSize({ width: 1400, height: 1500 });
    await page.$eval('#report', (e) => e.scrollIntoView());
    await page.screenshot({ path: path.join(shotDir, 'report.png') });
    await page.setViewportSize({ width: 1400, height: 1000 });

    // The Download button saves one HTML file; opened with the network off,
    // it draws the same report from what it carries.
    check(await page.isVisible('#download-btn'), 'a Download button is offered for a trial with a report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-btn')]);
    const exported = path.join(workDir, 'exported-report.html');
    await download.saveAs(exported);
    check(download.suggestedFilename() === `mltrainer-trial-${trialId}.html`, `the file is named for the trial (${download.suggestedFilename()})`);
    await checkExportedFile(browser, exported, trialId);

    // 2. A second trial, edited by typing, watched while it trains, cancelled.
    const firstProposal = await page.evaluate(() => /#(\d+)/.exec(document.getElementById('proposal-title').textContent)[1]);
    await page.fill('#chat-input', 'Run trial on TSLA');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => {
      const t = document.getElementById('proposal-title').textContent;
      return /xgboost/.test(t) && !t.includes('#' + id + ':');
    }, firstProposal);
    // A longer range and the optimiser: long enough to watch and cancel.
    await page.fill('#chat-input', 'from 1990-01-01 to 2024-12-31 on synthetic data and optimize it');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#proposal-fields dd.changed')).some((d) => d.textContent === '1990-01-01'));
    check(true, 'the card updates and marks the field the edit changed');
    await page.click('#approve-btn');
    await page.waitForFunction((id) => {
      const m = /^Trial (\d+)/.exec(document.getElementById('trial-title').textContent);
      return m && Number(m[1]) !== id;
    }, trialId);
    await page.waitForFunction(() => {
      const p = document.getElementById('prog-opt');
      return p.value > 0 && p.value < 1;
    }, null, { timeout: 120000 });
    check(await page.$eval('#prog-data', (e) => e.value) === 1, 'the data-loading bar is full while the optimiser runs');
    check(await page.$eval('#prog-train', (e) => e.value) > 0, 'the training bar has moved');
    check(await page.isVisible('#cancel-btn'), 'a Cancel button is offered while the trial runs');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(shotDir, 'running.png') });
    await page.click('#cancel-btn');
    await page.waitForFunction(() => document.getElementById('trial-status').textContent === 'cancelled', null, { timeout: 60000 });
    check(true, 'the cancelled trial is marked cancelled');

    // 3. Restart the daemon on the same state; the trial opens from the history.
    check(await stopDaemon(daemon) === 0, 'the daemon stops cleanly');
    await page.waitForSelector('#banner:not([hidden])');
    check(/lost/i.test(await page.textContent('#banner')), 'the page shows the connection loss');
    // It comes back with token authentication on: the page asks for the token.
    const secret = 'web-test-token-' + process.pid;
    daemon = await startDaemon(stateDir, { MLTRAINER_TOKENS: secret });
    log('daemon restarted on port', daemon.port, 'with a token');
    await page.goto(base());
    await page.waitForFunction(() => !document.getElementById('banner').hidden);
    check(/access token/.test(await page.textContent('#banner')), 'without a token the page says the daemon may need one');
    await page.click('#token-box summary');
    await page.fill('#token-input', secret);
    await page.press('#token-input', 'Enter');
    await page.waitForFunction(() => document.getElementById('conn-status').textContent === 'connected');
    check(await page.evaluate(() => sessionStorage.getItem('mltrainer.token')) === secret, 'with the token typed in, the page connects (token kept in sessionStorage)');
    check(await page.isHidden('#banner'), 'the banner goes once connected');
    await page.waitForSelector(`#history button[data-trial="${trialId}"]`);
    const rowText = await page.textContent(`#history button[data-trial="${trialId}"]`);
    check(/TSLA/.test(rowText) && /completed/.test(rowText) && /test acc \d/.test(rowText), `history lists the trial with its numbers (${rowText.replace(/\s+/g, ' ')})`);
    await page.focus(`#history button[data-trial="${trialId}"]`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.getElementById('trial-title').textContent.startsWith('Trial ' + id), trialId);
    await checkReport(page, 'stored report');
    const stored = await page.$$eval('#transcript .ev', (e) => e.length);
    check(stored >= 6, `the stored transcript is shown (${stored} entries)`);

    // The phone layout: one column, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `no horizontal scrolling on a phone-sized screen (${overflow}px)`);

    await page.screenshot({ path: path.join(workDir, 'phone.png'), fullPage: false });

    // Both themes: body text against its background, WCAG contrast >= 4.5.
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      const ratio = await page.evaluate(() => {
        const rgb = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
        const lum = ([r, g, b]) => {
          const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
          return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
        };
        const panel = document.querySelector('.panel');
        const a = lum(rgb(getComputedStyle(panel).color));
        const b = lum(rgb(getComputedStyle(panel).backgroundColor));
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      });
      check(ratio >= 4.5, `${scheme} theme: text contrast ${ratio.toFixed(1)}:1`);
    }
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.screenshot({ path: path.join(workDir, 'dark.png') });

    check(problems.length === 0, 'no script errors or CSP violations' + (problems.length ? ': ' + problems.join('; ') : ''));
  } catch (e) {
    // What the page showed when it failed: the last chat lines and a picture.
    for (const p of browser.contexts().flatMap((c) => c.pages())) {
      const lines = await p.$$eval('#messages li', (li) => li.slice(-6).map((x) => x.textContent.replace(/\s+/g, ' ').slice(0, 200))).catch(() => []);
      console.error('last chat lines:\n  ' + lines.join('\n  '));
      await p.screenshot({ path: path.join(workDir, 'failure.png') }).catch(() => {});
      console.error('screenshot of the failure: ' + path.join(workDir, 'failure.png'));
    }
    throw e;
  } finally {
    await browser.close();
    await stopDaemon(daemon);
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  log('PASSED in', ((Date.now() - started) / 1000).toFixed(1), 's; screenshots in', shotDir);
}

// A promise nobody settles would let node exit 0 half-way: only the end passes.
let finished = false;
process.on('beforeExit', () => {
  if (!finished) {
    console.error('FAILED: the test stopped before its end (a wait that can never finish)');
    process.exit(1);
  }
});
main().then(() => {
  finished = true;
  process.exit(0);
}, (e) => {
  console.error('FAILED:', e && e.stack ? e.stack : e);
  process.exit(1);
});
