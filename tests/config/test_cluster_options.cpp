// The cluster's flags, config keys and checks: a coordinator or worker
// without the shared secret does not start, and a worker needs --join.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "config/config_file.hpp"
#include "config/daemon_options.hpp"
#include "tests/config/parse_flags.hpp"

using namespace mlt::config;

namespace {
constexpr auto parse = mlt::test::parse_flags;

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

config_report checked(daemon_options& o, const env_lookup& env) {
  config_report r;
  apply_environment(o, env);
  check_options(o, r);
  return r;
}
}  // namespace

TEST_CASE("no cluster flag, no cluster: a daemon needs no secret") {
  daemon_options o;
  CHECK(o.cluster_port == -1);
  CHECK_FALSE(o.worker);
  CHECK(checked(o, env_of({})).ok());
}

TEST_CASE("cluster flags are parsed, and bad values named") {
  daemon_options o;
  std::string err;
  REQUIRE(parse({"--cluster-port", "0", "--local-trainers", "0"}, o, err));
  CHECK(o.cluster_port == 0);
  CHECK(o.local_trainers == 0);
  daemon_options w;
  REQUIRE(parse({"--worker", "--join", "10.0.0.5:8766", "--trainers", "3"}, w, err));
  CHECK(w.worker);
  CHECK(split_host_port(w.join) == std::make_pair(std::string("10.0.0.5"), std::uint16_t{8766}));
  CHECK(w.worker_trainers == 3);
  daemon_options bad;
  CHECK_FALSE(parse({"--join", "coordinator"}, bad, err));
  CHECK_THAT(err, Catch::Contains("--join must be HOST:PORT"));
  CHECK_FALSE(parse({"--cluster-port", "70000"}, bad, err));
  CHECK_THAT(err, Catch::Contains("--cluster-port must be 0..65535"));
  CHECK_FALSE(parse({"--trainers", "0"}, bad, err));
  CHECK_THAT(err, Catch::Contains("--trainers must be 1..256"));
}

TEST_CASE("a coordinator or worker without the secret is refused; the secret comes from its variable") {
  daemon_options o;
  o.cluster_port = 0;
  auto r = checked(o, env_of({}));
  CHECK_FALSE(r.ok());
  CHECK_THAT(r.error_text(), Catch::Contains("a cluster needs its shared secret: set MLTRAINER_CLUSTER_SECRET"));
  daemon_options shortish;
  shortish.cluster_port = 0;
  CHECK_THAT(checked(shortish, env_of({{"MLTRAINER_CLUSTER_SECRET", "short"}})).error_text(),
             Catch::Contains("at least 16 characters"));
  daemon_options ok;
  ok.cluster_port = 0;
  CHECK(checked(ok, env_of({{"MLTRAINER_CLUSTER_SECRET", "0123456789abcdef01"}})).ok());
  CHECK(ok.cluster_secret == "0123456789abcdef01");
  daemon_options w;
  w.worker = true;
  CHECK_THAT(checked(w, env_of({{"MLTRAINER_CLUSTER_SECRET", "0123456789abcdef01"}})).error_text(),
             Catch::Contains("a worker needs --join HOST:PORT"));
}

TEST_CASE("the cluster section of the config file") {
  daemon_options o;
  config_report r;
  apply_config_json(R"({"cluster": {"port": 8766, "bind": "10.0.0.2", "local_trainers": 1, "secret_env": "MY_SECRET"}})",
                    o, r);
  REQUIRE(r.ok());
  CHECK(o.cluster_port == 8766);
  CHECK(o.cluster_bind == "10.0.0.2");
  CHECK(o.local_trainers == 1);
  CHECK(o.cluster_secret_env == "MY_SECRET");
  auto c = checked(o, env_of({{"MY_SECRET", "0123456789abcdef01"}}));
  CHECK(c.ok());
  // Off loopback without TLS: allowed, with a warning.
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0].text(), Catch::Contains("without TLS"));
  CHECK(o.cluster_call_deadline_ms == 0);  // the built-in deadlines
  config_report bad;
  daemon_options b;
  apply_config_json(R"({"cluster": {"prot": 1}})", b, bad);
  CHECK_THAT(bad.error_text(), Catch::Contains("$.cluster.prot: unknown key (did you mean \"port\"?)"));
}

TEST_CASE("cluster.call_deadline_ms: 0 keeps the built-in deadlines, 1000..30000 replaces them, else named") {
  daemon_options o;
  config_report r;
  apply_config_json(R"({"cluster": {"call_deadline_ms": 4000}})", o, r);
  REQUIRE(r.ok());
  CHECK(o.cluster_call_deadline_ms == 4000);
  for (const char* bad : {R"({"cluster": {"call_deadline_ms": 500}})", R"({"cluster": {"call_deadline_ms": 60000}})",
                          R"({"cluster": {"call_deadline_ms": "5s"}})"}) {
    INFO(bad);
    daemon_options b;
    config_report br;
    apply_config_json(bad, b, br);
    CHECK_FALSE(br.ok());
    CHECK_THAT(br.error_text(), Catch::Contains("$.cluster.call_deadline_ms"));
    CHECK(b.cluster_call_deadline_ms == 0);
  }
}

TEST_CASE("TLS between nodes: three files from flags or the file, all or none, each readable") {
  // Any readable file passes the check; CAF reads them as PEM when the node starts.
  const std::string readable = std::string(MLT_SOURCE_DIR) + "/config/mltrainer.example.json";
  const auto secret = env_of({{"MLTRAINER_CLUSTER_SECRET", "0123456789abcdef01"}});
  daemon_options o;
  std::string err;
  REQUIRE(parse({"--worker", "--join", "10.0.0.1:8766", "--tls-certificate", readable, "--tls-key=" + readable,
                 "--tls-cafile", readable},
                o, err));
  CHECK(o.cluster_tls());
  CHECK(o.cluster_tls_key == readable);
  CHECK(checked(o, secret).ok());

  daemon_options f;
  config_report r;
  apply_config_json(R"({"cluster": {"port": 0, "bind": "10.0.0.2", "tls_certificate": ")" + readable +
                        R"(", "tls_key": ")" + readable + R"(", "tls_cafile": ")" + readable + R"("}})",
                    f, r);
  REQUIRE(r.ok());
  CHECK(f.cluster_tls_cafile == readable);
  auto c = checked(f, secret);
  CHECK(c.ok());
  CHECK(c.warnings.empty());  // off loopback, but encrypted

  daemon_options half;
  REQUIRE(parse({"--cluster-port", "0", "--tls-certificate", readable}, half, err));
  auto h = checked(half, secret);
  CHECK_FALSE(h.ok());
  CHECK_THAT(h.error_text(), Catch::Contains("$.cluster.tls_key: TLS between nodes needs cluster.tls_certificate, "
                                             "tls_key and tls_cafile"));
  CHECK_THAT(h.error_text(), Catch::Contains("tls_cafile is missing"));

  daemon_options missing;
  REQUIRE(parse({"--cluster-port", "0", "--tls-certificate", "/nonexistent/node.crt", "--tls-key", readable,
                 "--tls-cafile", readable},
                missing, err));
  CHECK_THAT(checked(missing, secret).error_text(),
             Catch::Contains("$.cluster.tls_certificate: cannot read /nonexistent/node.crt"));
}
