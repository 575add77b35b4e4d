// One WebSocket conversation on CAF's deterministic scheduler: frames go in
// as the server hands them over, and the frames the session writes to its
// connection are read back in order. Covers the chat round trip through a
// real agent, the observer's lines, bad frames, the per-session rate limit
// and the maximum message size, without a socket or a daemon.

#define CAF_SUITE actors.session

#include "tests/actors/dsl_fixture.hpp"

#include "actors/fwd.hpp"
#include "net/server.hpp"

using namespace mlt;
using namespace mlt::test;

namespace {

// The connection's side: keeps every frame the session sends.
struct recorded_connection : net::ws_connection {
  std::vector<std::string> frames;
  std::uint64_t id() const override { return 7; }
  void send(std::string text) override { frames.push_back(std::move(text)); }
  void close() override {}
  std::string remote() const override { return "127.0.0.1:1"; }
};

bool has(const std::string& frame, const std::string& part) { return frame.find(part) != std::string::npos; }

constexpr int per_minute = 4;
constexpr std::size_t max_bytes = 120;

struct session_fixture : dsl_fixture {
  std::shared_ptr<recorded_connection> conn = std::make_shared<recorded_connection>();
  actors::engine_actor engine = sys.spawn(scripted_engine);
  actors::session_actor session;

  session_fixture() {
    actors::session_config cfg;
    cfg.store = store_handle();
    cfg.engine = engine;
    cfg.agent.engine = engine;
    cfg.agent.store = store_handle();
    cfg.agent.data_dir = MLT_TEST_DATA_DIR;
    cfg.version = "test";
    cfg.messages_per_minute = per_minute;
    cfg.max_message_bytes = max_bytes;
    cfg.agent_mode = actors::thread_mode::scheduled;
    session = actors::spawn_session(sys, conn, cfg);
    run();  // the session and its agent start; the session says hello
  }

  // The client goes away: the session quits, and its agent with it (each
  // holds the other, as in the daemon).
  ~session_fixture() override {
    self->send(session, msg::ws_closed{"test over"});
    run();
  }

  // One text frame from the client, taken by the session; the frames it
  // wrote in answer (for a frame it answers itself, without asking anyone).
  std::vector<std::string> frame_in(const std::string& text) {
    const auto before = conn->frames.size();
    self->send(session, msg::ws_frame_in{text});
    expect((msg::ws_frame_in), from(self).to(session).with(_));
    return {conn->frames.begin() + static_cast<std::ptrdiff_t>(before), conn->frames.end()};
  }

  // The one frame the session wrote in answer ("" if it wrote none or more).
  std::string answer(const std::string& text) {
    auto out = frame_in(text);
    return out.size() == 1 ? out[0] : std::string();
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(session_tests, session_fixture)

CAF_TEST(the session says hello then answers a ping and a chat line with frames) {
  CAF_REQUIRE_EQUAL(conn->frames.size(), 1u);
  CAF_CHECK(has(conn->frames[0], R"("type":"hello")"));
  CAF_CHECK(has(conn->frames[0], R"("version":"test")"));
  auto pong = frame_in(R"({"type":"ping"})");
  CAF_REQUIRE_EQUAL(pong.size(), 1u);
  CAF_CHECK_EQUAL(pong[0], R"({"type":"pong"})");
  // A chat line goes to the agent, which stores the proposal; the session
  // turns the agent's answer into a proposal frame.
  CAF_CHECK(frame_in(R"({"type":"chat","text":"Run trial on SPY"})").empty());
  run();  // the agent, the store, the agent's answer back to the session
  CAF_REQUIRE_EQUAL(conn->frames.size(), 3u);
  CAF_CHECK(has(conn->frames[2], R"("type":"proposal")"));
  CAF_CHECK(has(conn->frames[2], R"("proposal_id":1)"));
  CAF_CHECK(has(conn->frames[2], R"("symbol":"SPY")"));
  CAF_CHECK_EQUAL(stored->proposals.size(), 1u);
}

CAF_TEST(what the session observes becomes frames) {
  msg::trial_event e;
  e.trial_id = mlt::msg::trial_id{3};
  e.seq = 1;
  e.speaker = msg::event_speaker::engine;
  e.kind = msg::event_kind::status;
  e.text = "Trial 3 started";
  self->send(session, e);
  expect((msg::trial_event), from(self).to(session).with(_));
  CAF_CHECK(has(conn->frames.back(), R"("type":"event")"));
  CAF_CHECK(has(conn->frames.back(), "Trial 3 started"));
  self->send(session, msg::trial_failed{msg::trial_id{3}, msg::trial_status::failed, "data_failed", "no bars for XYZ"});
  expect((msg::trial_failed), from(self).to(session).with(_));
  CAF_CHECK(has(conn->frames.back(), R"("code":"data_failed")"));
  CAF_CHECK(has(conn->frames.back(), R"("status":"failed")"));  // the enum's word, at the edge
  CAF_CHECK(has(conn->frames.back(), "no bars for XYZ"));
}

CAF_TEST(a bad frame gets an error frame naming the problem and the session stays) {
  auto bad = frame_in("this is not JSON");
  CAF_REQUIRE_EQUAL(bad.size(), 1u);
  CAF_CHECK(has(bad[0], R"("type":"error")"));
  CAF_CHECK(has(bad[0], R"("code":"bad_json")"));
  auto unknown = frame_in(R"({"type":"fly"})");
  CAF_REQUIRE_EQUAL(unknown.size(), 1u);
  CAF_CHECK(has(unknown[0], R"("code":"unknown_type")"));
  CAF_CHECK(has(unknown[0], "unknown frame type 'fly'"));
  CAF_CHECK_EQUAL(answer(R"({"type":"ping"})"), R"({"type":"pong"})");
}

CAF_TEST(the frame over the rate limit is dropped with a rate_limited error) {
  for (int i = 0; i < per_minute; ++i) CAF_CHECK_EQUAL(answer(R"({"type":"ping"})"), R"({"type":"pong"})");
  auto over = frame_in(R"({"type":"ping"})");
  CAF_REQUIRE_EQUAL(over.size(), 1u);
  CAF_CHECK(has(over[0], R"("code":"rate_limited")"));
  CAF_CHECK(has(over[0], "more than 4 messages a minute"));
}

CAF_TEST(a frame over the size limit is refused with too_large and never reaches the agent) {
  const std::string text = R"({"type":"chat","text":")" + std::string(200, 'x') + R"("})";
  auto refused = frame_in(text);
  CAF_REQUIRE_EQUAL(refused.size(), 1u);
  CAF_CHECK(has(refused[0], R"("code":"too_large")"));
  CAF_CHECK(has(refused[0], std::to_string(text.size()) + " bytes is over the limit of 120 bytes"));
  run();  // nothing reaches the agent or the store
  CAF_CHECK_EQUAL(conn->frames.size(), 2u);
  CAF_CHECK(stored->proposals.empty());
  // Exactly at the limit is allowed.
  std::string at_limit = R"({"type":"ping","pad":")";
  at_limit += std::string(max_bytes - at_limit.size() - 2, 'x') + R"("})";
  CAF_REQUIRE_EQUAL(at_limit.size(), max_bytes);
  CAF_CHECK_EQUAL(answer(at_limit), R"({"type":"pong"})");
}

CAF_TEST_FIXTURE_SCOPE_END()
