// `mltrainer chat` and `mltrainer ask`: the person's side of the WebSocket.
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "app/commands.hpp"
#include "config/flag_help.hpp"
#include "messages/json_writer.hpp"
#include "net/ws_client.hpp"

namespace mlt::app {

namespace {

struct client_args {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8765;
  std::string path = "/ws";
  std::string token;
  bool json = false;
  bool yes = false;
  int timeout_s = 600;
  std::string text;
};

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v)) return {};
  return std::string(v);
}

double num(simdjson::dom::element e, const char* key) {
  double d = 0;
  if (!e[key].get_double().get(d)) return d;
  std::int64_t i = 0;
  if (!e[key].get_int64().get(i)) return static_cast<double>(i);
  return 0;
}

std::string pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * v);
  return b;
}

// One frame as readable lines; `progress_every` thins training steps.
std::string render(simdjson::dom::element f) {
  const std::string type = str(f, "type");
  if (type == "hello" || type == "reply") return "mlTrainer: " + str(f, "text");
  if (type == "proposal")
    return "mlTrainer: proposal #" + std::to_string(static_cast<long long>(num(f, "proposal_id"))) + "\n" +
           str(f, "text");
  if (type == "error") return "error [" + str(f, "code") + "]: " + str(f, "message");
  if (type == "trial_failed")
    return "Trial " + std::to_string(static_cast<long long>(num(f, "trial_id"))) + " " + str(f, "status") + ": " +
           str(f, "message");
  if (type == "event") {
    const std::string kind = str(f, "kind");
    const std::string speaker = str(f, "speaker");
    const std::string text = str(f, "text");
    if (kind == "progress") {
      simdjson::dom::element data;
      if (!f["data"].get(data) && str(data, "phase") == "train") {
        const double step = num(data, "step"), total = num(data, "total");
        const double every = std::max(1.0, std::floor(total / 4));
        if (step < total && std::fmod(step, every) != 0) return {};
      }
      return "  ... " + text;
    }
    if (kind == "question") return "ML engine asks: " + text;
    if (kind == "decision") return "mlTrainer: " + text;
    if (kind == "report") return {};
    if (kind == "warning") return "ML engine WARNING: " + text;
    if (kind == "error") return "ERROR: " + text;
    return (speaker == "engine" ? "ML engine: " : speaker == "mlTrainer" ? "mlTrainer: " : "") + text;
  }
  if (type == "report") {
    std::string out = "\n=== REPORT: trial " + std::to_string(static_cast<long long>(num(f, "trial_id"))) + " — " +
                      str(f, "symbol") + ", " + str(f, "model") + ", data " + str(f, "data_source") + " ===\n";
    out += str(f, "text") + "\n";
    simdjson::dom::element m, p, b;
    if (!f["metrics"]["test"].get(m) && !f["paper"].get(p) && !f["buy_hold"].get(b)) {
      char buf[512];
      std::snprintf(buf, sizeof buf,
                    "\n  test accuracy %s (n=%lld), AUC %.3f | strategy %s, Sharpe %.2f, max DD %s, %lld trades | "
                    "buy-and-hold %s\n",
                    pct(num(m, "accuracy")).c_str(), static_cast<long long>(num(m, "n")), num(m, "roc_auc"),
                    pct(num(p, "total_return")).c_str(), num(p, "sharpe"), pct(num(p, "max_drawdown")).c_str(),
                    static_cast<long long>(num(p, "trades")), pct(num(b, "total_return")).c_str());
      out += buf;
    }
    return out;
  }
  if (type == "trials") {
    std::string out = "trials:";
    simdjson::dom::array arr;
    if (!f["trials"].get_array().get(arr))
      for (auto t : arr)
        out += "\n  #" + std::to_string(static_cast<long long>(num(t, "trial_id"))) + " " + str(t, "status") + " " +
               str(t, "symbol") + " " + str(t, "model") + " " + str(t, "created_at");
    return out == "trials:" ? "trials: none yet" : out;
  }
  if (type == "trial") {
    std::string out = "trial " + std::to_string(static_cast<long long>(num(f, "trial_id"))) + ":";
    simdjson::dom::array arr;
    if (!f["transcript"].get_array().get(arr))
      for (auto e : arr) out += "\n  [" + str(e, "speaker") + "] " + str(e, "text");
    return out;
  }
  if (type == "pong") return "pong";
  if (type == "paper") return "  paper " + str(f, "symbol") + ": " + str(f, "text");
  return std::string(simdjson::minify(f));
}

bool parse_args(int argc, char** argv, client_args& a, std::string& err, bool ask) {
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        err = s + " needs a value";
        return {};
      }
      return argv[++i];
    };
    if (s == "--port") {
      auto v = value();
      if (!err.empty()) return false;
      try {
        long p = std::stol(v);
        if (p < 1 || p > 65535) throw std::out_of_range("port");
        a.port = static_cast<std::uint16_t>(p);
      } catch (...) {
        err = "--port must be 1..65535";
        return false;
      }
    } else if (s == "--url") {
      auto v = value();
      if (!err.empty()) return false;
      if (!net::parse_ws_url(v, a.host, a.port, a.path)) {
        err = "--url must look like ws://HOST:PORT/ws";
        return false;
      }
    } else if (s == "--token") {
      a.token = value();
      if (!err.empty()) return false;
    } else if (s == "--timeout") {
      auto v = value();
      if (!err.empty()) return false;
      a.timeout_s = std::atoi(v.c_str());
      if (a.timeout_s <= 0) {
        err = "--timeout must be a positive number of seconds";
        return false;
      }
    } else if (s == "--json") {
      a.json = true;
    } else if (s == "--yes" || s == "-y") {
      a.yes = true;
    } else if (s == "--help" || s == "-h") {
      err = "help";
      return false;
    } else if (ask && a.text.empty() && s.rfind("--", 0) != 0) {
      a.text = s;
    } else {
      err = "unknown argument '" + s + "'";
      return false;
    }
  }
  if (const char* t = std::getenv("MLTRAINER_TOKEN"); t && a.token.empty()) a.token = t;
  if (ask && a.text.empty()) {
    err = "ask needs the request text, e.g. mltrainer ask \"Run trial on TSLA\" --yes";
    return false;
  }
  return true;
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

std::string frame(const char* type, const char* key, const std::string& v) {
  msg::json_writer w;
  w.begin_object().field("type", type);
  if (key) w.field(key, v);
  w.end_object();
  return w.take();
}

std::string approve_frame(std::int64_t id) {
  msg::json_writer w;
  w.begin_object().field("type", "approve").field("proposal_id", id).end_object();
  return w.take();
}

// Prints a frame; returns its parsed form for the caller's decisions.
bool show(simdjson::dom::parser& parser, const std::string& raw, bool json, simdjson::dom::element& out) {
  if (parser.parse(raw).get(out)) {
    std::cout << raw << std::endl;
    return false;
  }
  if (json) {
    std::cout << raw << std::endl;
  } else {
    auto line = render(out);
    if (!line.empty()) std::cout << line << std::endl;
  }
  return true;
}

int run_ask(const client_args& a) {
  net::ws_client c;
  connect(c, a);
  simdjson::dom::parser parser;
  simdjson::dom::element f;
  c.send(frame("chat", "text", a.text));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(a.timeout_s);
  std::int64_t trial_id = 0;
  bool approved = false;
  while (std::chrono::steady_clock::now() < deadline) {
    auto raw = c.read(std::chrono::milliseconds(500));
    if (!raw) continue;
    if (!show(parser, *raw, a.json, f)) continue;
    const std::string type = str(f, "type");
    if (type == "error") return 1;
    if (type == "proposal") {
      if (!a.yes) return 0;
      if (!approved) {
        approved = true;
        c.send(approve_frame(static_cast<std::int64_t>(num(f, "proposal_id"))));
      }
    } else if (type == "reply") {
      if (num(f, "trial_id") > 0) trial_id = static_cast<std::int64_t>(num(f, "trial_id"));
      if (!approved) return 0;
    } else if (type == "report") {
      if (trial_id == 0 || static_cast<std::int64_t>(num(f, "trial_id")) == trial_id) return 0;
    } else if (type == "trial_failed") {
      return 1;
    }
  }
  std::cerr << "mltrainer: no report within " << a.timeout_s << " s\n";
  return 3;
}

int run_chat(const client_args& a) {
  net::ws_client c;
  connect(c, a);
  simdjson::dom::parser parser;
  simdjson::dom::element f;
  std::int64_t last_proposal = 0;
  std::cout << "(type a message; /approve, /list, /show N, /cancel N, /quit)" << std::endl;
  std::string line;
  bool stdin_open = true;
  while (c.is_open()) {
    while (auto raw = c.read(std::chrono::milliseconds(20))) {
      if (show(parser, *raw, a.json, f) && str(f, "type") == "proposal")
        last_proposal = static_cast<std::int64_t>(num(f, "proposal_id"));
    }
    if (!stdin_open) continue;
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    if (poll(&pfd, 1, 80) <= 0) continue;
    if (!std::getline(std::cin, line)) {
      stdin_open = false;
      // Piped input ended: stay a little for the answers, then leave.
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      while (std::chrono::steady_clock::now() < until)
        if (auto raw = c.read(std::chrono::milliseconds(100))) show(parser, *raw, a.json, f);
      break;
    }
    if (line.empty()) continue;
    if (line == "/quit" || line == "/exit") break;
    if (line == "/approve") c.send(approve_frame(last_proposal));
    else if (line == "/list") c.send(frame("list_trials", nullptr, ""));
    else if (line.rfind("/show ", 0) == 0) c.send(R"({"type":"get_trial","trial_id":)" + line.substr(6) + "}");
    else if (line.rfind("/cancel ", 0) == 0) c.send(R"({"type":"cancel","trial_id":)" + line.substr(8) + "}");
    else c.send(frame("chat", "text", line));
  }
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
                           "/cancel N, /quit\n") +
         config::format_flags(flags);
}

}  // namespace

int run_client(int argc, char** argv) {
  const bool ask = std::strcmp(argv[0], "ask") == 0;
  client_args a;
  std::string err;
  if (!parse_args(argc, argv, a, err, ask)) {
    if (err != "help") std::cerr << "mltrainer " << argv[0] << ": " << err << "\n";
    (err == "help" ? std::cout : std::cerr) << client_usage(ask);
    return err == "help" ? 0 : 2;
  }
  try {
    return ask ? run_ask(a) : run_chat(a);
  } catch (const std::exception& e) {
    std::cerr << "mltrainer: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mlt::app
