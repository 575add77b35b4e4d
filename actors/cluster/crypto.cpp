#include "actors/cluster/crypto.hpp"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "actors/cluster/envelope.hpp"

namespace mlt::actors::cluster {

namespace {
std::string hex(const unsigned char* p, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}
}  // namespace

std::string fresh_nonce() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("cluster: no random bytes for a nonce");
  return hex(b, sizeof b);
}

std::string hmac_hex(const std::string& secret, const std::string& text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), out, &n);
  return hex(out, n);
}

std::string sha256_hex(const void* bytes, std::size_t n) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(static_cast<const unsigned char*>(bytes), n, out);
  return hex(out, sizeof out);
}

bool same_proof(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string coordinator_proof(const std::string& secret, const std::string& worker_nonce) {
  return hmac_hex(secret, "mltrainer coordinator|" + worker_nonce);
}

std::string worker_proof(const std::string& secret, const std::string& coordinator_nonce,
                         const std::string& worker_nonce) {
  return hmac_hex(secret, "mltrainer worker|" + coordinator_nonce + "|" + worker_nonce);
}

std::string bars_key(const ml::bar_series& series) {
  std::vector<char> bytes;
  if (!msg::write_bit_exact(bytes, series)) throw std::runtime_error("cluster: cannot write bars");
  return sha256_hex(bytes.data(), bytes.size());
}

}  // namespace mlt::actors::cluster
