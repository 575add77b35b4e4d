// The page's files are embedded into the daemon and served with safe headers.
#include <catch2/catch.hpp>

#include "web/assets.hpp"
#include "web/report_export.hpp"
#include "web/static_files.hpp"

using mlt::web::find_web_asset;

TEST_CASE("the root path serves the embedded index.html as html", "[web]") {
  const auto* a = find_web_asset("/");
  REQUIRE(a != nullptr);
  CHECK(a->content_type == "text/html; charset=utf-8");
  CHECK(a->body.find("<!doctype html>") == 0);
  CHECK(a->body.find("/app.js") != std::string_view::npos);
  CHECK(find_web_asset("/index.html") == a);
  CHECK(find_web_asset("/?token=abc") == a);
}

TEST_CASE("the script, the stylesheet and Debian's Chart.js are embedded whole", "[web]") {
  const auto* js = find_web_asset("/app.js");
  REQUIRE(js != nullptr);
  CHECK(js->content_type == "text/javascript; charset=utf-8");
  CHECK(js->body.find("WebSocket") != std::string_view::npos);
  const auto* css = find_web_asset("/app.css");
  REQUIRE(css != nullptr);
  CHECK(css->content_type == "text/css; charset=utf-8");
  CHECK(css->body.find("prefers-color-scheme: dark") != std::string_view::npos);
  const auto* chart = find_web_asset("/chart.js");
  REQUIRE(chart != nullptr);
  CHECK(chart->body.find("Chart.js v") != std::string_view::npos);
  CHECK(chart->body.size() > 100000);
  // The generated arrays hold the bytes and nothing after them.
  CHECK(chart->body.back() != '\0');
}

TEST_CASE("unknown paths are not files", "[web]") {
  CHECK(find_web_asset("/api/trials") == nullptr);
  CHECK(find_web_asset("/../etc/passwd") == nullptr);
  CHECK(find_web_asset("/index.htm") == nullptr);
}

TEST_CASE("files are served for GET and HEAD with a content security policy, not for POST", "[web]") {
  mlt::net::server_request req;
  req.method = "GET";
  req.target = "/";
  auto res = mlt::web::serve_web_file(req);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->headers.at("Content-Security-Policy").find("default-src 'self'") != std::string::npos);
  CHECK(res->headers.at("Content-Security-Policy").find("connect-src 'self' ws: wss:") != std::string::npos);
  CHECK(res->headers.at("X-Content-Type-Options") == "nosniff");
  req.method = "HEAD";
  CHECK(mlt::web::serve_web_file(req));
  req.method = "POST";
  CHECK(!mlt::web::serve_web_file(req));
  req.method = "GET";
  req.target = "/missing.js";
  CHECK(!mlt::web::serve_web_file(req));
}

TEST_CASE("an exported report inlines everything and no text in it can break out of its script", "[web]") {
  // A report text that tries to close the data script and run its own.
  const std::string json = R"({"type":"report","trial_id":3,"text":"</script><script>alert(1)</script> & <b>"})";
  const auto html = mlt::web::report_html(json, "trial 3 <TSLA> & \"co\"", "plain </pre> text & more");
  CHECK(html.rfind("<!doctype html>", 0) == 0);
  CHECK(html.find("<title>trial 3 &lt;TSLA&gt; &amp; &quot;co&quot;</title>") != std::string::npos);
  CHECK(html.find(R"(<script type="application/json" id="report-data">{"type":"report","trial_id":3,"text":"\u003c/script>\u003cscript>alert(1)\u003c/script> & \u003cb>"}</script>)") !=
        std::string::npos);
  CHECK(html.find("<noscript><pre>plain &lt;/pre&gt; text &amp; more</pre></noscript>") != std::string::npos);
  // Exactly three scripts close: the data, Chart.js and app.js.
  std::size_t closes = 0;
  for (auto at = html.find("</script"); at != std::string::npos; at = html.find("</script", at + 1)) ++closes;
  CHECK(closes == 3);
  CHECK(html.find("alert(1)</script>") == std::string::npos);
  // Nothing is fetched: no src or href attribute, and a policy that allows no request.
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find(" href=") == std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
  CHECK(html.find(std::string(find_web_asset("/chart.js")->body.substr(0, 200))) != std::string::npos);
  CHECK(html.find("function renderReport") != std::string::npos);
}
