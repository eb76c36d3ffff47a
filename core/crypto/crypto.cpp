// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/crypto/crypto.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <cstring>
#include <memory>

namespace cairn::crypto {
namespace {

const unsigned char* bytes_of(std::string_view data) {
    return reinterpret_cast<const unsigned char*>(data.data());
}

[[noreturn]] void fail_fast(const char* what) {
    // OpenSSL failing on valid parameters means a broken installation, not bad input.
    std::fprintf(stderr, "cairn: fatal: OpenSSL %s failed\n", what);
    std::abort();
}

struct CipherContextDeleter {
    void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

// One cipher context per thread: creating one per record costs more than sealing a small record.
EVP_CIPHER_CTX* thread_cipher_context() {
    thread_local CipherContext context(EVP_CIPHER_CTX_new());
    if (!context)
        fail_fast("EVP_CIPHER_CTX_new");
    return context.get();
}

}  // namespace

Digest sha256(std::string_view data) {
    Digest digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        fail_fast("SHA-256");
    return digest;
}

Sha256::Sha256() : m_context(EVP_MD_CTX_new()) {
    if (m_context == nullptr || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_context), EVP_sha256(), nullptr) != 1)
        fail_fast("SHA-256 init");
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_context)); }

void Sha256::update(std::string_view data) {
    if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_context), data.data(), data.size()) != 1)
        fail_fast("SHA-256 update");
}

Digest Sha256::finish() {
    Digest digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(m_context), digest.data(), &length) != 1)
        fail_fast("SHA-256 final");
    return digest;
}

Digest hmac_sha256(const Key& key, std::string_view data) {
    Digest digest{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes_of(data), data.size(), digest.data(),
             &length) == nullptr)
        fail_fast("HMAC-SHA-256");
    return digest;
}

Key derive_subkey(const Key& input_key, std::string_view purpose) {
    Key out{};
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr),
                                                                        EVP_PKEY_CTX_free);
    std::size_t out_length = out.size();
    if (!context || EVP_PKEY_derive_init(context.get()) <= 0 ||
        EVP_PKEY_CTX_set_hkdf_md(context.get(), EVP_sha256()) <= 0 ||
        EVP_PKEY_CTX_set1_hkdf_key(context.get(), input_key.data(), static_cast<int>(input_key.size())) <= 0 ||
        EVP_PKEY_CTX_add1_hkdf_info(context.get(), bytes_of(purpose), static_cast<int>(purpose.size())) <= 0 ||
        EVP_PKEY_derive(context.get(), out.data(), &out_length) <= 0)
        fail_fast("HKDF");
    return out;
}

void random_bytes(std::span<std::uint8_t> out) {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
        fail_fast("RAND_bytes");
}

Key random_key() {
    Key key{};
    random_bytes(key);
    return key;
}

void aead_seal_append(const Key& key, std::string_view plaintext, std::string_view associated_data,
                      std::string& out) {
    const std::size_t start = out.size();
    out.resize(start + NonceBytes + plaintext.size() + TagBytes);
    auto* nonce = reinterpret_cast<unsigned char*>(out.data() + start);
    random_bytes(std::span(nonce, NonceBytes));
    EVP_CIPHER_CTX* context = thread_cipher_context();
    int length = 0;
    if (EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1)
        fail_fast("AES-GCM init");
    if (!associated_data.empty() &&
        EVP_EncryptUpdate(context, nullptr, &length, bytes_of(associated_data),
                          static_cast<int>(associated_data.size())) != 1)
        fail_fast("AES-GCM aad");
    auto* ciphertext = nonce + NonceBytes;
    if (!plaintext.empty() &&
        EVP_EncryptUpdate(context, ciphertext, &length, bytes_of(plaintext), static_cast<int>(plaintext.size())) != 1)
        fail_fast("AES-GCM encrypt");
    if (EVP_EncryptFinal_ex(context, ciphertext + plaintext.size(), &length) != 1)
        fail_fast("AES-GCM final");
    if (EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, static_cast<int>(TagBytes),
                            ciphertext + plaintext.size()) != 1)
        fail_fast("AES-GCM tag");
}

std::string aead_seal(const Key& key, std::string_view plaintext, std::string_view associated_data) {
    std::string out;
    aead_seal_append(key, plaintext, associated_data, out);
    return out;
}

Result<std::string> aead_open(const Key& key, std::string_view sealed, std::string_view associated_data) {
    if (sealed.size() < SealOverhead)
        return make_error(ErrorCode::CryptoFailure, "sealed record is too short");
    const auto* nonce = bytes_of(sealed);
    const std::size_t plaintext_size = sealed.size() - SealOverhead;
    const auto* ciphertext = nonce + NonceBytes;
    std::string tag(sealed.substr(NonceBytes + plaintext_size));
    std::string plaintext(plaintext_size, '\0');
    EVP_CIPHER_CTX* context = thread_cipher_context();
    int length = 0;
    if (EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1)
        fail_fast("AES-GCM init");
    if (!associated_data.empty() &&
        EVP_DecryptUpdate(context, nullptr, &length, bytes_of(associated_data),
                          static_cast<int>(associated_data.size())) != 1)
        fail_fast("AES-GCM aad");
    if (plaintext_size > 0 &&
        EVP_DecryptUpdate(context, reinterpret_cast<unsigned char*>(plaintext.data()), &length, ciphertext,
                          static_cast<int>(plaintext_size)) != 1)
        fail_fast("AES-GCM decrypt");
    if (EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, static_cast<int>(TagBytes), tag.data()) != 1)
        fail_fast("AES-GCM set tag");
    if (EVP_DecryptFinal_ex(context, reinterpret_cast<unsigned char*>(plaintext.data()) + plaintext_size,
                            &length) != 1)
        return make_error(ErrorCode::CryptoFailure,
                          "authentication failed: the data was changed or the key is wrong");
    return plaintext;
}

Result<Key> derive_key_from_passphrase(std::string_view passphrase, const PassphraseKdfParameters& parameters) {
    Key out{};
    int status = argon2id_hash_raw(parameters.time_cost, parameters.memory_kib, parameters.parallelism,
                                   passphrase.data(), passphrase.size(), parameters.salt.data(),
                                   parameters.salt.size(), out.data(), out.size());
    if (status != ARGON2_OK)
        return make_error(ErrorCode::Internal, std::string("Argon2id failed: ") + argon2_error_message(status));
    return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t byte : bytes) {
        out.push_back(digits[byte >> 4]);
        out.push_back(digits[byte & 15]);
    }
    return out;
}

Result<std::string> from_hex(std::string_view hex) {
    auto value = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (hex.size() % 2 != 0)
        return make_error(ErrorCode::InvalidData, "hex string has an odd length");
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int high = value(hex[i]), low = value(hex[i + 1]);
        if (high < 0 || low < 0)
            return make_error(ErrorCode::InvalidData, "not a hex string");
        out.push_back(static_cast<char>(high * 16 + low));
    }
    return out;
}

std::string to_base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(bytes),
                                 static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

Result<std::string> from_base64(std::string_view text) {
    if (text.size() % 4 != 0)
        return make_error(ErrorCode::InvalidData, "not base64");
    std::string out(text.size() / 4 * 3, '\0');
    int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(text),
                                 static_cast<int>(text.size()));
    if (length < 0)
        return make_error(ErrorCode::InvalidData, "not base64");
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') padding++;
    if (text.size() > 1 && text[text.size() - 2] == '=') padding++;
    out.resize(static_cast<std::size_t>(length) - padding);
    return out;
}

std::string to_base64url(std::string_view bytes) {
    std::string text = to_base64(bytes);
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (char& character : text) {
        if (character == '+') character = '-';
        else if (character == '/') character = '_';
    }
    return text;
}

Result<std::string> from_base64url(std::string_view text) {
    std::string standard(text);
    for (char& character : standard) {
        if (character == '-') character = '+';
        else if (character == '_') character = '/';
        else if (character == '+' || character == '/') return make_error(ErrorCode::InvalidData, "not base64url");
    }
    // One leftover character cannot encode a whole byte.
    if (standard.size() % 4 == 1) return make_error(ErrorCode::InvalidData, "not base64url");
    while (standard.size() % 4 != 0) standard.push_back('=');
    return from_base64(standard);
}

void wipe(std::span<std::uint8_t> secret) { OPENSSL_cleanse(secret.data(), secret.size()); }

}  // namespace cairn::crypto
