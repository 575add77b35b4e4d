#pragma once
/// The few cryptographic pieces of the cluster (OpenSSL's libcrypto): the
/// join handshake's nonces and HMAC proofs of the shared secret, and the
/// content hash bars are cached under.

#include <string>

namespace mlt::actors::cluster {

/// 16 random bytes as hex, fresh for each handshake.
std::string fresh_nonce();

/// HMAC-SHA256 of `text` keyed with `secret`, as hex.
std::string hmac_hex(const std::string& secret, const std::string& text);

/// SHA-256 of `bytes`, as hex.
std::string sha256_hex(const void* bytes, std::size_t n);

/// Equal, compared in time that does not depend on where they differ.
bool same_proof(const std::string& a, const std::string& b);

/// What the coordinator proves over the worker's nonce, and the worker over
/// both: the secret, never the secret itself, crosses the network.
std::string coordinator_proof(const std::string& secret, const std::string& worker_nonce);
std::string worker_proof(const std::string& secret, const std::string& coordinator_nonce,
                         const std::string& worker_nonce);

}  // namespace mlt::actors::cluster
