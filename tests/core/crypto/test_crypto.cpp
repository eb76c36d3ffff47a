// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <cstring>

#include "core/crypto/crypto.h"

using namespace cairn;

TEST_SUITE("crypto") {
TEST_CASE("SHA-256 matches the FIPS 180-2 test vector, in one piece or in many") {
    CHECK(crypto::to_hex(crypto::sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    crypto::Sha256 incremental;
    incremental.update("a");
    incremental.update("");
    incremental.update("bc");
    CHECK(incremental.finish() == crypto::sha256("abc"));
}

TEST_CASE("HMAC-SHA-256 matches RFC 4231 test case 2 padded to a 32-byte key") {
    // RFC 4231 uses the 4-byte key "Jefe"; HMAC pads short keys with zeros, so the same key
    // zero-padded to 32 bytes gives the same tag.
    crypto::Key key{};
    std::memcpy(key.data(), "Jefe", 4);
    CHECK(crypto::to_hex(crypto::hmac_sha256(key, "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("sub-keys differ by purpose and are stable") {
    crypto::Key master = crypto::random_key();
    CHECK(crypto::derive_subkey(master, "a") == crypto::derive_subkey(master, "a"));
    CHECK(crypto::derive_subkey(master, "a") != crypto::derive_subkey(master, "b"));
}

TEST_CASE("a sealed record opens with the same key and associated data, and with nothing else") {
    crypto::Key key = crypto::random_key();
    std::string sealed = crypto::aead_seal(key, "the message", "identity 1");
    CHECK(sealed.size() == std::string("the message").size() + crypto::SealOverhead);
    auto opened = crypto::aead_open(key, sealed, "identity 1");
    REQUIRE(opened);
    CHECK(*opened == "the message");

    SUBCASE("other associated data (the record moved) fails") {
        auto moved = crypto::aead_open(key, sealed, "identity 2");
        REQUIRE_FALSE(moved);
        CHECK(moved.error().code == ErrorCode::CryptoFailure);
    }
    SUBCASE("another key fails") { CHECK_FALSE(crypto::aead_open(crypto::random_key(), sealed, "identity 1")); }
    SUBCASE("every flipped byte is detected") {
        for (std::size_t i = 0; i < sealed.size(); ++i) {
            std::string damaged = sealed;
            damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
            CHECK_FALSE(crypto::aead_open(key, damaged, "identity 1"));
        }
    }
    SUBCASE("a truncated record fails cleanly") { CHECK_FALSE(crypto::aead_open(key, sealed.substr(0, 10), "identity 1")); }
}

TEST_CASE("two seals of the same plaintext differ (fresh nonces)") {
    crypto::Key key = crypto::random_key();
    CHECK(crypto::aead_seal(key, "same", "") != crypto::aead_seal(key, "same", ""));
    CHECK(*crypto::aead_open(key, crypto::aead_seal(key, "", ""), "") == "");
}

TEST_CASE("Argon2id derives the same key from the same passphrase and salt only") {
    crypto::PassphraseKdfParameters parameters;
    parameters.memory_kib = 1024;  // small: this tests the wiring, not the cost
    parameters.time_cost = 1;
    parameters.salt = "0123456789abcdef";
    auto first = crypto::derive_key_from_passphrase("correct horse", parameters);
    auto again = crypto::derive_key_from_passphrase("correct horse", parameters);
    auto other = crypto::derive_key_from_passphrase("correct horsf", parameters);
    REQUIRE(first);
    CHECK(*first == *again);
    CHECK(*first != *other);
    parameters.salt = "fedcba9876543210";
    CHECK(*crypto::derive_key_from_passphrase("correct horse", parameters) != *first);
}

TEST_CASE("hex and base64 round-trip and reject garbage") {
    std::string bytes("\x00\x01\xfe\xff", 4);
    CHECK(*crypto::from_hex(crypto::to_hex(bytes)) == bytes);
    CHECK_FALSE(crypto::from_hex("abc"));
    CHECK_FALSE(crypto::from_hex("zz"));
    for (std::string text : {"", "a", "ab", "abc", "abcd"})
        CHECK(*crypto::from_base64(crypto::to_base64(text)) == text);
    CHECK_FALSE(crypto::from_base64("@@@@"));
}

TEST_CASE("base64url uses '-' and '_' and no padding, and decodes with or without padding") {
    // RFC 4648 §10 vectors, padding removed.
    CHECK(crypto::to_base64url("f") == "Zg");
    CHECK(crypto::to_base64url("fo") == "Zm8");
    CHECK(crypto::to_base64url("foobar") == "Zm9vYmFy");
    CHECK(crypto::to_base64url(std::string("\xfb\xff\xbf", 3)) == "-_-_");
    CHECK(*crypto::from_base64url("-_-_") == std::string("\xfb\xff\xbf", 3));
    CHECK(*crypto::from_base64url("Zm8") == "fo");
    CHECK(*crypto::from_base64url("Zm8=") == "fo");
    CHECK_FALSE(crypto::from_base64url("Zm8+"));
    CHECK_FALSE(crypto::from_base64url("Z"));
}
}
