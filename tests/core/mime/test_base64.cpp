// SPDX-License-Identifier: GPL-3.0-or-later
#include <random>
#include <string>

#include <doctest/doctest.h>

#include "core/mime/message_structure.h"

using cairn::mime::Base64Layout;
using cairn::mime::decode_base64_exactly;
using cairn::mime::encode_base64;
using cairn::mime::TrailingEmptyLines;

namespace {

std::string sample_bytes(std::size_t size, unsigned seed = 7) {
    std::mt19937 generator(seed);
    std::string bytes(size, '\0');
    for (char& byte : bytes)
        byte = static_cast<char>(generator() & 0xFF);
    return bytes;
}

// Decoding must give the bytes back, and re-encoding with the layout must give the input back.
void check_round_trip(const std::string& encoded, const std::string& expected_bytes) {
    const auto decoded = decode_base64_exactly(encoded);
    REQUIRE(decoded.has_value());
    CHECK(decoded->first == expected_bytes);
    CHECK(encode_base64(decoded->first, decoded->second) == encoded);
}

}  // namespace

TEST_SUITE("mime.base64") {

TEST_CASE("the RFC 4648 test vectors encode and decode") {
    const Base64Layout one_line{76, false, false};
    CHECK(encode_base64("", one_line).empty());
    CHECK(encode_base64("f", one_line) == "Zg==");
    CHECK(encode_base64("fo", one_line) == "Zm8=");
    CHECK(encode_base64("foo", one_line) == "Zm9v");
    CHECK(encode_base64("foob", one_line) == "Zm9vYg==");
    CHECK(encode_base64("fooba", one_line) == "Zm9vYmE=");
    CHECK(encode_base64("foobar", one_line) == "Zm9vYmFy");
    for (const char* text : {"f", "fo", "foo", "foob", "fooba", "foobar"})
        check_round_trip(encode_base64(text, one_line), text);
}

TEST_CASE("bodies wrapped at 76, 64 and 72 characters round-trip exactly with LF and CRLF") {
    for (const std::uint32_t line_length : {76u, 64u, 72u}) {
        for (const bool crlf : {false, true}) {
            for (const bool final_line_break : {true, false}) {
                // Sizes that end on a full line, one byte short, and with each padding form.
                for (const std::size_t size : {0u, 1u, 2u, 3u, 57u, 54u, 48u, 1000u, 1001u, 1002u, 5700u}) {
                    CAPTURE(line_length);
                    CAPTURE(crlf);
                    CAPTURE(final_line_break);
                    CAPTURE(size);
                    const std::string bytes = sample_bytes(size, static_cast<unsigned>(size + line_length));
                    const Base64Layout layout{line_length, crlf, final_line_break};
                    const std::string encoded = encode_base64(bytes, layout);
                    check_round_trip(encoded, bytes);
                    // Multi-line bodies report exactly the layout they were written with.
                    if (encoded.size() > line_length + 2u) {
                        const auto decoded = decode_base64_exactly(encoded);
                        REQUIRE(decoded.has_value());
                        CHECK(decoded->second.line_length == line_length);
                        CHECK(decoded->second.crlf == crlf);
                        CHECK(decoded->second.final_line_break == final_line_break);
                    }
                }
            }
        }
    }
}

TEST_CASE("a single line is laid out with line length 76, its own length, or 0 when longer than 998") {
    const auto short_line = decode_base64_exactly("Zm9vYmFy\n");
    REQUIRE(short_line.has_value());
    CHECK(short_line->second.line_length == 76);
    CHECK(short_line->second.final_line_break);

    const std::string hundred = encode_base64(sample_bytes(75), {0, false, false});
    REQUIRE(hundred.size() == 100);
    const auto medium = decode_base64_exactly(hundred);
    REQUIRE(medium.has_value());
    CHECK(medium->second.line_length == 100);

    const std::string long_line = encode_base64(sample_bytes(3000), {0, true, true});
    const auto unwrapped = decode_base64_exactly(long_line);
    REQUIRE(unwrapped.has_value());
    CHECK(unwrapped->second.line_length == 0);
    CHECK(encode_base64(unwrapped->first, unwrapped->second) == long_line);
}

TEST_CASE("empty lines after the last line are part of the layout") {
    const std::string bytes = sample_bytes(301);
    for (const bool crlf : {false, true}) {
        for (const std::uint32_t extra : {1u, 2u, 5u}) {
            const std::string encoded = encode_base64(bytes, {64, crlf, true, extra});
            std::string ending = "=";
            for (std::uint32_t line_break = 0; line_break <= extra; ++line_break)
                ending += crlf ? "\r\n" : "\n";
            CHECK(encoded.ends_with(ending));
            // The plain overload keeps the original three-field layout and so refuses them.
            CHECK_FALSE(decode_base64_exactly(encoded).has_value());
            const auto decoded = decode_base64_exactly(encoded, TrailingEmptyLines::Keep);
            REQUIRE(decoded.has_value());
            CHECK(decoded->first == bytes);
            CHECK(decoded->second.extra_line_breaks == extra);
            CHECK(encode_base64(decoded->first, decoded->second) == encoded);
        }
    }
    // A single short line followed by an empty line, as Thunderbird writes small attachments.
    const auto small = decode_base64_exactly("QUJD\r\n\r\n", TrailingEmptyLines::Keep);
    REQUIRE(small.has_value());
    CHECK(small->first == "ABC");
    CHECK(encode_base64(small->first, small->second) == "QUJD\r\n\r\n");
    // Without empty lines both overloads agree.
    const auto plain = decode_base64_exactly("QUJD\n", TrailingEmptyLines::Keep);
    REQUIRE(plain.has_value());
    CHECK(plain->second.extra_line_breaks == 0);
}

TEST_CASE("irregular layouts are rejected") {
    const std::string bytes = sample_bytes(300);
    const std::string regular = encode_base64(bytes, {76, false, true});
    REQUIRE(decode_base64_exactly(regular).has_value());

    SUBCASE("a short line in the middle") {
        std::string irregular = regular;
        irregular.insert(40, "\n");
        CHECK_FALSE(decode_base64_exactly(irregular).has_value());
    }
    SUBCASE("a longer last line") {
        const std::string text = "QUJD\nQUJDREVG\n";
        CHECK_FALSE(decode_base64_exactly(text).has_value());
    }
    SUBCASE("trailing spaces on a line") {
        std::string irregular = regular;
        irregular.insert(76, " ");
        CHECK_FALSE(decode_base64_exactly(irregular).has_value());
        CHECK_FALSE(decode_base64_exactly(regular.substr(0, regular.size() - 1) + " \n").has_value());
    }
    SUBCASE("mixed line endings") {
        std::string irregular = regular;
        irregular.insert(76, "\r");
        CHECK_FALSE(decode_base64_exactly(irregular).has_value());
        const std::string crlf = encode_base64(bytes, {76, true, true});
        CHECK_FALSE(decode_base64_exactly(crlf.substr(0, crlf.size() - 2) + "\n").has_value());
    }
    SUBCASE("only line breaks, or a body without its line break before empty lines") {
        CHECK_FALSE(decode_base64_exactly("\n").has_value());
        CHECK_FALSE(decode_base64_exactly("\r\n\r\n").has_value());
        CHECK_FALSE(decode_base64_exactly("QUJD\r\n\n").has_value());
    }
    SUBCASE("padding before the end") {
        CHECK_FALSE(decode_base64_exactly("QQ==QUJD").has_value());
        CHECK_FALSE(decode_base64_exactly("QQ==\nQUJD\n").has_value());
    }
    SUBCASE("non-zero bits under the padding") {
        CHECK(decode_base64_exactly("QQ==").has_value());
        CHECK_FALSE(decode_base64_exactly("QR==").has_value());
        CHECK_FALSE(decode_base64_exactly("QUJ=").has_value());
    }
    SUBCASE("missing padding, stray characters, odd line lengths") {
        CHECK_FALSE(decode_base64_exactly("QQ").has_value());
        CHECK_FALSE(decode_base64_exactly("QU*D").has_value());
        CHECK_FALSE(decode_base64_exactly("QUJ\nD").has_value());
        CHECK_FALSE(decode_base64_exactly("\rQUJD").has_value());
    }
    SUBCASE("wrapped lines longer than 998 characters") {
        const std::string wide = encode_base64(sample_bytes(3000), {1000, false, true});
        CHECK_FALSE(decode_base64_exactly(wide).has_value());
    }
}

TEST_CASE("random bytes encoded in a random layout decode exactly and re-encode identically") {
    std::mt19937 generator(20240601);
    for (int round = 0; round < 3000; ++round) {
        const std::size_t size = generator() % 2000;
        const std::string bytes = sample_bytes(size, generator());
        Base64Layout layout;
        layout.line_length = static_cast<std::uint32_t>(4 * (1 + generator() % 249));  // 4 .. 996
        layout.crlf = generator() % 2 == 0;
        layout.final_line_break = generator() % 2 == 0;
        layout.extra_line_breaks = generator() % 4 == 0 ? static_cast<std::uint32_t>(generator() % 3) : 0;
        const std::string encoded = encode_base64(bytes, layout);
        const auto decoded = decode_base64_exactly(encoded, TrailingEmptyLines::Keep);
        REQUIRE(decoded.has_value());
        CHECK(decoded->first == bytes);
        CHECK(encode_base64(decoded->first, decoded->second) == encoded);
        const bool has_empty_lines = !bytes.empty() && layout.final_line_break && layout.extra_line_breaks > 0;
        const auto strict = decode_base64_exactly(encoded);
        CHECK(strict.has_value() == !has_empty_lines);
        if (strict)
            CHECK(encode_base64(strict->first, strict->second) == encoded);
    }
}

TEST_CASE("whenever decoding succeeds on mutated input, re-encoding gives the input back") {
    std::mt19937 generator(99);
    const char alphabet[] = "AQgw=\r\n +/Zz09";
    int accepted = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string encoded = encode_base64(sample_bytes(generator() % 200, generator()),
                                            {static_cast<std::uint32_t>(4 * (1 + generator() % 20)), generator() % 2 == 0, generator() % 2 == 0});
        const int mutations = static_cast<int>(generator() % 3);
        for (int mutation = 0; mutation < mutations && !encoded.empty(); ++mutation) {
            const std::size_t position = generator() % encoded.size();
            switch (generator() % 3) {
            case 0: encoded[position] = alphabet[generator() % (sizeof alphabet - 1)]; break;
            case 1: encoded.erase(position, 1); break;
            default: encoded.insert(position, 1, alphabet[generator() % (sizeof alphabet - 1)]); break;
            }
        }
        for (const TrailingEmptyLines trailing : {TrailingEmptyLines::Reject, TrailingEmptyLines::Keep}) {
            const auto decoded = decode_base64_exactly(encoded, trailing);
            if (decoded) {
                ++accepted;
                CHECK(encode_base64(decoded->first, decoded->second) == encoded);
            }
        }
    }
    CHECK(accepted > 0);
}

}  // TEST_SUITE
