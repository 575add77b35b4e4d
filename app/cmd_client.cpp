// `mltrainer chat|ask|trials|show|cancel|resume|report`: the person's side
// of the daemon, over its WebSocket (and its HTTP API for report files).
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <simdjson.h>

#include "app/client_view.hpp"
#include "app/commands.hpp"
#include "config/flag_help.hpp"
#include "app/json_fields.hpp"
#include "app/report_view.hpp"
#include "messages/json_writer.hpp"
#include "messages/universe_msgs.hpp"
#include "net/http_client.hpp"
#include "net/ws_client.hpp"

namespace mlt::app {

namespace {

struct client_args {
  std::string cmd;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8765;
  std::string path = "/ws";
  std::string token;
  bool json = false;
  bool yes = false;
  int timeout_s = 600;
  std::string text;          ///< ask's request
  std::int64_t trial_id = 0; ///< show, cancel, resume, report
  std::int64_t limit = 0;    ///< trials --limit
  std::string html, md;      ///< report --html FILE, --md FILE
};

const char* const usage_text =
    "usage: mltrainer chat   [CONNECTION] [--json]\n"
    "       mltrainer ask TEXT [--yes] [--timeout S] [CONNECTION] [--json]\n"
    "       mltrainer trials [--limit N] [CONNECTION] [--json]\n"
    "       mltrainer show N   [CONNECTION] [--json]\n"
    "       mltrainer cancel N [CONNECTION] [--json]\n"
    "       mltrainer resume N [--timeout S] [CONNECTION] [--json]\n"
    "       mltrainer report N (--html FILE | --md FILE ...) [CONNECTION]   (FILE - is standard output)\n"
    "CONNECTION: --port N (default 8765) | --url ws://HOST:PORT/ws; --token T (default $MLTRAINER_TOKEN)\n"
    "--timeout S: seconds to wait for the report (default 600)\n";

std::string str(simdjson::dom::element e, const char* key) { return json_str(e, key); }

std::int64_t id_of(simdjson::dom::element e, const char* key) { return static_cast<std::int64_t>(json_num(e, key)); }

bool positive(const std::string& s, std::int64_t& out) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoll(s);
  return out > 0;
}

// What the command still lacks after the whole line is read; "" when nothing.
std::string missing_arg(const client_args& a, bool wants_text, bool wants_id) {
  if (wants_text && a.text.empty())
    return "ask needs the request text, e.g. mltrainer ask \"Run trial on TSLA\" --yes";
  if (wants_id && a.trial_id == 0)
    return a.cmd + " needs a trial number, e.g. mltrainer " + a.cmd + " 3" +
           (a.cmd == "report" ? " --html trial-3.html" : "") + " (mltrainer trials lists them)";
  if (a.cmd == "report" && a.html.empty() && a.md.empty()) return "report needs --html FILE or --md FILE (or both)";
  return "";
}

bool parse_args(int argc, char** argv, client_args& a, std::string& err) {
  a.cmd = argv[0];
  const bool wants_text = a.cmd == "ask";
  const bool wants_id = a.cmd == "show" || a.cmd == "cancel" || a.cmd == "resume" || a.cmd == "report";
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        err = s + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    std::string v;
    if (s == "--port") {
      if (!value(v)) return false;
      std::int64_t p = 0;
      if (!positive(v, p) || p > 65535) {
        err = "--port must be 1..65535";
        return false;
      }
      a.port = static_cast<std::uint16_t>(p);
    } else if (s == "--url") {
      if (!value(v)) return false;
      if (!net::parse_ws_url(v, a.host, a.port, a.path)) {
        err = "--url must look like ws://HOST:PORT/ws";
        return false;
      }
    } else if (s == "--token") {
      if (!value(a.token)) return false;
    } else if (s == "--timeout") {
      if (!value(v)) return false;
      a.timeout_s = std::atoi(v.c_str());
      if (a.timeout_s <= 0) {
        err = "--timeout must be a positive number of seconds";
        return false;
      }
    } else if (s == "--limit" && a.cmd == "trials") {
      if (!value(v)) return false;
      if (!positive(v, a.limit) || a.limit > 1000) {
        err = "--limit must be an integer from 1 to 1000";
        return false;
      }
    } else if ((s == "--html" || s == "--md") && a.cmd == "report") {
      if (!value(s == "--html" ? a.html : a.md)) return false;
    } else if (s == "--json" && a.cmd != "report") {
      a.json = true;
    } else if ((s == "--yes" || s == "-y") && a.cmd == "ask") {
      a.yes = true;
    } else if (s == "--help" || s == "-h") {
      err = "help";
      return false;
    } else if (wants_text && a.text.empty() && s.rfind("--", 0) != 0) {
      a.text = s;
    } else if (wants_id && a.trial_id == 0 && s.rfind("--", 0) != 0) {
      if (!positive(s, a.trial_id)) {
        err = "a trial number is a positive integer, got '" + s + "'";
        return false;
      }
    } else {
      err = "unknown argument '" + s + "'";
      return false;
    }
  }
  if (const char* t = std::getenv("MLTRAINER_TOKEN"); t && a.token.empty()) a.token = t;
  err = missing_arg(a, wants_text, wants_id);
  return err.empty();
}

// What to do next after a failed connection: the first mistakes people make
// are a daemon that is not running, the wrong port, and a missing token.
std::string connect_advice(const std::string& what, const client_args& a) {
  const std::string where = std::to_string(a.port);
  auto has = [&](const char* s) { return what.find(s) != std::string::npos; };
  if (has("cannot connect") || has("cannot resolve"))
    return "Is mltrainerd running on port " + where + "? Start it with ./build/app/mltrainerd (it prints "
           "'mltrainerd listening on port N') and pass that port with --port N (default 8765).";
  if (has("HTTP 401"))
    return a.token.empty() ? "This daemon requires a bearer token: pass --token T or set MLTRAINER_TOKEN."
                           : "The daemon refused this token: use one of the tokens it was started with "
                             "(server.tokens or MLTRAINER_TOKENS).";
  if (has("HTTP 403"))
    return "The daemon refused this connection's Origin: add it to server.allowed_origins in the config file.";
  return "Is port " + where + " an mltrainerd? The daemon prints 'mltrainerd listening on port N' when it starts; "
         "pass that N with --port, or the full address with --url ws://HOST:PORT/ws.";
}

void connect(net::ws_client& c, const client_args& a) {
  std::map<std::string, std::string> headers;
  if (!a.token.empty()) headers["Authorization"] = "Bearer " + a.token;
  try {
    c.connect(a.host, a.port, a.path, headers);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + "\n" + connect_advice(e.what(), a));
  }
}

std::string chat_frame(const std::string& text) {
  msg::json_writer w;
  w.begin_object().field("type", "chat").field("text", text).end_object();
  return w.take();
}

std::string id_frame(const char* type, const char* key, std::int64_t id) {
  msg::json_writer w;
  w.begin_object().field("type", type).field(key, id).end_object();
  return w.take();
}

// Shows a frame as JSON or for people; false when it is not JSON.
bool show(simdjson::dom::parser& parser, const std::string& raw, bool json, client_view& view,
          simdjson::dom::element& out) {
  if (parser.parse(raw).get(out)) {
    view.line(raw);
    return false;
  }
  if (json) std::cout << raw << std::endl;
  else view.frame(out);
  return true;
}

// One request sent on a fresh connection, with what reads and shows the answers.
struct request_session {
  request_session(const client_args& a, const std::string& request) : view(std::cout, terminal::of_stdout()) {
    connect(c, a);
    c.send(request);
  }
  client_view view;
  net::ws_client c;
  simdjson::dom::parser parser;
  simdjson::dom::element f;
};

// `ask` and `resume`: send the request, approve the proposal with --yes, and
// follow the trial to its report. `resuming`: the trial exists already.
int run_follow(const client_args& a, const std::string& request, bool resuming) {
  request_session session(a, request);
  auto& [view, c, parser, f] = session;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(a.timeout_s);
  std::int64_t trial_id = 0;
  bool approved = resuming;
  bool universe = false;  // several trials: the combined report ends it
  while (std::chrono::steady_clock::now() < deadline) {
    auto raw = c.read(std::chrono::milliseconds(500));
    if (!raw) continue;
    if (!show(parser, *raw, a.json, view, f)) continue;
    const std::string type = str(f, "type");
    if (type == "error") return view.finish(), 1;
    if (type == "proposal") {
      if (!a.yes) return 0;
      if (!approved) {
        approved = true;
        c.send(id_frame("approve", "proposal_id", id_of(f, "proposal_id")));
      }
    } else if (type == "reply") {
      if (id_of(f, "trial_id") > 0) trial_id = id_of(f, "trial_id");
      if (str(f, "text").find(msg::universe_started_words) != std::string::npos) universe = true;
      if (!approved || (resuming && trial_id == 0)) return 0;
    } else if (type == "universe_report") {
      return 0;
    } else if (type == "report") {
      if (!universe && (trial_id == 0 || id_of(f, "trial_id") == trial_id)) return 0;
    } else if (type == "trial_failed") {
      return 1;
    }
  }
  view.finish();
  std::cerr << "mltrainer: no report within " << a.timeout_s << " s (--timeout S waits longer)\n";
  return 3;
}

// `trials`, `show`, `cancel`: one request, one answer.
int run_once(const client_args& a, const std::string& request, const std::set<std::string>& answers) {
  request_session session(a, request);
  auto& [view, c, parser, f] = session;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::min(a.timeout_s, 60));
  while (std::chrono::steady_clock::now() < deadline) {
    auto raw = c.read(std::chrono::milliseconds(500));
    if (!raw || parser.parse(*raw).get(f)) continue;
    const std::string type = str(f, "type");
    if (type != "error" && !answers.count(type)) continue;
    show(parser, *raw, a.json, view, f);
    return type == "error" ? 1 : 0;
  }
  std::cerr << "mltrainer: the daemon did not answer within " << std::min(a.timeout_s, 60) << " s\n";
  return 3;
}

int run_chat(const client_args& a) {
  client_view view(std::cout, terminal::of_stdout());
  net::ws_client c;
  connect(c, a);
  simdjson::dom::parser parser;
  simdjson::dom::element f;
  std::int64_t last_proposal = 0;
  view.line("(type a message; /approve, /list, /show N, /cancel N, /resume N, /quit)");
  std::string line;
  bool stdin_open = true;
  while (c.is_open()) {
    while (auto raw = c.read(std::chrono::milliseconds(20))) {
      if (show(parser, *raw, a.json, view, f) && str(f, "type") == "proposal") last_proposal = id_of(f, "proposal_id");
    }
    if (!stdin_open) continue;
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    if (poll(&pfd, 1, 80) <= 0) continue;
    if (!std::getline(std::cin, line)) {
      stdin_open = false;
      // Piped input ended: stay a little for the answers, then leave.
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      while (std::chrono::steady_clock::now() < until)
        if (auto raw = c.read(std::chrono::milliseconds(100))) show(parser, *raw, a.json, view, f);
      break;
    }
    if (line.empty()) continue;
    std::int64_t n = 0;
    auto numbered = [&](const char* cmd) {
      const std::string prefix = std::string(cmd) + " ";
      return line.rfind(prefix, 0) == 0 && positive(line.substr(prefix.size()), n);
    };
    if (line == "/quit" || line == "/exit") break;
    if (line == "/approve") c.send(id_frame("approve", "proposal_id", last_proposal));
    else if (line == "/list") c.send(R"({"type":"list_trials"})");
    else if (numbered("/show")) c.send(id_frame("get_trial", "trial_id", n));
    else if (numbered("/cancel")) c.send(id_frame("cancel", "trial_id", n));
    else if (numbered("/resume")) c.send(chat_frame("resume trial " + std::to_string(n)));
    else if (line[0] == '/') view.line("unknown command '" + line + "'; try /approve, /list, /show N, /cancel N, /resume N, /quit");
    else c.send(chat_frame(line));
  }
  view.finish();
  c.close();
  return 0;
}

// The flags of chat and ask, with their defaults (client_args).
std::string client_usage(bool ask) {
  std::vector<config::flag_doc> flags = {
      {"--port N", "port of the daemon on 127.0.0.1", "8765"},
      {"--url URL", "where the daemon is, ws://HOST:PORT/ws (instead of --port)", "ws://127.0.0.1:8765/ws"},
      {"--token T", "bearer token, when the daemon requires one", "$MLTRAINER_TOKEN, else none"},
      {"--json", "print the raw frames, one JSON object per line", "off"},
  };
  if (ask) {
    flags.push_back({"--yes", "approve the proposal, stream the trial and wait for the report", "off"});
    flags.push_back({"--timeout SECONDS", "give up (exit 3) after this long", "600"});
  }
  return std::string(ask ? "usage: mltrainer ask TEXT [options]\n  send one chat line and print the answer\n"
                         : "usage: mltrainer chat [options]\n  interactive session; /approve, /list, /show N, "
                           "/cancel N, /resume N, /quit\n") +
         config::format_flags(flags);
}

// Writes `body` to `file` ("-" = standard output).
void write_file(const std::string& file, const std::string& body) {
  if (file == "-") {
    std::cout << body << std::flush;
    return;
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << body;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file + ": " + std::strerror(errno));
  std::cerr << "wrote " << file << " (" << body.size() << " bytes)\n";
}

// `report N --html FILE --md FILE`: the daemon builds the HTML file (the
// web page's Download button gets the same); Markdown is drawn here.
int run_report(const client_args& a) {
  net::http_client http;
  auto get = [&](const std::string& what) {
    net::http_request req;
    req.url = "http://" + a.host + ":" + std::to_string(a.port) + "/api/trials/" + std::to_string(a.trial_id) + what;
    if (!a.token.empty()) req.headers.emplace_back("Authorization", "Bearer " + a.token);
    req.timeout = std::chrono::seconds(std::min(a.timeout_s, 60));
    auto res = http.send(req);
    if (res.status != 200) {
      simdjson::dom::parser p;
      simdjson::dom::element doc;
      std::string_view msg = res.body, m;
      if (!p.parse(res.body).get(doc) && !doc["error"]["message"].get_string().get(m)) msg = m;
      throw std::runtime_error("the daemon answered " + std::to_string(res.status) + ": " + std::string(msg));
    }
    return res.body;
  };
  if (!a.html.empty()) write_file(a.html, get("/report.html"));
  if (!a.md.empty()) {
    const auto body = get("");
    simdjson::dom::parser p;
    simdjson::dom::element doc, report;
    simdjson::dom::object o;
    if (p.parse(body).get(doc) || doc["report"].get(report) || report.get_object().get(o))
      throw std::runtime_error("trial " + std::to_string(a.trial_id) + " has no report yet");
    write_file(a.md, markdown_report(report));
  }
  return 0;
}

}  // namespace

int run_client(int argc, char** argv) {
  client_args a;
  std::string err;
  if (!parse_args(argc, argv, a, err)) {
    if (err != "help") std::cerr << "mltrainer " << argv[0] << ": " << err << "\n";
    (err == "help" ? std::cout : std::cerr)
        << (a.cmd == "chat" || a.cmd == "ask" ? client_usage(a.cmd == "ask") : std::string(usage_text));
    return err == "help" ? 0 : 2;
  }
  try {
    if (a.cmd == "ask") return run_follow(a, chat_frame(a.text), false);
    if (a.cmd == "resume") return run_follow(a, chat_frame("resume trial " + std::to_string(a.trial_id)), true);
    if (a.cmd == "trials") {
      msg::json_writer w;
      w.begin_object().field("type", "list_trials");
      if (a.limit > 0) w.field("limit", a.limit);
      w.end_object();
      return run_once(a, w.take(), {"trials"});
    }
    if (a.cmd == "show") return run_once(a, id_frame("get_trial", "trial_id", a.trial_id), {"trial"});
    if (a.cmd == "cancel") return run_once(a, id_frame("cancel", "trial_id", a.trial_id), {"reply"});
    if (a.cmd == "report") return run_report(a);
    return run_chat(a);
  } catch (const std::exception& e) {
    std::cout << std::flush;
    std::cerr << "mltrainer: " << e.what() << "\n";
    return 1;
  }
}

bool is_client_command(const char* cmd) {
  for (const char* c : {"chat", "ask", "trials", "show", "cancel", "resume", "report"})
    if (!std::strcmp(cmd, c)) return true;
  return false;
}

}  // namespace mlt::app
