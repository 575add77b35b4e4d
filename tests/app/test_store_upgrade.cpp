// A state directory an older build wrote (store schema 5, plans, reports and
// portfolios as JSON; tests/data/store_schema5) opens with this build, which
// keeps typed records, and shows everything exactly as that build did.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sqlite3.h>

#include "net/http_client.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/run_capture.hpp"
#include "tests/support/ws_json.hpp"

using namespace std::chrono_literals;

namespace {

const std::string fixture = std::string(MLT_TEST_DATA_DIR) + "/store_schema5";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string expected(const std::string& name) { return slurp(fixture + "/expected/" + name); }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A fresh state directory holding a copy of the fixture's database and model.
std::string state_from_fixture(const std::string& name) {
  const auto dir = mlt::test::fresh_dir(name);
  std::filesystem::copy_file(fixture + "/mltrainer.db", dir + "/mltrainer.db");
  std::filesystem::copy(fixture + "/models", dir + "/models");
  return dir;
}

std::string client_output(const std::string& args, std::uint16_t port) {
  // stdout only, as the fixture recorded it.
  auto r = mlt::test::run_capture("(" + mlt::test::binary("app/mltrainer") + " " + args + " --port " +
                                  std::to_string(port) + " 2>/dev/null)");
  REQUIRE(r.started);
  return r.output;
}

}  // namespace

TEST_CASE("a schema-5 state directory shows its trials, proposal, reports and portfolio as the older build did",
          "[integration]") {
  const auto state = state_from_fixture("store-upgrade");
  mlt::test::daemon_process d(state, {"--data-dir", std::string(MLT_SOURCE_DIR) + "/data"});

  SECTION("the HTTP API answers byte for byte") {
    mlt::net::http_client http;
    auto fetch = [&](const std::string& path) {
      mlt::net::http_request req;
      req.method = "GET";
      req.url = "http://127.0.0.1:" + std::to_string(d.port()) + "/api/trials" + path;
      req.timeout = 10s;
      return http.send(req);
    };
    for (const auto& [file, path] : std::vector<std::pair<std::string, std::string>>{
             {"trials", ""}, {"trials_1", "/1"}, {"trials_2", "/2"}, {"trials_1_equity.csv", "/1/equity.csv"},
             {"trials_1_trades.csv", "/1/trades.csv"}}) {
      INFO("GET /api/trials" << path);
      auto res = fetch(path);
      CHECK(res.status == 200);
      CHECK(res.body == expected(file));
    }
    auto html = fetch("/1/report.html");
    CHECK(html.status == 200);
    CHECK_THAT(html.body, Catch::Contains("mlTrainer report: trial 1, TSLA, logistic"));
  }

  SECTION("the client's trials and show print the same") {
    CHECK(client_output("trials", d.port()) == expected("cli_trials.txt"));
    CHECK(client_output("show 1", d.port()) == expected("cli_show_1.txt"));
    CHECK(client_output("show 2", d.port()) == expected("cli_show_2.txt"));
  }

  SECTION("the chat offers the waiting proposal and answers trials and show with the same frames") {
    const auto want = lines(expected("chat.jsonl"));
    REQUIRE(want.size() == 5);
    mlt::net::ws_client c;
    c.connect("127.0.0.1", d.port());
    mlt::test::frame_reader r(c);
    CHECK(r.next().raw == want[0]);      // hello
    CHECK(r.until("proposal").raw == want[1]);  // the scheduled proposal, from its migrated plan
    const char* asks[] = {"trials", "show trial 1", "show trial 2"};
    for (int i = 0; i < 3; ++i) {
      c.send(std::string(R"({"type":"chat","text":")") + asks[i] + "\"}");
      CHECK(r.until("reply").raw == want[static_cast<std::size_t>(i) + 2]);
    }
    // The paper portfolio traded every bar of the data already: it is read back and its equity told.
    c.send(R"({"type":"chat","text":"update my TSLA paper portfolio"})");
    const auto paper = lines(expected("cli_paper_update.txt"));
    REQUIRE_FALSE(paper.empty());
    CHECK("mlTrainer: " + r.until("reply").str("text") == paper.back());
  }

  CHECK(d.stop() == 0);
  // The file is at schema 6 and keeps no JSON column.
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open((state + "/mltrainer.db").c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw,
                             "SELECT (SELECT user_version FROM pragma_user_version), "
                             "(SELECT COUNT(*) FROM sqlite_master m, pragma_table_info(m.name) c "
                             " WHERE m.type='table' AND c.name LIKE '%json')",
                             -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) == 6);
  CHECK(sqlite3_column_int(st, 1) == 0);
  sqlite3_finalize(st);
  sqlite3_close(raw);
}
