// SPDX-License-Identifier: GPL-3.0-or-later
#include <chrono>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/mime/message_structure.h"

using cairn::mime::BodySpan;
using cairn::mime::find_leaf_bodies;
using cairn::mime::TransferEncoding;

namespace {

std::vector<std::string> bodies(std::string_view message, std::size_t min_body_bytes = 1) {
    std::vector<std::string> result;
    for (const BodySpan& span : find_leaf_bodies(message, min_body_bytes))
        result.emplace_back(message.substr(span.offset, span.length));
    return result;
}

void check_invariants(std::string_view message, const std::vector<BodySpan>& spans) {
    std::size_t previous_end = 0;
    for (const BodySpan& span : spans) {
        CHECK(span.offset >= previous_end);
        CHECK(span.length > 0);
        CHECK(span.offset + span.length <= message.size());
        previous_end = span.offset + span.length;
    }
}

std::string with_crlf(std::string_view text) {
    std::string result;
    for (const char character : text) {
        if (character == '\n')
            result += '\r';
        result += character;
    }
    return result;
}

const std::string NestedMessage =
    "From: a@example.org\n"
    "Subject: nested\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\n"
    "\n"
    "This is the preamble.\n"
    "--outer\n"
    "Content-Type: multipart/alternative;\n"
    " boundary=inner\n"
    "\n"
    "--inner\n"
    "Content-Type: text/plain\n"
    "\n"
    "plain body\n"
    "--inner\n"
    "Content-Type: text/html\n"
    "\n"
    "<p>html body</p>\n"
    "--inner--\n"
    "--outer\n"
    "Content-Type: application/octet-stream\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "QUJDREVGR0g=\n"
    "--outer--\n"
    "This is the epilogue.\n";

}  // namespace

TEST_SUITE("mime.leaf_bodies") {

TEST_CASE("a single-part message's body runs from after the blank line to the end") {
    const std::string message = "Subject: x\nContent-Type: text/plain\n\nhello\nworld\n";
    CHECK(bodies(message) == std::vector<std::string>{"hello\nworld\n"});
    const auto spans = find_leaf_bodies(message, 1);
    REQUIRE(spans.size() == 1);
    CHECK(spans[0].encoding == TransferEncoding::Identity);
}

TEST_CASE("nested multiparts yield each leaf without the line break before the next delimiter") {
    CHECK(bodies(NestedMessage) ==
          std::vector<std::string>{"plain body", "<p>html body</p>", "QUJDREVGR0g="});
    const auto spans = find_leaf_bodies(NestedMessage, 1);
    REQUIRE(spans.size() == 3);
    CHECK(spans[2].encoding == TransferEncoding::Base64);
    check_invariants(NestedMessage, spans);
}

TEST_CASE("preamble and epilogue are not reported as bodies") {
    for (const std::string& body : bodies(NestedMessage)) {
        CHECK(body.find("preamble") == std::string::npos);
        CHECK(body.find("epilogue") == std::string::npos);
    }
}

TEST_CASE("CRLF line endings give the same bodies, with the CR LF before a delimiter excluded") {
    const std::string message = with_crlf(NestedMessage);
    CHECK(bodies(message) == std::vector<std::string>{"plain body", "<p>html body</p>", "QUJDREVGR0g="});
    check_invariants(message, find_leaf_bodies(message, 1));
}

TEST_CASE("a message/rfc822 part inside a multipart is scanned as a message") {
    const std::string message =
        "Content-Type: multipart/mixed; boundary=b1\n\n"
        "--b1\n"
        "Content-Type: text/plain\n\n"
        "cover note\n"
        "--b1\n"
        "Content-Type: message/rfc822\n\n"
        "From: inner@example.org\n"
        "Content-Type: multipart/mixed; boundary=b2\n\n"
        "--b2\n"
        "Content-Type: text/plain\n\n"
        "inner text\n"
        "--b2\n"
        "Content-Type: image/png\n"
        "Content-Transfer-Encoding: base64\n\n"
        "iVBORw0KGgo=\n"
        "--b2--\n"
        "--b1--\n";
    CHECK(bodies(message) == std::vector<std::string>{"cover note", "inner text", "iVBORw0KGgo="});
}

TEST_CASE("parts without Content-Type in a multipart/digest are messages") {
    const std::string message =
        "Content-Type: multipart/digest; boundary=d\n\n"
        "--d\n\n"
        "Subject: one\n\nfirst digest body\n"
        "--d--\n";
    CHECK(bodies(message) == std::vector<std::string>{"first digest body"});
}

TEST_CASE("a missing close delimiter ends the last part at the end of the enclosing body") {
    const std::string message =
        "Content-Type: multipart/mixed; boundary=b\n\n"
        "--b\n"
        "Content-Type: text/plain\n\n"
        "first\n"
        "--b\n"
        "Content-Type: text/plain\n\n"
        "last part, never closed\n";
    CHECK(bodies(message) == std::vector<std::string>{"first", "last part, never closed\n"});

    SUBCASE("an inner multipart without close delimiter ends at the outer delimiter") {
        const std::string nested =
            "Content-Type: multipart/mixed; boundary=outer\n\n"
            "--outer\n"
            "Content-Type: multipart/alternative; boundary=inner\n\n"
            "--inner\n\n"
            "inner one\n"
            "--outer\n\n"
            "outer two\n"
            "--outer--\n";
        CHECK(bodies(nested) == std::vector<std::string>{"inner one", "outer two"});
    }
}

TEST_CASE("lines that look like another boundary inside a body do not split it") {
    const std::string message =
        "Content-Type: multipart/mixed; boundary=real\n\n"
        "--real\n\n"
        "text that quotes a delimiter:\n"
        "--other\n"
        "--real-but-longer\n"
        "--realx\n"
        " --real\n"
        "end\n"
        "--real--\n";
    CHECK(bodies(message) ==
          std::vector<std::string>{"text that quotes a delimiter:\n--other\n--real-but-longer\n--realx\n --real\nend"});
}

TEST_CASE("delimiters may carry trailing blanks and the boundary parameter may be unquoted or oddly cased") {
    const std::string message =
        "content-type: Multipart/Mixed; charset=x; BOUNDARY = \"a b:c\" ; x=y\n\n"
        "--a b:c \t\n\n"
        "one\n"
        "--a b:c--  \n";
    CHECK(bodies(message) == std::vector<std::string>{"one"});
}

TEST_CASE("RFC 2231 continuations of the boundary parameter are joined") {
    const std::string message =
        "Content-Type: multipart/mixed; boundary*0=\"abc\"; boundary*1=def\n\n"
        "--abcdef\n\n"
        "body\n"
        "--abcdef--\n";
    CHECK(bodies(message) == std::vector<std::string>{"body"});
}

TEST_CASE("a message without a blank line after the header still has a body") {
    CHECK(bodies("Subject: x\nthis line is not a header\nmore\n") ==
          std::vector<std::string>{"this line is not a header\nmore\n"});
    CHECK(bodies("Subject: only headers\n").empty());
    CHECK(bodies("").empty());
    CHECK(bodies("\nbody without headers") == std::vector<std::string>{"body without headers"});
}

TEST_CASE("a leading mbox From line does not hide the header") {
    const std::string message =
        "From someone@example.org Mon Jan  1 00:00:00 2024\n"
        "Content-Type: multipart/mixed; boundary=b\n\n"
        "--b\n\nbody\n--b--\n";
    CHECK(bodies(message) == std::vector<std::string>{"body"});
}

TEST_CASE("bodies shorter than the threshold are left out") {
    CHECK(bodies(NestedMessage, 11) == std::vector<std::string>{"<p>html body</p>", "QUJDREVGR0g="});
    CHECK(bodies(NestedMessage, 1000).empty());
}

TEST_CASE("a multipart without any delimiter is kept as one leaf") {
    const std::string message = "Content-Type: multipart/mixed; boundary=b\n\nno delimiters at all\n";
    CHECK(bodies(message) == std::vector<std::string>{"no delimiters at all\n"});
}

TEST_CASE("a base64-encoded multipart is opaque and kept as one leaf") {
    const std::string message =
        "Content-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: base64\n\nLS1iCgpib2R5Ci0tYi0tCg==\n";
    const auto spans = find_leaf_bodies(message, 1);
    REQUIRE(spans.size() == 1);
    CHECK(spans[0].encoding == TransferEncoding::Base64);
}

TEST_CASE("empty parts and adjacent delimiters give no spans and no overlaps") {
    const std::string message =
        "Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n\n--b\r\n--b--\n";
    const auto spans = find_leaf_bodies(message, 0);
    check_invariants(message, spans);
    CHECK(spans.empty());
}

TEST_CASE("deep nesting with one boundary is bounded and stays linear") {
    std::string message = "Content-Type: multipart/mixed; boundary=x\n\n";
    while (message.size() < 100'000)
        message += "--x\nContent-Type: multipart/mixed; boundary=x\n\n";
    const auto start = std::chrono::steady_clock::now();
    const auto spans = find_leaf_bodies(message, 0);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    check_invariants(message, spans);
    CHECK(elapsed < std::chrono::seconds(1));
}

TEST_CASE("deep nesting with distinct boundaries is capped and bounded in time") {
    std::string message;
    for (int level = 0; level < 5000; ++level)
        message += "Content-Type: multipart/mixed; boundary=b" + std::to_string(level) + "\n\n--b" +
                   std::to_string(level) + "\n";
    message += "\nleaf body\n";
    const auto start = std::chrono::steady_clock::now();
    const auto spans = find_leaf_bodies(message, 0);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    check_invariants(message, spans);
    // Below the depth cap the remaining structure is one opaque leaf.
    CHECK(spans.size() == 1);
    CHECK(elapsed < std::chrono::seconds(1));
}

TEST_CASE("nested message/rfc822 layers are capped") {
    std::string message;
    for (int level = 0; level < 10'000; ++level)
        message += "Content-Type: message/rfc822\n\n";
    message += "body";
    const auto spans = find_leaf_bodies(message, 0);
    check_invariants(message, spans);
    CHECK(spans.size() == 1);
}

TEST_CASE("the part count is capped without breaking the span invariants") {
    std::string message = "Content-Type: multipart/mixed; boundary=p\n\n";
    for (int part = 0; part < 20'000; ++part)
        message += "--p\n\nbody " + std::to_string(part) + "\n";
    message += "--p--\n";
    const auto spans = find_leaf_bodies(message, 0);
    check_invariants(message, spans);
    CHECK(spans.size() < 10'001);
    CHECK(spans.size() > 9'000);
}

TEST_CASE("every prefix of a message gives spans within bounds") {
    const std::string message = with_crlf(NestedMessage);
    for (std::size_t length = 0; length <= message.size(); ++length) {
        const std::string_view prefix = std::string_view(message).substr(0, length);
        check_invariants(prefix, find_leaf_bodies(prefix, 0));
    }
}

}  // TEST_SUITE
