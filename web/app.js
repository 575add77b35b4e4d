// mlTrainer's page: the chat protocol of README.md over one WebSocket (/ws).
// No framework: state in a few plain objects, DOM built with el().
'use strict';

(function () {
  // ---------- small helpers ----------

  const $ = (id) => document.getElementById(id);

  // el('div', {class: 'x', text: 'hi'}, child, ...)
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = v;
      else if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
  const fixed = (x, d = 2) => (isNum(x) ? x.toFixed(d) : '—');
  const pct = (x, d = 1) => (isNum(x) ? (x * 100).toFixed(d) + '%' : '—');
  const money = (x) => (isNum(x) ? x.toLocaleString(undefined, { maximumFractionDigits: 2, minimumFractionDigits: 2 }) : '—');
  const int = (x) => (isNum(x) ? Math.round(x).toLocaleString() : '—');

  function when(ms) {
    if (!isNum(ms) || ms <= 0) return '';
    const d = new Date(ms);
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function date(value) {
    if (value === undefined || value === null || value === '') return '—';
    if (isNum(value)) {
      // Seconds or milliseconds since the epoch.
      const d = new Date(value > 1e12 ? value : value * 1000);
      return d.toISOString().slice(0, 16).replace('T', ' ');
    }
    return String(value).slice(0, 16).replace('T', ' ');
  }

  function nearBottom(list) {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  }

  function appendScrolled(list, item) {
    const stick = nearBottom(list);
    list.append(item);
    if (stick) list.scrollTop = list.scrollHeight;
  }

  // ---------- state ----------

  const state = {
    ws: null,
    connected: false,
    everConnected: false,
    attempt: 0,            // reconnect attempts since the last good connection
    retryTimer: null,
    proposal: null,        // the latest proposal frame
    approvedProposal: 0,   // proposal_id the person approved
    startedFor: 0,         // the approved proposal whose trial is already shown
    trials: new Map(),     // trial_id -> {id, events, report, status, row, plan, live}
    liveId: 0,             // the trial running from this page
    shownId: 0,            // the trial in the trial panel
    historyRows: [],
    requested: 0,          // the trial the person asked to open
  };

  // Charts by name, so tests and theme changes can reach them.
  const charts = {};
  window.mltCharts = charts;

  function trial(id) {
    if (!state.trials.has(id)) {
      state.trials.set(id, { id, events: [], report: null, status: '', row: null, plan: null, live: false, failure: null });
    }
    return state.trials.get(id);
  }

  // ---------- connection ----------

  const tokenKey = 'mltrainer.token';

  function token() {
    try { return sessionStorage.getItem(tokenKey) || ''; } catch (e) { return ''; }
  }

  function setToken(t) {
    try {
      if (t) sessionStorage.setItem(tokenKey, t);
      else sessionStorage.removeItem(tokenKey);
    } catch (e) { /* storage disabled: the token lives until the tab closes anyway */ }
  }

  // A link like http://host:port/?token=T stores the token and drops it from the address bar.
  function adoptTokenFromUrl() {
    const url = new URL(window.location.href);
    const t = url.searchParams.get('token');
    if (t) {
      setToken(t);
      url.searchParams.delete('token');
      window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    }
  }

  function wsUrl() {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const t = token();
    // Browsers cannot set an Authorization header on a WebSocket; the daemon
    // also accepts the token as the `token` query parameter.
    return scheme + '://' + window.location.host + '/ws' + (t ? '?token=' + encodeURIComponent(t) : '');
  }

  function connect() {
    clearTimeout(state.retryTimer);
    setConn('connecting…', '');
    let ws;
    try {
      ws = new WebSocket(wsUrl());
    } catch (e) {
      scheduleReconnect('could not open a WebSocket: ' + e.message);
      return;
    }
    state.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      state.connected = true;
      state.everConnected = true;
      state.attempt = 0;
      setConn('connected', 'up');
      hideBanner();
      updateControls();
      send({ type: 'list_trials', limit: 100 });
      // A trial that was running when the connection dropped: its events went
      // to the old session, so fetch what was missed and poll until it ends.
      if (state.liveId && trial(state.liveId).live) {
        trial(state.liveId).orphan = true;
        send({ type: 'get_trial', trial_id: state.liveId });
      }
    };
    ws.onmessage = (ev) => {
      let f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      handleFrame(f);
    };
    ws.onclose = () => {
      if (state.ws !== ws) return;
      state.connected = false;
      state.ws = null;
      updateControls();
      const why = state.everConnected
        ? 'Connection to mltrainerd lost' + (opened ? '.' : '; it does not answer yet.')
        : token()
          ? 'Cannot connect to mltrainerd (is it running? is the access token right?).'
          : 'Cannot connect to mltrainerd (is it running? does it need an access token?).';
      scheduleReconnect(why);
    };
  }

  function scheduleReconnect(why) {
    setConn('offline', 'down');
    // Exponential backoff with jitter, 0.5 s up to 15 s.
    const delay = Math.min(15000, 500 * Math.pow(2, state.attempt)) * (0.75 + Math.random() * 0.5);
    state.attempt += 1;
    const seconds = Math.max(1, Math.round(delay / 1000));
    showBanner(why + ' Reconnecting in ' + seconds + ' s…', true);
    state.retryTimer = setTimeout(connect, delay);
  }

  function send(frame) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) {
      showBanner('Not connected: the message was not sent.', true);
      return false;
    }
    state.ws.send(JSON.stringify(frame));
    return true;
  }

  function setConn(text, cls) {
    const c = $('conn-status');
    c.textContent = text;
    c.className = 'conn ' + cls;
  }

  function showBanner(text, withRetry) {
    const b = $('banner');
    b.replaceChildren(el('span', { text }));
    if (withRetry) b.append(el('button', { type: 'button', text: 'Retry now', onclick: () => { state.attempt = 0; connect(); } }));
    b.hidden = false;
  }

  function hideBanner() { $('banner').hidden = true; }

  // ---------- frames from the daemon ----------

  function handleFrame(f) {
    switch (f.type) {
      case 'hello':
        $('server-info').textContent = 'v' + (f.version || '?') + ' · brain: ' + (f.brain || '?');
        if (!$('messages').children.length) addMessage('agent', f.text || '');
        break;
      case 'reply': onReply(f); break;
      case 'proposal': onProposal(f); break;
      case 'event': onEvent(f); break;
      case 'report': onReport(f); break;
      case 'trial_failed': onTrialFailed(f); break;
      case 'trials': onTrials(f); break;
      case 'trial': onTrial(f); break;
      case 'paper': addMessage('agent', f.text || ('paper ' + (f.symbol || ''))); break;
      case 'universe_report': addMessage('agent', f.text || ''); break;
      case 'error': addMessage('error', (f.code ? f.code + ': ' : '') + (f.message || '')); break;
      case 'pong': break;
      default: break;
    }
  }

  function addMessage(kind, text) {
    const who = { person: 'You', agent: 'mlTrainer', system: '', error: 'Error' }[kind] || '';
    const li = el('li', { class: 'msg ' + kind }, who ? el('span', { class: 'who', text: who }) : null, text);
    appendScrolled($('messages'), li);
  }

  function onReply(f) {
    addMessage('agent', f.text || '');
    const id = f.trial_id;
    // The first reply naming a trial after an approval is its confirmation.
    if (isNum(id) && id > 0 && state.approvedProposal && state.startedFor !== state.approvedProposal
        && !trial(id).report && !trial(id).live) {
      startLive(id);
    }
  }

  function startLive(id) {
    const t = trial(id);
    t.live = true;
    t.status = t.status || 'running';
    state.startedFor = state.approvedProposal;
    if (!t.plan && state.proposal) t.plan = state.proposal.plan;
    state.liveId = id;
    setProposalState('approved → trial ' + id, 'approved');
    showTrial(id);
  }

  // ---------- proposal card ----------

  const planFields = [
    ['Symbol', (p) => p.symbol],
    ['Model', (p) => p.model],
    ['Data source', (p) => p.data_source],
    ['From', (p) => p.start || 'auto'],
    ['To', (p) => p.end || 'auto'],
    ['Train ratio', (p) => fixed(p.train_ratio, 2)],
    ['Validation ratio', (p) => fixed(p.val_ratio, 2)],
    ['Horizon (bars)', (p) => p.horizon],
    ['Seed', (p) => p.seed],
    ['Decision budget', (p) => p.decision_budget],
    ['Parameters', (p) => {
      const e = Object.entries(p.params || {});
      return e.length ? e.map(([k, v]) => k + '=' + v).join(', ') : 'defaults';
    }],
    ['Cash', (p) => (p.paper ? money(p.paper.cash) : '—')],
    ['Commission', (p) => (p.paper ? fixed(p.paper.commission_bps, 1) + ' bps' : '—')],
    ['Slippage', (p) => (p.paper ? fixed(p.paper.slippage_bps, 1) + ' bps' : '—')],
    ['Long above', (p) => (p.paper ? fixed(p.paper.long_threshold, 2) : '—')],
    ['Short below', (p) => (p.paper ? (p.paper.allow_short ? fixed(p.paper.short_threshold, 2) : 'no shorting') : '—')],
  ];

  function planOf(f) {
    // The proposal carries the whole plan; older frames only the top-level fields.
    return Object.assign({}, f, f.plan || {});
  }

  function onProposal(f) {
    const previous = state.proposal ? planOf(state.proposal) : null;
    state.proposal = f;
    const plan = planOf(f);
    const card = $('proposal');
    $('proposal-title').textContent = 'Proposal #' + f.proposal_id + ': ' + (plan.symbol || '') + ' with ' + (plan.model || '');
    // The agent's wording goes to the chat; the card shows the plan as fields.
    $('proposal-text').textContent = previous ? 'Revised plan: approve it or keep changing it.' : 'Approve it, or tell me what to change.';
    const dl = $('proposal-fields');
    dl.replaceChildren();
    for (const [label, get] of planFields) {
      const value = String(get(plan) ?? '—');
      const changed = previous && String(get(previous) ?? '—') !== value;
      dl.append(el('div', {}, el('dt', { text: label }), el('dd', { class: changed ? 'changed' : '', text: value })));
    }
    setProposalState(previous ? 'revised' : 'awaiting approval', '');
    card.hidden = false;
    updateControls();
    // The agent's wording of the plan repeats the card: folded under its first line.
    const text = f.text || ('Proposal #' + f.proposal_id + ': ' + plan.symbol + ' with ' + plan.model);
    const cut = text.indexOf('\n');
    if (cut < 0) {
      addMessage('agent', text);
    } else {
      appendScrolled($('messages'), el('li', { class: 'msg agent' }, el('span', { class: 'who', text: 'mlTrainer' }),
        el('details', {}, el('summary', { text: text.slice(0, cut) + ' (proposal #' + f.proposal_id + ', in the card below)' }),
          text.slice(cut + 1))));
    }
  }

  function setProposalState(text, cls) {
    const s = $('proposal-state');
    s.textContent = text;
    s.className = 'badge ' + cls;
  }

  function approve() {
    if (!state.proposal) return;
    if (send({ type: 'approve', proposal_id: state.proposal.proposal_id })) {
      state.approvedProposal = state.proposal.proposal_id;
      setProposalState('approving…', 'approved');
      updateControls();
    }
  }

  // ---------- trial panel: transcript and progress ----------

  function onEvent(f) {
    const id = f.trial_id;
    if (!isNum(id)) return;
    const t = trial(id);
    if (t.events.some((e) => e.seq === f.seq)) return;
    t.events.push(f);
    t.orphan = false;
    if (!t.live && !t.report && !t.status) {
      // An event for a trial this page did not start (e.g. approved by typing "yes").
      t.live = true;
      t.status = 'running';
      state.liveId = id;
      if (state.proposal) setProposalState('approved → trial ' + id, 'approved');
      if (!state.shownId || state.shownId === id || !state.trials.get(state.shownId).live) showTrial(id);
    }
    if (state.shownId === id) {
      addEventItem(f);
      updateProgress(t);
      $('transcript-count').textContent = '(' + t.events.length + ' events)';
    }
    updateControls();
  }

  const kindLabels = {
    question: 'engine asks',
    decision: 'decision',
    progress: 'progress',
    status: 'status',
    warning: 'warning',
    error: 'error',
    report: 'report',
  };

  function eventData(e) {
    if (e.data && typeof e.data === 'object') return e.data;
    if (typeof e.data === 'string') { try { return JSON.parse(e.data); } catch (x) { return {}; } }
    return {};
  }

  function eventItem(e) {
    const data = eventData(e);
    const kind = e.kind || 'status';
    const li = el('li', { class: 'ev ' + kind + ' sp-' + (e.speaker || ''), 'data-seq': e.seq, 'data-phase': data.phase || '' });
    li.append(el('div', { class: 'meta' },
      el('span', { class: 'kind', text: kindLabels[kind] || kind }),
      el('span', { text: e.speaker || '' }),
      el('span', { text: when(e.time_ms) }),
      el('span', { text: '#' + e.seq })));
    if (kind === 'decision') {
      const line = el('div', { class: 'decision-line' });
      if (data.action) line.append(el('span', { class: 'chip action', text: data.action }));
      if (data.model) line.append(el('span', { class: 'chip', text: 'model ' + data.model }));
      for (const [k, v] of Object.entries(data.params || {})) line.append(el('span', { class: 'chip', text: k + '=' + v }));
      if (data.brain) line.append(el('span', { class: 'chip', text: 'brain: ' + data.brain }));
      li.append(line);
      if (data.reason && !(e.text || '').includes(data.reason)) li.append(el('div', { class: 'body', text: data.reason }));
      li.append(el('div', { class: 'body', text: e.text || '' }));
      if (data.note) li.append(el('div', { class: 'note', text: 'Fallback: ' + data.note }));
    } else {
      li.append(el('div', { class: 'body', text: e.text || '' }));
    }
    return li;
  }

  // Consecutive progress steps of one phase share one line (it keeps the
  // transcript readable while training streams dozens of steps).
  function addEventItem(e) {
    const list = $('transcript');
    const item = eventItem(e);
    const last = list.lastElementChild;
    const phase = item.getAttribute('data-phase');
    if (e.kind === 'progress' && last && last.classList.contains('progress') && last.getAttribute('data-phase') === phase) {
      const n = Number(last.getAttribute('data-count') || '1') + 1;
      item.setAttribute('data-count', String(n));
      item.querySelector('.meta').append(el('span', { text: '(' + n + ' steps)' }));
      last.replaceWith(item);
      return;
    }
    appendScrolled(list, item);
  }

  function renderTranscript(t) {
    const list = $('transcript');
    list.replaceChildren();
    for (const e of t.events) addEventItem(e);
    list.scrollTop = list.scrollHeight;
    $('transcript-count').textContent = '(' + t.events.length + ' events)';
    $('transcript-box').hidden = t.events.length === 0 && !t.live;
  }

  function updateProgress(t) {
    const bars = {
      data: { value: 0, text: 'waiting' },
      train: { value: 0, text: 'waiting' },
      optimize: { value: 0, text: 'not used yet' },
      walk_forward: { value: 0, text: 'after training' },
    };
    for (const e of t.events) {
      if (e.kind !== 'progress') continue;
      const d = eventData(e);
      const b = bars[d.phase];
      if (!b) continue;
      b.value = isNum(d.fraction) ? Math.max(0, Math.min(1, d.fraction)) : b.value;
      if (d.phase === 'train') {
        b.text = (d.model || '') + ' step ' + d.step + '/' + d.total +
          (isNum(d.val_loss) ? ' · val loss ' + fixed(d.val_loss, 4) : '') +
          (isNum(d.val_accuracy) ? ' · val acc ' + pct(d.val_accuracy) : '');
      } else if (d.phase === 'walk_forward') {
        b.text = isNum(d.fold) && d.fold > 0 ? 'fold ' + d.fold + '/' + d.folds + ' done' : 'starting ' + d.folds + ' folds';
      } else if (d.phase === 'optimize') {
        b.text = isNum(d.step) ? 'evaluation ' + d.step + '/' + d.total + (isNum(d.score) ? ' · score ' + fixed(d.score, 4) : '')
          : (b.value >= 1 ? 'done' : 'starting');
      } else {
        b.text = b.value >= 1 ? 'loaded' : pct(b.value, 0);
      }
    }
    if (t.report) {
      for (const b of Object.values(bars)) if (b.value > 0) b.value = 1;
    }
    const put = (id, b) => { $(id).value = b.value; $(id + '-text').textContent = b.text; };
    put('prog-data', bars.data);
    put('prog-train', bars.train);
    put('prog-opt', bars.optimize);
    put('prog-wf', bars.walk_forward);
  }

  function showTrial(id) {
    state.shownId = id;
    const t = trial(id);
    const row = t.row || {};
    const plan = t.plan || (t.report && t.report.plan) || {};
    const symbol = row.symbol || plan.symbol || (t.report && t.report.symbol) || '';
    const model = row.model || (t.report && t.report.model) || plan.model || '';
    $('trial-title').textContent = 'Trial ' + id + (symbol ? ' · ' + symbol : '') + (model ? ' · ' + model : '');
    $('trial-empty').hidden = true;
    $('progress').hidden = !(t.live || t.events.some((e) => e.kind === 'progress'));
    renderTranscript(t);
    updateProgress(t);
    if (t.report) renderReport(t.report); else clearReport(t);
    updateControls();
    markHistory();
  }

  function onReport(f) {
    const t = trial(f.trial_id);
    t.report = f;
    t.status = 'completed';
    t.live = false;
    if (!state.shownId || state.shownId === f.trial_id) showTrial(f.trial_id);
    send({ type: 'list_trials', limit: 100 });
  }

  function onTrialFailed(f) {
    const t = trial(f.trial_id);
    t.status = f.status || 'failed';
    t.failure = f;
    t.live = false;
    addMessage('error', 'Trial ' + f.trial_id + ' ' + t.status + (f.message ? ': ' + f.message : ''));
    if (state.shownId === f.trial_id) showTrial(f.trial_id);
    send({ type: 'list_trials', limit: 100 });
  }

  function updateControls() {
    const connected = state.connected;
    $('send-btn').disabled = !connected;
    const p = state.proposal;
    $('approve-btn').disabled = !connected || !p || state.approvedProposal === (p && p.proposal_id);
    const shown = state.shownId ? trial(state.shownId) : null;
    const status = shown ? (shown.live ? 'running' : shown.status || (shown.row && shown.row.status) || '') : '';
    const badge = $('trial-status');
    badge.textContent = status;
    badge.className = 'badge ' + status;
    const cancel = $('cancel-btn');
    cancel.hidden = !(shown && shown.live);
    cancel.disabled = !connected;
    $('download-btn').hidden = !(shown && shown.report);
    const live = state.liveId ? state.trials.get(state.liveId) : null;
    $('live-btn').hidden = !(live && live.live && state.shownId !== state.liveId);
  }

  // ---------- report ----------

  function clearReport(t) {
    const r = $('report');
    r.replaceChildren();
    if (t.failure) {
      r.append(el('p', { class: 'msg error', text: 'Trial ' + t.failure.status + ': ' + (t.failure.message || t.failure.code || '') }));
      r.hidden = false;
    } else if (t.row && t.row.error) {
      r.append(el('p', { class: 'msg error', text: t.row.error }));
      r.hidden = false;
    } else {
      r.hidden = true;
    }
    destroyCharts();
  }

  function destroyCharts() {
    for (const k of Object.keys(charts)) {
      charts[k].destroy();
      delete charts[k];
    }
  }

  const metricRows = [
    ['Rows (n)', 'n', int],
    ['Accuracy', 'accuracy', pct],
    ['Balanced accuracy', 'balanced_accuracy', pct],
    ['Base rate (up)', 'base_rate', pct],
    ['Precision', 'precision', (x) => fixed(x, 3)],
    ['Recall', 'recall', (x) => fixed(x, 3)],
    ['F1', 'f1', (x) => fixed(x, 3)],
    ['ROC AUC', 'roc_auc', (x) => fixed(x, 3)],
    ['Log loss', 'log_loss', (x) => fixed(x, 4)],
    ['Brier', 'brier', (x) => fixed(x, 4)],
  ];

  const paperRows = [
    ['Total return', 'total_return', pct, true],
    ['Final equity', 'final_equity', money],
    ['CAGR', 'cagr', pct, true],
    ['Sharpe', 'sharpe', (x) => fixed(x, 2), true],
    ['Sortino', 'sortino', (x) => fixed(x, 2), true],
    ['Max drawdown', 'max_drawdown', pct],
    ['Volatility', 'volatility', pct],
    ['Trades', 'trades', int],
    ['Win rate', 'win_rate', pct],
    ['Exposure', 'exposure', pct],
    ['Profit factor', 'profit_factor', (x) => fixed(x, 2)],
    ['Fees', 'fees', money],
    ['Prob. Sharpe (PSR)', 'psr', pct],
    ['Deflated Sharpe (DSR)', 'dsr', pct],
  ];

  function table(id, head, rows) {
    return el('div', { class: 'table-wrap' },
      el('table', { id },
        el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, ...rows)));
  }

  function signClass(x) { return isNum(x) ? (x > 0 ? 'pos' : x < 0 ? 'neg' : '') : ''; }

  // Per-fold and pooled walk-forward evidence, and its paper run beside the baselines.
  function renderWalkForward(root, wf) {
    if (!wf || !Array.isArray(wf.folds) || !wf.folds.length) {
      if (wf && wf.note) root.append(el('section', {}, el('h4', { text: 'Walk-forward evidence' }), el('p', { class: 'muted', text: wf.note })));
      return;
    }
    const p = wf.pooled || {};
    const se = (v, s, f) => f(v) + ' ± ' + f(s);
    const rows = wf.folds.map((f) => el('tr', {},
      el('th', { scope: 'row', text: String(f.fold) + (f.fold === wf.folds.length ? ' (test)' : '') }),
      el('td', { text: f.train_first + ' → ' + f.train_last + (f.stop_first ? ' (early stop ' + f.stop_first + ' → ' + f.stop_last + ')' : '') }), el('td', { text: f.first + ' → ' + f.last }),
      el('td', { text: int(f.n) }), el('td', { text: pct(f.accuracy) }), el('td', { text: fixed(f.auc, 3) }),
      el('td', { text: fixed(f.log_loss, 4) }), el('td', { class: signClass(f.ic), text: fixed(f.ic, 3) }),
      el('td', { text: pct(f.majority_rate) }), el('td', { class: f.beats_majority ? 'pos' : 'neg', text: f.beats_majority ? 'yes' : 'no' })));
    rows.push(el('tr', { class: 'pooled' }, el('th', { scope: 'row', text: 'Pooled' }), el('td', { text: '' }),
      el('td', { text: wf.folds[0].first + ' → ' + wf.folds[wf.folds.length - 1].last }), el('td', { text: int(p.n) }),
      el('td', { text: se(p.accuracy, p.accuracy_se, pct) }), el('td', { text: se(p.auc, p.auc_se, (x) => fixed(x, 3)) }),
      el('td', { text: se(p.log_loss, p.log_loss_se, (x) => fixed(x, 4)) }), el('td', { text: se(p.ic, p.ic_se, (x) => fixed(x, 3)) }),
      el('td', { text: pct(p.majority_rate) }), el('td', { text: p.folds_beating_majority + ' of ' + wf.folds.length })));
    const strategies = [['Model', wf.paper], ['Buy & hold', wf.buy_hold]];
    if (wf.sma_cross && Object.keys(wf.sma_cross).length) strategies.push(['SMA(10,30)', wf.sma_cross]);
    const prows = paperRows
      .filter(([, key]) => strategies.some(([, s]) => s && isNum(s[key])))
      .map(([label, key, f, signed]) => el('tr', {}, el('th', { scope: 'row', text: label }),
        ...strategies.map(([, s]) => el('td', { class: signed && s ? signClass(s[key]) : '', text: s ? f(s[key]) : '—' }))));
    root.append(el('section', {},
      el('h4', { text: 'Walk-forward evidence (' + wf.model + ' refitted per fold, ' + wf.window + ' window, embargo ' + wf.embargo + ' bar(s))' }),
      table('wf-table', ['Fold', 'Trained on', 'Predicted', 'n', 'Accuracy', 'AUC', 'Log loss', 'IC', 'Majority rate', 'Beats it'], rows),
      el('p', { class: 'muted', text: '± one standard error: binomial (accuracy), Hanley-McNeil (AUC), per-row loss deviation (log loss), sqrt(1.06/(n-3)) (IC). Folds before the last predict rows that helped choose the configuration; the last fold is the untouched test part.' }),
      el('h4', { text: 'Paper trading over every walk-forward out-of-sample bar' }),
      table('wf-paper-table', ['', ...strategies.map(([n]) => n)], prows),
      wf.note ? el('p', { class: 'muted', text: wf.note }) : null));
  }

  function renderReport(r) {
    destroyCharts();
    const root = $('report');
    root.replaceChildren();
    root.hidden = false;
    const d = r.data || {};
    const m = r.metrics || {};

    root.append(el('div', { class: 'report-head' },
      el('h3', { text: 'Report' }),
      d.synthetic ? el('span', { class: 'badge synthetic', text: 'SYNTHETIC DATA' }) : null,
      el('span', { class: 'muted', text: (d.source || r.data_source || '') + (d.origin ? ' · ' + d.origin : '') }),
      el('span', { class: 'muted', text: (d.first_date || '') + ' → ' + (d.last_date || '') + (isNum(d.bars) ? ' · ' + int(d.bars) + ' bars' : '') }),
      d.test_first_date ? el('span', { class: 'muted', text: 'test ' + d.test_first_date + ' → ' + d.test_last_date }) : null,
      r.brain ? el('span', { class: 'muted', text: 'written by ' + r.brain }) : null));

    // The agent's text, by section when it has them.
    const sec = r.sections || {};
    const titles = [['answer', 'Answer'], ['analysis', 'ML analysis'], ['trading_insights', 'Trading insights'],
      ['recommendations', 'Recommendations'], ['caveats', 'Caveats']];
    // The answer first, the numbers next, the rest of the agent's text after the charts.
    const answer = el('section', { class: 'sections' });
    const texts = el('section', { class: 'sections' });
    let any = false;
    for (const [k, title] of titles) {
      if (!sec[k]) continue;
      any = true;
      (k === 'answer' ? answer : texts).append(el('h4', { text: title }), el('p', { text: sec[k] }));
    }
    if (!any && r.text) answer.append(el('p', { text: r.text }));
    root.append(answer);

    if (Array.isArray(r.warnings) && r.warnings.length) {
      root.append(el('section', {}, el('h4', { text: 'Warnings' }),
        el('ul', { class: 'warnings' }, ...r.warnings.map((w) => el('li', { text: w })))));
    }

    // Charts.
    const chartsBox = el('div', { class: 'charts' });
    const box = (id, title) => el('figure', { class: 'chart-fig' }, el('figcaption', { class: 'muted', text: title }),
      el('div', { class: 'chart-box' }, el('canvas', { id, role: 'img', 'aria-label': title })));
    chartsBox.append(box('equity-chart', 'Equity: model vs buy & hold'), box('drawdown-chart', 'Drawdown'));
    const predictions = Array.isArray(r.predictions) ? r.predictions : null;
    if (predictions && predictions.length) chartsBox.append(box('probability-chart', 'Predicted P(up) vs what happened'));
    if (Array.isArray(r.importance) && r.importance.length) chartsBox.append(box('importance-chart', 'Feature importance'));
    if (r.walk_forward && Array.isArray(r.walk_forward.folds) && r.walk_forward.folds.length)
      chartsBox.append(box('wf-chart', 'Walk-forward accuracy per fold vs its majority-class rate'));
    root.append(el('section', {}, el('h4', { text: 'Charts' }), chartsBox,
      predictions ? null : el('p', { class: 'muted', text: 'This report does not carry the per-bar predicted probabilities, so there is no probability chart.' })));

    // Out-of-sample metrics.
    const parts = [['Train', m.train], ['Validation', m.validation], ['Test', m.test]];
    const mrows = metricRows.map(([label, key, f]) =>
      el('tr', {}, el('th', { scope: 'row', text: label }), ...parts.map(([, p]) => el('td', { text: p ? f(p[key]) : '—' }))));
    const fwd = m.test_vs_forward_return;
    root.append(el('section', {}, el('h4', { text: 'Classification metrics (test part untouched until the end)' }),
      table('metrics-table', ['', 'Train', 'Validation', 'Test'], mrows),
      fwd ? el('p', { class: 'muted', text: 'Test P(up) vs forward return: IC ' + fixed(fwd.ic, 3) + ', Pearson ' + fixed(fwd.pearson, 3) +
        ', hit rate ' + pct(fwd.hit_rate) + ' (n = ' + int(fwd.n) + ')' }) : null));

    // Paper trading beside the baselines.
    const strategies = [['Model', r.paper], ['Buy & hold', r.buy_hold]];
    if (r.sma_cross && Object.keys(r.sma_cross).length) {
      strategies.push(['SMA(' + (r.sma_cross.fast || 10) + ',' + (r.sma_cross.slow || 30) + ')', r.sma_cross]);
    }
    const prows = paperRows
      .filter(([, key]) => strategies.some(([, s]) => s && isNum(s[key])))
      .map(([label, key, f, signed]) => el('tr', {}, el('th', { scope: 'row', text: label }),
        ...strategies.map(([, s]) => el('td', { class: signed && s ? signClass(s[key]) : '', text: s ? f(s[key]) : '—' }))));
    root.append(el('section', {}, el('h4', { text: 'Paper trading on the test part (signal at the close, fill at the next open, costs included)' }),
      table('paper-table', ['', ...strategies.map(([n]) => n)], prows)));

    renderWalkForward(root, r.walk_forward);

    root.append(texts);

    // Trades.
    const trades = Array.isArray(r.trades) ? r.trades : [];
    const shown = trades.slice(0, 200);
    const trows = shown.map((t, i) => el('tr', {},
      el('td', { text: String(i + 1) }), el('td', { text: t.side || '' }), el('td', { text: fixed(t.size, 2) }),
      el('td', { text: t.entry_date || '' }), el('td', { text: fixed(t.entry_price, 2) }),
      el('td', { text: t.open ? 'open' : (t.exit_date || '') }), el('td', { text: t.open ? '—' : fixed(t.exit_price, 2) }),
      el('td', { class: signClass(t.pnl), text: money(t.pnl) }), el('td', { class: signClass(t.return), text: pct(t.return, 2) })));
    root.append(el('section', {}, el('h4', { text: 'Trades (' + trades.length + (trades.length > shown.length ? ', first ' + shown.length + ' shown' : '') + ')' }),
      trades.length ? table('trades-table', ['#', 'Side', 'Size', 'Entry', 'Price', 'Exit', 'Price', 'P&L', 'Return'], trows)
        : el('p', { class: 'muted', text: 'No trades: the model never crossed the thresholds.' })));

    const extra = [];
    if (r.model) extra.push('model evaluated: ' + r.model + (isNum(r.parameter_count) ? ' (' + r.parameter_count + ' learned parameters)' : ''));
    if (isNum(r.configurations_tried)) extra.push('configurations tried: ' + r.configurations_tried);
    const mt = r.multiple_testing;
    if (mt && isNum(mt.daemon_configurations) && mt.daemon_configurations > 0)
      extra.push('fitted for ' + (r.symbol || '') + ' ' + mt.target + ' on this daemon: ' + mt.daemon_configurations +
        ' configurations in ' + mt.daemon_trials + ' trials (deflated Sharpe counts them; ' + mt.with_sharpe +
        ' with a validation Sharpe, variance ' + (mt.variance_source === 'estimator' ? 'from the estimator' : 'across them') + ')');
    if (Array.isArray(r.validation_use))
      for (const u of r.validation_use) extra.push(u.purpose + ': ' + u.first_date + ' .. ' + u.last_date + ' (' + u.rows + ' rows)');
    if (isNum(r.decisions)) extra.push('decisions: ' + r.decisions);
    if (Array.isArray(r.models_tried) && r.models_tried.length) extra.push('models: ' + r.models_tried.join(', '));
    if (r.leakage_audit) extra.push('leakage audit: ' + r.leakage_audit);
    if (r.optimizer) extra.push('optimiser: ' + r.optimizer);
    if (extra.length) root.append(el('section', {}, el('h4', { text: 'Process' }), el('ul', {}, ...extra.map((x) => el('li', { text: x })))));

    drawCharts(r, predictions);
  }

  function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

  function chartOptions(yTicks) {
    const grid = css('--chart-grid');
    const text = css('--muted');
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { labels: { color: text } } },
      elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
      scales: {
        x: {
          ticks: {
            color: text, maxTicksLimit: 5, autoSkip: true, autoSkipPadding: 12, maxRotation: 0,
            // Dates as YYYY-MM: short enough that the ticks never overlap.
            callback(v) { const l = String(this.getLabelForValue(v)); return /^\d{4}-\d\d-\d\d/.test(l) ? l.slice(0, 7) : l; },
          },
          grid: { color: grid },
        },
        y: { ticks: { color: text, callback: yTicks }, grid: { color: grid } },
      },
    };
  }

  function drawCharts(r, predictions) {
    if (typeof window.Chart !== 'function') return;
    const eq = Array.isArray(r.equity) ? r.equity : [];
    const bh = Array.isArray(r.buy_hold_equity) ? r.buy_hold_equity : [];
    const labels = eq.map((p) => p.date);
    const bhByDate = new Map(bh.map((p) => [p.date, p]));
    const model = css('--chart-model');
    const bench = css('--chart-bench');

    charts.equity = new window.Chart($('equity-chart'), {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'Model', data: eq.map((p) => p.equity), borderColor: model, backgroundColor: model },
          { label: 'Buy & hold', data: eq.map((p) => (bhByDate.get(p.date) || {}).equity ?? null), borderColor: bench, backgroundColor: bench },
        ],
      },
      options: chartOptions((v) => Number(v).toLocaleString()),
    });

    charts.drawdown = new window.Chart($('drawdown-chart'), {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'Model', data: eq.map((p) => -(p.drawdown || 0)), borderColor: model, backgroundColor: model + '33', fill: 'origin' },
          { label: 'Buy & hold', data: eq.map((p) => -((bhByDate.get(p.date) || {}).drawdown || 0)), borderColor: bench, backgroundColor: bench + '22', fill: 'origin' },
        ],
      },
      options: chartOptions((v) => (v * 100).toFixed(0) + '%'),
    });

    if (predictions && predictions.length && $('probability-chart')) {
      const p = predictions;
      const opts = chartOptions((v) => Number(v).toFixed(1));
      opts.scales.y.min = 0;
      opts.scales.y.max = 1;
      charts.probability = new window.Chart($('probability-chart'), {
        type: 'line',
        data: {
          labels: p.map((x) => x.date),
          datasets: [
            { label: 'P(up)', data: p.map((x) => x.p_up ?? x.probability), borderColor: model, backgroundColor: model },
            { label: 'Went up (1) / down (0)', data: p.map((x) => x.outcome ?? x.label), borderColor: bench, backgroundColor: bench,
              showLine: false, pointRadius: 2 },
          ],
        },
        options: opts,
      });
    }

    const wf = r.walk_forward && Array.isArray(r.walk_forward.folds) ? r.walk_forward.folds : [];
    if (wf.length && $('wf-chart')) {
      const opts = chartOptions((v) => (v * 100).toFixed(0) + '%');
      charts.walkForward = new window.Chart($('wf-chart'), {
        type: 'bar',
        data: {
          labels: wf.map((f) => 'fold ' + f.fold + (f.fold === wf.length ? ' (test)' : '')),
          datasets: [
            { label: 'Accuracy', data: wf.map((f) => f.accuracy), backgroundColor: model },
            { label: 'Majority-class rate', data: wf.map((f) => f.majority_rate), backgroundColor: bench },
          ],
        },
        options: opts,
      });
    }

    if (Array.isArray(r.importance) && r.importance.length && $('importance-chart')) {
      const imp = r.importance.slice().sort((a, b) => b.value - a.value).slice(0, 12);
      const opts = chartOptions((v) => v);
      opts.indexAxis = 'y';
      opts.plugins.legend = { display: false };
      opts.scales.x.ticks.callback = (v) => Number(v).toFixed(2);
      opts.scales.y.ticks.callback = function (v) { return this.getLabelForValue(v); };
      charts.importance = new window.Chart($('importance-chart'), {
        type: 'bar',
        data: { labels: imp.map((x) => x.feature), datasets: [{ label: 'importance', data: imp.map((x) => x.value), backgroundColor: model }] },
        options: opts,
      });
    }
  }

  // ---------- history ----------

  function onTrials(f) {
    state.historyRows = Array.isArray(f.trials) ? f.trials : [];
    for (const row of state.historyRows) {
      const t = trial(row.trial_id);
      t.row = row;
      if (!t.live && !t.status) t.status = row.status;
    }
    const list = $('history');
    list.replaceChildren();
    if (!state.historyRows.length) {
      list.append(el('li', { class: 'muted', text: 'No trials yet.' }));
      return;
    }
    for (const row of state.historyRows) {
      const headline = row.has_report
        ? 'test acc ' + pct(row.test_accuracy) + ' (n ' + int(row.test_n) + ') · return ' + pct(row.total_return) +
          ' vs B&H ' + pct(row.buy_hold_return) + ' · Sharpe ' + fixed(row.sharpe, 2)
        : (row.error || 'no report');
      const btn = el('button', { type: 'button', 'data-trial': row.trial_id, onclick: () => openTrial(row.trial_id) },
        el('span', { class: 'line1' },
          el('strong', { text: '#' + row.trial_id + ' ' + (row.symbol || '') }),
          el('span', { text: row.model || '' }),
          el('span', { class: 'badge ' + (row.status || ''), text: row.status || '' }),
          row.origin && row.origin !== 'chat' ? el('span', { class: 'badge', text: row.origin }) : null),
        el('span', { class: 'line2', text: date(row.created_at) }),
        el('span', { class: 'line2', text: headline }));
      list.append(el('li', {}, btn));
    }
    markHistory();
  }

  function markHistory() {
    for (const b of document.querySelectorAll('#history button[data-trial]')) {
      b.setAttribute('aria-current', Number(b.getAttribute('data-trial')) === state.shownId ? 'true' : 'false');
    }
  }

  function openTrial(id) {
    const t = trial(id);
    if (t.live) { showTrial(id); return; }
    state.requested = id;
    send({ type: 'get_trial', trial_id: id });
  }

  function onTrial(f) {
    const id = f.trial_id;
    const t = trial(id);
    if (f.trial) t.row = f.trial;
    if (f.plan) t.plan = f.plan;
    // Stored events first; any live ones with later sequence numbers stay.
    const stored = Array.isArray(f.transcript) ? f.transcript : [];
    const seen = new Set(stored.map((e) => e.seq));
    t.events = stored.concat(t.events.filter((e) => !seen.has(e.seq))).sort((a, b) => a.seq - b.seq);
    if (f.report) t.report = f.report;
    const status = f.trial && f.trial.status;
    if (status && status !== 'running' && status !== 'queued') { t.live = false; t.orphan = false; t.status = status; }
    // Polls for an orphaned trial must not pull the view away from what the person opened.
    if (state.requested === id || state.shownId === id) showTrial(id);
    if (state.requested === id) state.requested = 0;
    if (!t.live) updateControls();
  }

  // ---------- wiring ----------

  function onChatSubmit(ev) {
    ev.preventDefault();
    const input = $('chat-input');
    const text = input.value.trim();
    if (!text) return;
    if (send({ type: 'chat', text })) {
      addMessage('person', text);
      input.value = '';
      // "yes" / "go" approve the latest proposal as the button does.
      if (/^(yes|ok|okay|go|approve|run it)\b/i.test(text) && state.proposal) state.approvedProposal = state.proposal.proposal_id;
    }
  }

  // The shown trial's report as one HTML file (the daemon builds it; see
  // README "Reports people keep"): fetched with the token, saved by the browser.
  async function downloadReport() {
    const id = state.shownId;
    if (!id) return;
    const t = token();
    try {
      const res = await fetch('/api/trials/' + id + '/report.html', { headers: t ? { Authorization: 'Bearer ' + t } : {} });
      if (!res.ok) throw new Error('the daemon answered ' + res.status);
      const url = URL.createObjectURL(await res.blob());
      const a = el('a', { href: url, download: 'mltrainer-trial-' + id + '.html' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      addMessage('error', 'Could not download the report of trial ' + id + ': ' + e.message);
    }
  }

  // The cluster's nodes (GET /api/cluster): the coordinator and its workers,
  // their trainer slots and what runs there. A single daemon is one node.
  async function refreshNodes() {
    const t = token();
    try {
      const res = await fetch('/api/cluster', { headers: t ? { Authorization: 'Bearer ' + t } : {} });
      if (!res.ok) return;
      const nodes = (await res.json()).nodes || [];
      const body = $('nodes').querySelector('tbody');
      body.replaceChildren(...nodes.map((n) => el('tr', {},
        ...[n.id, n.role, n.address, n.pid, n.slots, n.running, n.fits_done].map((v) => el('td', {}, String(v))))));
      $('nodes-count').textContent = '(' + nodes.length + ')';
    } catch (e) {
      // The table keeps its last rows; the chat reports connection trouble.
    }
  }

  function init() {
    // A report exported to a file (web/report_export.cpp): draw it, nothing else.
    const exported = $('report-data');
    if (exported) {
      renderReport(JSON.parse(exported.textContent));
      return;
    }
    adoptTokenFromUrl();
    $('token-input').value = token();
    $('token-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      setToken($('token-input').value.trim());
      state.attempt = 0;
      if (state.ws) { const old = state.ws; state.ws = null; old.close(); }
      connect();
    });
    $('chat-form').addEventListener('submit', onChatSubmit);
    $('approve-btn').addEventListener('click', approve);
    $('cancel-btn').addEventListener('click', () => {
      if (state.shownId) send({ type: 'cancel', trial_id: state.shownId });
    });
    $('live-btn').addEventListener('click', () => { if (state.liveId) showTrial(state.liveId); });
    $('download-btn').addEventListener('click', downloadReport);
    $('refresh-btn').addEventListener('click', () => {
      send({ type: 'list_trials', limit: 100 });
      refreshNodes();
    });
    $('nodes-box').addEventListener('toggle', () => { if ($('nodes-box').open) refreshNodes(); });
    // Charts take their colours from the theme: redraw when it changes.
    if (window.matchMedia) {
      window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
        const t = state.shownId && state.trials.get(state.shownId);
        if (t && t.report) renderReport(t.report);
      });
    }
    // Keep idle connections alive through proxies.
    setInterval(() => { if (state.connected) send({ type: 'ping' }); }, 25000);
    // A running trial this connection no longer hears about: ask the store.
    setInterval(() => {
      const t = state.liveId && state.trials.get(state.liveId);
      if (state.connected && t && t.live && t.orphan) send({ type: 'get_trial', trial_id: t.id });
    }, 3000);
    updateControls();
    connect();
    $('chat-input').focus();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
