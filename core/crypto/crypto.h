// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/base/result.h"

/// The only module that talks to OpenSSL and libargon2.
namespace cairn::crypto {

using Key = std::array<std::uint8_t, 32>;
using Digest = std::array<std::uint8_t, 32>;

inline constexpr std::size_t NonceBytes = 12;
inline constexpr std::size_t TagBytes = 16;
/// What aead_seal adds to the plaintext: the nonce in front, the tag behind.
inline constexpr std::size_t SealOverhead = NonceBytes + TagBytes;

Digest sha256(std::string_view data);

/// Incremental SHA-256, for data that arrives in pieces.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(std::string_view data);
    Digest finish();

private:
    void* m_context;
};

Digest hmac_sha256(const Key& key, std::string_view data);

/// HKDF-SHA-256 (RFC 5869) with an empty salt: one independent sub-key per purpose.
Key derive_subkey(const Key& input_key, std::string_view purpose);

/// Cryptographically random bytes.
void random_bytes(std::span<std::uint8_t> out);
Key random_key();

/// AES-256-GCM with a fresh random nonce. Returns nonce || ciphertext || tag.
/// associated_data is authenticated, not stored: the reader must supply the same.
std::string aead_seal(const Key& key, std::string_view plaintext, std::string_view associated_data);
/// Appends the sealed form to out (avoids a copy on the hot path).
void aead_seal_append(const Key& key, std::string_view plaintext, std::string_view associated_data,
                      std::string& out);

/// Opens what aead_seal made. CryptoFailure when the key, the data or the associated data differ.
Result<std::string> aead_open(const Key& key, std::string_view sealed, std::string_view associated_data);

struct PassphraseKdfParameters {
    std::uint32_t time_cost = 3;
    std::uint32_t memory_kib = 64 * 1024;
    std::uint32_t parallelism = 1;
    std::string salt;  ///< 16 random bytes
};

/// Argon2id. Internal error only when libargon2 refuses the parameters.
Result<Key> derive_key_from_passphrase(std::string_view passphrase, const PassphraseKdfParameters& parameters);

std::string to_hex(std::span<const std::uint8_t> bytes);
inline std::string to_hex(std::string_view bytes) {
    return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}
Result<std::string> from_hex(std::string_view hex);
std::string to_base64(std::string_view bytes);
Result<std::string> from_base64(std::string_view text);
/// The URL- and file-name-safe alphabet of RFC 4648 §5 ('-' and '_'), without '=' padding:
/// the form PKCE (RFC 7636) and JSON Web Tokens use.
std::string to_base64url(std::string_view bytes);
/// Accepts base64url with or without padding.
Result<std::string> from_base64url(std::string_view text);

/// Overwrites a secret before its memory is released.
void wipe(std::span<std::uint8_t> secret);

}  // namespace cairn::crypto
