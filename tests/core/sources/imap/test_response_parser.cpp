// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/sources/imap/response_parser.h"

using namespace cairn::sources::imap;

namespace {

Response parse_ok(std::string_view bytes) {
    Response response;
    auto error = parse_response(bytes, response);
    INFO("input: " << bytes);
    REQUIRE_MESSAGE(!error, (error ? error->message : std::string()));
    return response;
}

bool fails(std::string_view bytes, const ParserLimits& limits = {}) {
    Response response;
    return parse_response(bytes, response, limits).has_value();
}

/// Feeds STREAM to a framer in pieces of PIECE bytes and parses every frame.
std::vector<Response> frame_all(std::string_view stream, std::size_t piece) {
    ResponseFramer framer;
    std::vector<Response> responses;
    for (std::size_t offset = 0; offset < stream.size(); offset += piece) {
        framer.feed(stream.substr(offset, piece));
        while (auto frame = framer.next_frame()) {
            Response response;
            auto error = parse_response(*frame, response);
            REQUIRE_MESSAGE(!error, (error ? error->message : std::string()));
            responses.push_back(std::move(response));
        }
        REQUIRE(!framer.error());
    }
    return responses;
}

}  // namespace

TEST_SUITE("imap.response_parser") {
TEST_CASE("tagged, untagged and continuation responses with response codes") {
    Response tagged = parse_ok("A1 OK [READ-WRITE] SELECT completed\r\n");
    CHECK(tagged.kind == ResponseKind::Tagged);
    CHECK(tagged.tag == "A1");
    CHECK(tagged.keyword == "OK");
    CHECK(tagged.code.name == "READ-WRITE");
    CHECK(tagged.text == "SELECT completed");

    Response validity = parse_ok("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
    CHECK(validity.kind == ResponseKind::Untagged);
    REQUIRE(validity.code.arguments.size() == 1);
    CHECK(validity.code.arguments[0].number() == 3857529045u);

    Response flags = parse_ok("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
    CHECK(flags.code.name == "PERMANENTFLAGS");
    REQUIRE(flags.code.arguments.size() == 1);
    CHECK(flags.code.arguments[0].children.size() == 3);
    CHECK(flags.code.arguments[0].children[2].text == "\\*");

    Response capability = parse_ok("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] Dovecot ready.\r\n");
    CHECK(capability.code.arguments.size() == 3);
    CHECK(capability.code.arguments[2].text == "AUTH=PLAIN");

    CHECK(parse_ok("* OK [HIGHESTMODSEQ 715194045007] Highest\r\n").code.arguments[0].number() == 715194045007u);
    CHECK(parse_ok("A2 OK [READ-ONLY] done\r\n").code.name == "READ-ONLY");
    Response continuation = parse_ok("+ Ready for literal data\r\n");
    CHECK(continuation.kind == ResponseKind::Continuation);
    CHECK(continuation.text == "Ready for literal data");
    CHECK(parse_ok("+\r\n").kind == ResponseKind::Continuation);
    CHECK(parse_ok("* BYE Server shutting down\r\n").text == "Server shutting down");
    CHECK(parse_ok("A3 NO\r\n").text.empty());
    // A code of a server's own with free text in it is kept raw, not refused.
    CHECK(parse_ok("* OK [X-ODD this is \"half] text\r\n").code.name == "X-ODD");
}

TEST_CASE("untagged data: EXISTS, EXPUNGE, RECENT, FLAGS, CAPABILITY, LIST, SEARCH") {
    Response exists = parse_ok("* 23 EXISTS\r\n");
    CHECK(exists.number == 23u);
    CHECK(exists.keyword == "EXISTS");
    CHECK(parse_ok("* 3 EXPUNGE\r\n").keyword == "EXPUNGE");
    CHECK(parse_ok("* 0 RECENT\r\n").number == 0u);
    CHECK(parse_ok("* FLAGS (\\Answered \\Flagged $Forwarded)\r\n").data[0].children.size() == 3);
    CHECK(parse_ok("* CAPABILITY IMAP4rev1 UIDPLUS MOVE\r\n").data.size() == 3);
    Response list = parse_ok("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n");
    REQUIRE(list.data.size() == 3);
    CHECK(list.data[1].text == "/");
    CHECK(list.data[2].text == "Sent Items");
    Response nil_delimiter = parse_ok("* LIST (\\Noselect) NIL \"\"\r\n");
    CHECK(nil_delimiter.data[1].is_nil());
    Response literal_name = parse_ok("* LIST () \"/\" {4}\r\na\"b)\r\n");
    CHECK(literal_name.data[2].text == "a\"b)");
    Response search = parse_ok("* SEARCH 2 84 882\r\n");
    CHECK(search.data.size() == 3);
    CHECK(search.data[2].number() == 882u);
    CHECK(parse_ok("* SEARCH\r\n").data.empty());
    Response namespaces = parse_ok("* NAMESPACE ((\"\" \"/\")) NIL ((\"Shared/\" \"/\"))\r\n");
    CHECK(namespaces.data.size() == 3);
    CHECK(namespaces.data[1].is_nil());
}

TEST_CASE("quoted strings: escapes, UTF-8 and NIL versus \"NIL\"") {
    Response response = parse_ok("* LIST () \"/\" \"say \\\"hi\\\" \\\\ ok\"\r\n");
    CHECK(response.data[2].text == "say \"hi\" \\ ok");
    Response utf8 = parse_ok("* LIST () \"/\" \"Entwürfe 草稿\"\r\n");
    CHECK(utf8.data[2].text == "Entwürfe 草稿");
    Response nils = parse_ok("* LIST () NIL NIL\r\n");
    CHECK(nils.data[1].is_nil());
    CHECK(nils.data[2].is_nil());
    Response quoted_nil = parse_ok("* LIST () \"/\" \"NIL\"\r\n");
    CHECK(quoted_nil.data[2].is_string());
    CHECK(quoted_nil.data[2].text == "NIL");
}

TEST_CASE("a literal may hold ')', CRLF, '{5}' and NUL bytes: its bytes are kept exactly") {
    std::string body("a)b\r\n{5}\r\nc\0d\r\n", 15);
    std::string stream = "* 1 FETCH (UID 7 BODY[] {" + std::to_string(body.size()) + "}\r\n" + body + " FLAGS (\\Seen))\r\n";
    Response response = parse_ok(stream);
    FetchAttributes attributes;
    REQUIRE(!parse_fetch_attributes(response, attributes));
    CHECK(attributes.uid == 7u);
    REQUIRE(attributes.body);
    CHECK(*attributes.body == body);
    REQUIRE(attributes.flags);
    CHECK(attributes.flags->at(0) == "\\Seen");

    Response literal8 = parse_ok("* 2 FETCH (BINARY[] ~{3}\r\n\x01\x02\x03 UID 9)\r\n");
    FetchAttributes binary;
    REQUIRE(!parse_fetch_attributes(literal8, binary));
    CHECK(*binary.body == "\x01\x02\x03");
    CHECK(parse_ok("* 3 FETCH (BODY[] {0}\r\n UID 4)\r\n").data[0].children[1].text.empty());
}

TEST_CASE("FETCH items in any order, with NIL and Gmail extensions") {
    Response response = parse_ok(
        "* 12 FETCH (X-GM-LABELS (\\Inbox \"Work stuff\" Project) RFC822.SIZE 44827 BODY[] {5}\r\nhello "
        "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" X-GM-MSGID 1278455344230334865 FLAGS () UID 4827313 MODSEQ (12))\r\n");
    FetchAttributes attributes;
    REQUIRE(!parse_fetch_attributes(response, attributes));
    CHECK(response.number == 12u);
    CHECK(attributes.uid == 4827313u);
    CHECK(attributes.size == 44827u);
    CHECK(*attributes.body == "hello");
    CHECK(attributes.flags->empty());
    CHECK(attributes.gmail_message_id == 1278455344230334865ull);
    CHECK(*attributes.gmail_labels == std::vector<std::string>{"\\Inbox", "Work stuff", "Project"});
    CHECK(parse_internal_date(*attributes.internal_date) == 837596665);

    Response nil_body = parse_ok("* 1 FETCH (UID 3 BODY[] NIL)\r\n");
    FetchAttributes missing;
    REQUIRE(!parse_fetch_attributes(nil_body, missing));
    CHECK(missing.body_was_nil);
    CHECK(!missing.body);

    Response section = parse_ok("* 1 FETCH (BODY[HEADER.FIELDS (FROM \"TO\")] {2}\r\nab UID 5)\r\n");
    FetchAttributes with_section;
    REQUIRE(!parse_fetch_attributes(section, with_section));
    CHECK(with_section.uid == 5u);
    CHECK(!with_section.body);
    CHECK(section.data[0].children[0].text == "BODY[HEADER.FIELDS (FROM \"TO\")]");
}

TEST_CASE("internal dates: single-digit days, zones, and malformed ones") {
    CHECK(parse_internal_date(" 1-Jan-1970 00:00:00 +0000") == 0);
    CHECK(parse_internal_date("01-Jan-1970 01:00:00 +0100") == 0);
    CHECK(parse_internal_date("29-Feb-2024 12:00:00 -0530") == 1709208000 + 5 * 3600 + 30 * 60);
    CHECK(!parse_internal_date("32-Jan-2024 00:00:00 +0000"));
    CHECK(!parse_internal_date("01-Foo-2024 00:00:00 +0000"));
    CHECK(!parse_internal_date("01-Jan-2024 00:00:00"));
    CHECK(!parse_internal_date(""));
}

TEST_CASE("untagged EXPUNGE and EXISTS between FETCH responses, split at every byte") {
    std::string body = "Subject: x\r\n\r\n) {3}\r\n";
    std::string stream = "* 1 FETCH (UID 10 BODY[] {" + std::to_string(body.size()) + "}\r\n" + body +
                         ")\r\n* 4 EXPUNGE\r\n* 2 FETCH (BODY[] {3}\r\nabc UID 11)\r\n* 9 EXISTS\r\n"
                         "A5 NO some text that ends like a literal {5}\r\n+ go on {2}\r\nA6 OK done\r\n";
    for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, stream.size()}) {
        CAPTURE(piece);
        auto responses = frame_all(stream, piece);
        REQUIRE(responses.size() == 7);
        FetchAttributes first;
        REQUIRE(!parse_fetch_attributes(responses[0], first));
        CHECK(*first.body == body);
        CHECK(responses[1].keyword == "EXPUNGE");
        CHECK(responses[1].number == 4u);
        FetchAttributes second;
        REQUIRE(!parse_fetch_attributes(responses[2], second));
        CHECK(second.uid == 11u);
        CHECK(responses[3].keyword == "EXISTS");
        CHECK(responses[4].text == "some text that ends like a literal {5}");
        CHECK(responses[5].kind == ResponseKind::Continuation);
        CHECK(responses[6].tag == "A6");
    }
    // Every split point of two pieces.
    for (std::size_t split = 0; split <= stream.size(); ++split) {
        ResponseFramer framer;
        framer.feed(std::string_view(stream).substr(0, split));
        std::size_t frames = 0;
        while (framer.next_frame())
            ++frames;
        framer.feed(std::string_view(stream).substr(split));
        while (framer.next_frame())
            ++frames;
        CHECK(frames == 7);
    }
}

TEST_CASE("malformed responses are errors, not crashes") {
    CHECK(fails(""));
    CHECK(fails("\r\n"));
    CHECK(fails("* 1 FETCH (UID 1\r\n"));
    CHECK(fails("* 1 FETCH (UID 1))\r\n"));
    CHECK(fails("* LIST () \"/\" \"unterminated\r\n"));
    CHECK(fails("* 1 FETCH (BODY[] {10}\r\nshort)\r\n"));
    CHECK(fails("* 1 FETCH (BODY[] {x}\r\nshort)\r\n"));
    CHECK(fails("* 1 FETCH (BODY[HEADER UID 1)\r\n"));
    CHECK(fails("A1 FETCH (UID 1)\r\n"));
    CHECK(fails("* OK [UNCLOSED\r\n"));
    CHECK(fails("* 1 EXISTS\r\ntrailing"));
    CHECK(fails("* SEARCH 1\x01 2\r\n"));
    FetchAttributes attributes;
    Response odd = parse_ok("* 1 FETCH (UID)\r\n");
    CHECK(parse_fetch_attributes(odd, attributes));
    Response bad_uid = parse_ok("* 1 FETCH (UID abc)\r\n");
    CHECK(parse_fetch_attributes(bad_uid, attributes));
}

TEST_CASE("limits: nesting depth and literal size") {
    std::string deep = "* LIST " + std::string(100, '(') + std::string(100, ')') + " \"/\" x\r\n";
    CHECK(fails(deep));
    std::string fine = "* LIST " + std::string(10, '(') + std::string(10, ')') + " \"/\" x\r\n";
    CHECK(!fails(fine));
    CHECK(fails("* 1 FETCH (BODY[] {1073741825}\r\n"));
    CHECK(fails("* 1 FETCH (BODY[] {99999999999999999999999}\r\n"));
    ResponseFramer framer;
    framer.feed("* 1 FETCH (BODY[] {2000000000}\r\n");
    CHECK(!framer.next_frame());
    REQUIRE(framer.error());
    CHECK(framer.error()->message.find("above the limit") != std::string::npos);

    ParserLimits small;
    small.max_line_bytes = 100;
    ResponseFramer bounded(small);
    bounded.feed("* SEARCH " + std::string(200, '1'));
    CHECK(!bounded.next_frame());
    CHECK(bounded.error());
}

TEST_CASE("a 25 MB literal is framed and parsed in linear time") {
    std::string body(25 * 1024 * 1024, 'x');
    std::string stream = "* 1 FETCH (UID 1 BODY[] {" + std::to_string(body.size()) + "}\r\n" + body + ")\r\n";
    ResponseFramer framer;
    std::optional<std::string> frame;
    // Arrives in 16 KiB reads, as from a socket.
    for (std::size_t offset = 0; offset < stream.size(); offset += 16384) {
        framer.feed(std::string_view(stream).substr(offset, 16384));
        if (auto complete = framer.next_frame())
            frame = std::move(complete);
    }
    REQUIRE(frame);
    Response response = parse_ok(*frame);
    FetchAttributes attributes;
    REQUIRE(!parse_fetch_attributes(response, attributes));
    CHECK(attributes.body->size() == body.size());
}
}
