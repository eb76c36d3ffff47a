// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "core/sources/pop3/pop3_response.h"

using namespace cairn::sources::pop3;

namespace {

/// Decodes WIRE with feed() cut at SPLIT (and the rest in one piece); returns the content and
/// how many bytes feed() used in total.
std::pair<std::string, std::size_t> decode_split(std::string_view wire, std::size_t split) {
    MultiLineDecoder decoder;
    std::size_t used = decoder.feed(wire.substr(0, split));
    if (decoder.state() == MultiLineDecoder::State::InProgress)
        used += decoder.feed(wire.substr(split));
    REQUIRE(decoder.state() == MultiLineDecoder::State::Complete);
    return {decoder.content(), used};
}

}  // namespace

TEST_SUITE("pop3.response") {
TEST_CASE("status lines: +OK, -ERR with a response code, continuations, and garbage") {
    StatusLine status;
    REQUIRE_FALSE(parse_status_line("+OK Dovecot ready.\r\n", status));
    CHECK(status.kind == StatusKind::Ok);
    CHECK(status.text == "Dovecot ready.");
    REQUIRE_FALSE(parse_status_line("-ERR [AUTH] Authentication failed.\r\n", status));
    CHECK(status.kind == StatusKind::Error);
    CHECK(status.code == "AUTH");
    CHECK(status.text == "Authentication failed.");
    REQUIRE_FALSE(parse_status_line("-ERR [sys/temp] later\n", status));
    CHECK(status.code == "SYS/TEMP");
    REQUIRE_FALSE(parse_status_line("+OK", status));
    CHECK(status.kind == StatusKind::Ok);
    CHECK(status.text.empty());
    REQUIRE_FALSE(parse_status_line("+ \r\n", status));
    CHECK(status.kind == StatusKind::Continuation);
    REQUIRE_FALSE(parse_status_line("+ eyJzdGF0dXMiOiI0MDEifQ==\r\n", status));
    CHECK(status.kind == StatusKind::Continuation);
    CHECK(status.text == "eyJzdGF0dXMiOiI0MDEifQ==");
    CHECK(parse_status_line("* OK IMAP4rev1\r\n", status));
    CHECK(parse_status_line("+OKAY\r\n", status));
    CHECK(parse_status_line("", status));
    CHECK(parse_status_line(std::string(100000, '+'), status));
}

TEST_CASE("dot-stuffed lines lose their first dot; a lone dot of the body arrives as two") {
    const std::string wire = "Subject: dots\r\n\r\n..leading dot\r\n..\r\n...\r\nmiddle . dot\r\n.\r\n";
    MultiLineDecoder decoder;
    CHECK(decoder.feed(wire) == wire.size());
    REQUIRE(decoder.state() == MultiLineDecoder::State::Complete);
    CHECK(decoder.content() == "Subject: dots\r\n\r\n.leading dot\r\n.\r\n..\r\nmiddle . dot\r\n");
}

TEST_CASE("a terminator split across reads is found at every split point, and what follows is left") {
    const std::string body = "From: a@example.org\r\n\r\n..x\r\nlast line\r\n";
    const std::string wire = body + ".\r\n+OK next response\r\n";
    const std::string expected = "From: a@example.org\r\n\r\n.x\r\nlast line\r\n";
    for (std::size_t split = 0; split <= wire.size(); ++split) {
        CAPTURE(split);
        auto [content, used] = decode_split(wire, split);
        CHECK(content == expected);
        CHECK(used == body.size() + 3);
    }
}

TEST_CASE("bare LF lines are kept as sent, and a bare LF terminator ends the response") {
    MultiLineDecoder decoder;
    for (const char* line : {"Subject: lf\n", "\n", "..dot\n", "text\r\n", ".\n"})
        decoder.add_line(line);
    REQUIRE(decoder.state() == MultiLineDecoder::State::Complete);
    CHECK(decoder.content() == "Subject: lf\n\n.dot\ntext\r\n");
}

TEST_CASE("a lone CR and a dot not at a line start are content") {
    MultiLineDecoder decoder;
    decoder.feed("a\rb.\r\n.\rc\r\n.\r\n");
    REQUIRE(decoder.state() == MultiLineDecoder::State::Complete);
    CHECK(decoder.content() == "a\rb.\r\n\rc\r\n");
}

TEST_CASE("a huge line passes, a response past the limit fails") {
    const std::string huge(5 << 20, 'x');
    MultiLineDecoder decoder;
    decoder.add_line(huge + "\r\n");
    decoder.add_line(".\r\n");
    REQUIRE(decoder.state() == MultiLineDecoder::State::Complete);
    CHECK(decoder.content().size() == huge.size() + 2);

    ResponseLimits small;
    small.max_multi_line_bytes = 1000;
    MultiLineDecoder limited(small);
    limited.feed(std::string(600, 'y') + "\r\n");
    limited.feed(std::string(600, 'z'));  // no line end yet: still refused once over the limit
    CHECK(limited.state() == MultiLineDecoder::State::Failed);
    CHECK(limited.problem().find("1000") != std::string::npos);
}

TEST_CASE("add_line refuses a line without its line end") {
    MultiLineDecoder decoder;
    CHECK(decoder.add_line("no end") == MultiLineDecoder::State::Failed);
    CHECK(decoder.add_line(".\r\n") == MultiLineDecoder::State::Failed);  // stays failed
}

TEST_CASE("UIDL and LIST lines") {
    auto id = parse_unique_id_line("1 whqtswO00WBw418f9t5JxYwZ\r\n");
    REQUIRE(id);
    CHECK(id->number == 1);
    CHECK(id->unique_id == "whqtswO00WBw418f9t5JxYwZ");
    CHECK(parse_unique_id_line("  12 00000001598b1fc6  ")->number == 12);
    CHECK_FALSE(parse_unique_id_line("0 zero"));
    CHECK_FALSE(parse_unique_id_line("x abc"));
    CHECK_FALSE(parse_unique_id_line("1"));
    CHECK_FALSE(parse_unique_id_line("1 two words"));
    CHECK_FALSE(parse_unique_id_line("1 " + std::string(600, 'a')));
    CHECK_FALSE(parse_unique_id_line("99999999999 id"));
    auto size = parse_number_and_size("2 200\r\n");
    REQUIRE(size);
    CHECK(size->number == 2);
    CHECK(size->size == 200);
    CHECK(parse_number_and_size("2 320 octets")->size == 320);
    CHECK_FALSE(parse_number_and_size("2"));
    CHECK_FALSE(parse_number_and_size("-1 5"));
}

TEST_CASE("random garbage is an error or a result, never a crash") {
    std::mt19937 random(1939);
    for (int round = 0; round < 2000; ++round) {
        std::string bytes(random() % 200, '\0');
        for (char& byte : bytes)
            byte = "+-.OKER \r\n\x00x"[random() % 13];
        StatusLine status;
        (void)parse_status_line(bytes, status);
        (void)parse_unique_id_line(bytes);
        (void)parse_number_and_size(bytes);
        MultiLineDecoder decoder;
        CHECK(decoder.feed(bytes) <= bytes.size());
    }
}
}
