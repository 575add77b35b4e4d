// The HTTPS path against a real TLS server on 127.0.0.1 with a throw-away
// self-signed certificate for "localhost": verification on, SNI sent, and a
// wrong CA or a wrong host name refused.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <unistd.h>

#include "net/http_client.hpp"

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace mlt::net;

namespace {

struct self_signed {
  std::string cert_pem, key_pem;
};

// An EC P-256 key and a one-day certificate with subjectAltName DNS:localhost only.
self_signed make_certificate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair<int, const char*>{NID_subject_alt_name, "DNS:localhost"},
                            {NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(x, key, EVP_sha256());
  auto to_string = [](BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return s;
  };
  BIO* cb = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cb, x);
  BIO* kb = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(kb, key, nullptr, nullptr, 0, nullptr, nullptr);
  self_signed out{to_string(cb), to_string(kb)};
  X509_free(x);
  EVP_PKEY_free(key);
  return out;
}

// Serves "hello tls" over HTTPS to each connection until stopped; records SNI.
class tls_server {
public:
  explicit tls_server(const self_signed& cert) : ctx_(ssl::context::tls_server), acceptor_(ioc_) {
    ctx_.use_certificate_chain(asio::buffer(cert.cert_pem));
    ctx_.use_private_key(asio::buffer(cert.key_pem), ssl::context::pem);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { run(); });
  }
  ~tls_server() {
    stop_ = true;
    boost::system::error_code ec;
    tcp::socket wake(ioc_);
    wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  std::string sni() {
    std::lock_guard<std::mutex> lock(mutex_);
    return sni_;
  }

private:
  void run() {
    while (!stop_) {
      tcp::socket sock(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(sock, ec);
      if (ec || stop_) continue;
      ssl::stream<tcp::socket> stream(std::move(sock), ctx_);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) continue;  // the client refused our certificate
      if (const char* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name)) {
        std::lock_guard<std::mutex> lock(mutex_);
        sni_ = name;
      }
      boost::beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::read(stream, buf, req, ec);
      if (ec) continue;
      http::response<http::string_body> res{http::status::ok, 11};
      res.body() = "hello tls";
      res.keep_alive(false);
      res.prepare_payload();
      http::write(stream, res, ec);
      stream.shutdown(ec);
    }
  }

  asio::io_context ioc_;
  ssl::context ctx_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string sni_;
  std::thread thread_;
};

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".pem");
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("https verifies the certificate against the given CA and sends SNI", "[net][http][tls]") {
  self_signed cert = make_certificate();
  tls_server server(cert);
  std::string ca = write_temp("mlt_test_ca_", cert.cert_pem);
  http_client client(http_client_options{ca, 1u << 20, "test"});
  http_request req;
  req.url = "https://localhost:" + std::to_string(server.port()) + "/v2/ping";
  req.timeout = std::chrono::milliseconds(5000);
  http_response res = client.send(req);
  CHECK(res.status == 200);
  CHECK(res.body == "hello tls");
  CHECK(server.sni() == "localhost");
  std::filesystem::remove(ca);
}

TEST_CASE("https refuses a certificate no trusted CA signed", "[net][http][tls]") {
  self_signed cert = make_certificate();
  tls_server server(cert);
  http_client client;  // system store only
  http_request req;
  req.url = "https://localhost:" + std::to_string(server.port()) + "/?apiKey=SHOULD_NOT_LEAK";
  req.timeout = std::chrono::milliseconds(5000);
  try {
    client.send(req);
    FAIL("an untrusted certificate was accepted");
  } catch (const http_error& e) {
    CHECK(e.kind == http_failure::tls);
    CHECK(std::string(e.what()).find("certificate verify failed") != std::string::npos);
    CHECK(std::string(e.what()).find("SHOULD_NOT_LEAK") == std::string::npos);
  }
}

TEST_CASE("https refuses a certificate issued for another host name", "[net][http][tls]") {
  self_signed cert = make_certificate();  // valid for "localhost" only
  tls_server server(cert);
  std::string ca = write_temp("mlt_test_ca2_", cert.cert_pem);
  http_client client(http_client_options{ca, 1u << 20, "test"});
  http_request req;
  req.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  req.timeout = std::chrono::milliseconds(5000);
  try {
    client.send(req);
    FAIL("a certificate for another host was accepted");
  } catch (const http_error& e) {
    CHECK(e.kind == http_failure::tls);
  }
  std::filesystem::remove(ca);
}
