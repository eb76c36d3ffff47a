// SPDX-License-Identifier: GPL-3.0-or-later
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "core/mime/charset.h"
#include "core/mime/index_text.h"
#include "core/mime/message_structure.h"

using cairn::mime::Attachment;
using cairn::mime::extract_index_text;
using cairn::mime::IndexText;
using cairn::mime::IndexTextLimits;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

void check_all_valid(const IndexText& text) {
    for (const std::string* field : {&text.from, &text.to, &text.cc, &text.bcc, &text.subject, &text.headers, &text.body})
        CHECK(cairn::mime::is_valid_utf8(*field));
    for (const Attachment& attachment : text.attachments) {
        CHECK(cairn::mime::is_valid_utf8(attachment.filename));
        CHECK(cairn::mime::is_valid_utf8(attachment.content_type));
    }
}

std::string single_part(const std::string& content_headers, const std::string& body) {
    return "From: a@example.com\nTo: b@example.com\nSubject: test\nMIME-Version: 1.0\n" + content_headers + "\n\n" + body;
}

std::string binary_bytes(std::size_t size) {
    std::string bytes;
    for (std::size_t index = 0; index < size; ++index)
        bytes += static_cast<char>(index * 7 % 256);
    return bytes;
}

}  // namespace

TEST_SUITE("mime.index_text") {

TEST_CASE("address headers keep decoded names and addresses") {
    const std::string message =
        "From: =?iso-8859-1?Q?J=F6rg_M=FCller?= <jm@example.de>\n"
        "Sender: list-bounces@example.org\n"
        "To: \"Anna B.\" <anna@example.com>, bob@example.com\n"
        "Cc: =?utf-8?B?w4lsb8Ovc2U=?= <eloise@example.fr>\n"
        "Bcc: hidden@example.net\n"
        "Subject: =?utf-8?B?w5xiZXJzaWNodA==?= =?utf-8?B?IMO8YmVyIGRpZSBHZWLDvGhyZW4=?=\n"
        "Message-ID: <unique-1234@mail.example.de>\n"
        "List-Id: Cairn users <cairn-users.lists.example.org>\n"
        "\n"
        "Body.\n";
    const IndexText text = extract_index_text(message);
    CHECK(text.from == "Jörg Müller <jm@example.de>, list-bounces@example.org");
    CHECK(contains(text.to, "Anna B."));
    CHECK(contains(text.to, "anna@example.com"));
    CHECK(contains(text.to, "bob@example.com"));
    CHECK(text.cc == "Éloïse <eloise@example.fr>");
    CHECK(text.bcc == "hidden@example.net");
    // Adjacent base64 words: the case GMime 3.2.13 truncates (upstream #133).
    CHECK(text.subject == "Übersicht über die Gebühren");
    CHECK(contains(text.headers, "unique-1234@mail.example.de"));
    CHECK(contains(text.headers, "cairn-users.lists.example.org"));
    CHECK(text.body == "Body.\n");
    CHECK(text.attachments.empty());
}

TEST_CASE("a quoted-printable latin-1 body is converted") {
    const IndexText text = extract_index_text(single_part(
        "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable",
        "Caf=E9 cr=E8me br=FBl=E9e, soft=\nbreak\n"));
    CHECK(text.body == "Café crème brûlée, softbreak\n");
}

TEST_CASE("a base64 UTF-8 body is decoded") {
    const IndexText text = extract_index_text(single_part(
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64",
        "R3LDvMOfZSBhdXMgTcO8bmNoZW4sIHNjaMO2bmUgV29jaGU=\n"));
    CHECK(text.body == "Grüße aus München, schöne Woche");
}

TEST_CASE("KOI8-R, GB2312 and Big5 bodies are converted") {
    SUBCASE("koi8-r, quoted-printable, with a koi8-r subject") {
        const std::string message =
            "From: a@example.ru\nSubject: =?koi8-r?B?79Teo9Q=?=\nContent-Type: text/plain; charset=koi8-r\n"
            "Content-Transfer-Encoding: quoted-printable\n\n=F0=D2=C9=D7=C5=D4, =CD=C9=D2\n";
        const IndexText text = extract_index_text(message);
        CHECK(text.subject == "Отчёт");
        CHECK(text.body == "Привет, мир\n");
    }
    SUBCASE("gb2312, base64") {
        const IndexText text = extract_index_text(single_part(
            "Content-Type: text/plain; charset=\"gb2312\"\nContent-Transfer-Encoding: base64", "1tDOxNPKvP6y4srUxNrI3Q==\n"));
        CHECK(text.body == "中文邮件测试内容");
    }
    SUBCASE("big5, base64") {
        const IndexText text = extract_index_text(single_part(
            "Content-Type: text/plain; charset=big5\nContent-Transfer-Encoding: base64", "wWPF6aSkpOW2bKXz\n"));
        CHECK(text.body == "繁體中文郵件");
    }
}

TEST_CASE("a wrong or unknown charset label falls back to UTF-8 when valid, else windows-1252") {
    SUBCASE("labelled utf-8, really latin-1") {
        const IndexText text = extract_index_text(single_part("Content-Type: text/plain; charset=utf-8", "Gr\xfc\xdf" "e \x80 5\n"));
        CHECK(text.body == "Grüße € 5\n");
    }
    SUBCASE("labelled iso-8859-1, really UTF-8") {
        const IndexText text = extract_index_text(single_part("Content-Type: text/plain; charset=iso-8859-1", "Grüße\n"));
        CHECK(text.body == "Grüße\n");
    }
    SUBCASE("an unknown label on UTF-8 and on latin-1") {
        CHECK(extract_index_text(single_part("Content-Type: text/plain; charset=x-no-such-charset", "Grüße\n")).body == "Grüße\n");
        CHECK(extract_index_text(single_part("Content-Type: text/plain; charset=x-no-such-charset", "Gr\xfc\xdf" "e\n")).body == "Grüße\n");
    }
    SUBCASE("no label at all") {
        CHECK(extract_index_text(single_part("Content-Type: text/plain", "na\xefve\n")).body == "naïve\n");
    }
}

TEST_CASE("an HTML-only message is reduced to text") {
    const IndexText text = extract_index_text(single_part(
        "Content-Type: text/html; charset=utf-8",
        "<html><head><style>b{}</style></head><body><p>Hello&nbsp;<b>there</b></p><p>second &amp; last</p></body></html>\n"));
    CHECK(text.body == "Hello there\nsecond & last");
    CHECK(text.attachments.empty());
}

TEST_CASE("an HTML part without a MIME charset uses its meta charset") {
    const IndexText text = extract_index_text(single_part(
        "Content-Type: text/html", "<html><head><meta charset=\"koi8-r\"></head><body>\xf0\xd2\xc9\xd7\xc5\xd4</body></html>"));
    CHECK(text.body == "Привет");
}

TEST_CASE("multipart/alternative contributes the plain text alternative only") {
    const std::string message =
        "From: a@example.com\nSubject: alt\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n"
        "--b1\nContent-Type: text/html\n\n<p>html version</p>\n"
        "--b1\nContent-Type: text/plain\n\nplain version\n"
        "--b1--\n";
    const IndexText text = extract_index_text(message);
    CHECK(text.body == "plain version");
}

TEST_CASE("alternative without plain text takes the HTML of a related part and skips its inline images") {
    const std::string message =
        "From: a@example.com\nSubject: rel\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n"
        "--b1\nContent-Type: multipart/related; boundary=\"b2\"\n\n"
        "--b2\nContent-Type: text/html\n\n<p>see <img src=\"cid:logo\"> the logo</p>\n"
        "--b2\nContent-Type: image/png; name=\"logo.png\"\nContent-ID: <logo>\nContent-Disposition: inline; filename=\"logo.png\"\n"
        "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
        "--b2--\n"
        "--b1--\n";
    const IndexText text = extract_index_text(message);
    CHECK(text.body == "see the logo");
    CHECK(text.attachments.empty());
}

TEST_CASE("an inline image in multipart/mixed with a file name is an attachment") {
    const std::string message =
        "From: a@example.com\nSubject: photo\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n"
        "--b1\nContent-Type: text/plain\n\nLook at this\n"
        "--b1\nContent-Type: image/jpeg\nContent-Disposition: inline; filename=\"IMG_0001.jpg\"\n"
        "Content-Transfer-Encoding: base64\n\n/9j/4AAQ\n"
        "--b1--\n";
    const IndexText text = extract_index_text(message);
    CHECK(text.body == "Look at this");
    REQUIRE(text.attachments.size() == 1);
    CHECK(text.attachments[0].filename == "IMG_0001.jpg");
    CHECK(text.attachments[0].content_type == "image/jpeg");
    CHECK(text.attachments[0].data == std::string("\xff\xd8\xff\xe0\x00\x10", 6));
}

TEST_CASE("attachment names are decoded from RFC 2231 and RFC 2047 parameters") {
    const std::string message =
        "From: a@example.com\nSubject: files\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n"
        "--b1\nContent-Type: text/plain; charset=us-ascii\n\nSee attached.\n"
        "--b1\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=utf-8''%E2%82%AC%20rates.pdf\n"
        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJeLjz9MKMSAwIG9iago=\n"
        "--b1\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment;\n"
        " filename*0*=utf-8''Gr%C3%BC;\n filename*1*=%C3%9Fe;\n filename*2=\".txt\"\n\nattached text\n"
        "--b1\nContent-Type: application/octet-stream;\n name=\"=?UTF-8?B?w5xiZXJzaWNodA==?= =?UTF-8?B?IMO8YmVyLmRhdA==?=\"\n"
        "Content-Transfer-Encoding: base64\n\nAAEC\n"
        "--b1--\n";
    const IndexText text = extract_index_text(message);
    CHECK(text.body == "See attached.");
    REQUIRE(text.attachments.size() == 3);
    CHECK(text.attachments[0].filename == "€ rates.pdf");
    CHECK(text.attachments[0].content_type == "application/pdf");
    CHECK(text.attachments[0].data.starts_with("%PDF-1.4"));
    CHECK_FALSE(text.attachments[0].truncated);
    CHECK(text.attachments[1].filename == "Grüße.txt");
    CHECK(text.attachments[1].data == "attached text");  // the line break before a boundary belongs to it
    CHECK(text.attachments[2].filename == "Übersicht über.dat");
    CHECK(text.attachments[2].data == std::string("\x00\x01\x02", 3));
}

TEST_CASE("a nested message contributes its headers, text and attachments") {
    const std::string message =
        "From: outer@example.com\nSubject: Fwd: report\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n"
        "--b1\nContent-Type: text/plain\n\nForwarding this.\n"
        "--b1\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=\"report.eml\"\n\n"
        "From: =?utf-8?Q?Bj=C3=B6rn?= <bjorn@example.se>\nTo: team@example.se\nSubject: =?utf-8?Q?R=C3=A4kning?=\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b2\"\n\n"
        "--b2\nContent-Type: text/plain; charset=utf-8\n\ninner text\n"
        "--b2\nContent-Type: application/vnd.ms-excel; name=\"numbers.xls\"\nContent-Transfer-Encoding: base64\n\nAAEC\n"
        "--b2--\n"
        "--b1--\n";
    const IndexText text = extract_index_text(message);
    CHECK(text.from == "outer@example.com");
    CHECK(contains(text.body, "Forwarding this."));
    CHECK(contains(text.body, "From: Björn <bjorn@example.se>"));
    CHECK(contains(text.body, "Subject: Räkning"));
    CHECK(contains(text.body, "inner text"));
    REQUIRE(text.attachments.size() == 2);
    CHECK(text.attachments[0].filename == "report.eml");
    CHECK(text.attachments[0].content_type == "message/rfc822");
    CHECK(text.attachments[1].filename == "numbers.xls");
}

TEST_CASE("attachment data, attachment count and body size respect the limits") {
    const std::string data = binary_bytes(10000);
    std::string message =
        "From: a@example.com\nSubject: big\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n"
        "--b1\nContent-Type: text/plain\n\n" + std::string(5000, 'x') + "\n";
    for (int index = 0; index < 5; ++index) {
        message += "--b1\nContent-Type: application/octet-stream; name=\"file" + std::to_string(index) +
                   ".bin\"\nContent-Transfer-Encoding: base64\n\n" + cairn::mime::encode_base64(data, {}) ;
    }
    message += "--b1--\n";
    IndexTextLimits limits;
    limits.max_body_bytes = 100;
    limits.max_attachment_bytes = 4096;
    limits.max_attachments = 3;
    const IndexText text = extract_index_text(message, limits);
    CHECK(text.body == std::string(100, 'x'));
    REQUIRE(text.attachments.size() == 3);
    for (const Attachment& attachment : text.attachments) {
        CHECK(attachment.truncated);
        CHECK(attachment.data == data.substr(0, 4096));
    }
    const IndexText unlimited = extract_index_text(message);
    REQUIRE(unlimited.attachments.size() == 5);
    CHECK_FALSE(unlimited.attachments[4].truncated);
    CHECK(unlimited.attachments[4].data == data);
}

TEST_CASE("a truncated message yields what is there") {
    const std::string message =
        "From: a@example.com\nSubject: cut\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n"
        "--b1\nContent-Type: text/plain\n\nfirst part\n"
        "--b1\nContent-Type: application/pdf; name=\"cut.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQKJeLj";
    const IndexText text = extract_index_text(message);
    CHECK(text.subject == "cut");
    CHECK(contains(text.body, "first part"));
    REQUIRE(text.attachments.size() == 1);
    CHECK(text.attachments[0].data.starts_with("%PDF-1.4"));
    // Cut inside the header block too.
    const IndexText header_only = extract_index_text("From: a@example.com\nSubject: only a hea");
    CHECK(header_only.from == "a@example.com");
    check_all_valid(header_only);
}

TEST_CASE("a message without MIME headers, or without any headers, is plain text") {
    const IndexText simple = extract_index_text("From: a@example.com\nSubject: old style\n\nPlain b\xe4" "dy.\n");
    CHECK(simple.subject == "old style");
    CHECK(simple.body == "Plain bädy.\n");
    const IndexText headerless = extract_index_text("just some words\nand more words\n");
    check_all_valid(headerless);
    CHECK(contains(headerless.body + headerless.subject + headerless.from, "more words"));
    const IndexText empty = extract_index_text("");
    CHECK(empty.body.empty());
}

TEST_CASE("an mbox From line in front of the message is skipped") {
    const IndexText text = extract_index_text("From a@example.com Mon Jan  1 00:00:00 2024\nFrom: a@example.com\nSubject: mbox\n\nbody\n");
    CHECK(text.from == "a@example.com");
    CHECK(text.subject == "mbox");
    CHECK(text.body == "body\n");
}

TEST_CASE("hostile nesting is cut at depth 32 in bounded time") {
    std::string message = "From: a@example.com\nSubject: deep\nMIME-Version: 1.0\n";
    const int depth = 5000;
    for (int level = 0; level < depth; ++level)
        message += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(level) + "\"\n\n--b" + std::to_string(level) + "\n";
    message += "Content-Type: text/plain\n\ndeepest text\n";
    for (int level = depth - 1; level >= 0; --level)
        message += "--b" + std::to_string(level) + "--\n";
    const auto start = std::chrono::steady_clock::now();
    const IndexText text = extract_index_text(message);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    MESSAGE("5,000 nested multiparts: " << seconds << " s");
    CHECK_FALSE(contains(text.body, "deepest text"));
    CHECK(text.subject == "deep");
    CHECK(seconds < 10.0);

    std::string nested_messages = "Subject: outer\n";
    for (int level = 0; level < 2000; ++level)
        nested_messages += "Content-Type: message/rfc822\n\nSubject: level " + std::to_string(level) + "\n";
    nested_messages += "\ninnermost\n";
    const IndexText messages = extract_index_text(nested_messages);
    CHECK(contains(messages.body, "Subject: level 0"));
    CHECK_FALSE(contains(messages.body, "innermost"));
    check_all_valid(messages);
}

TEST_CASE("several threads extract at the same time with the same results") {
    const std::string message =
        "From: =?iso-8859-1?Q?J=F6rg?= <j@example.de>\nSubject: threads\nMIME-Version: 1.0\n"
        "Content-Type: multipart/alternative; boundary=\"b1\"\n\n"
        "--b1\nContent-Type: text/html; charset=koi8-r\n\n<p>\xf0\xd2\xc9\xd7\xc5\xd4</p>\n--b1--\n";
    const IndexText expected = extract_index_text(message);
    CHECK(expected.body == "Привет");
    std::vector<std::thread> threads;
    std::vector<int> mismatches(8, 0);
    for (std::size_t thread = 0; thread < mismatches.size(); ++thread) {
        threads.emplace_back([&, thread] {
            for (int round = 0; round < 200; ++round) {
                const IndexText text = extract_index_text(message);
                if (text.body != expected.body || text.from != expected.from)
                    ++mismatches[thread];
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    for (const int count : mismatches)
        CHECK(count == 0);
}

}  // TEST_SUITE

TEST_CASE("a Content-Type without a subtype is read as text/plain, as RFC 2045 §5.2 says") {
    // Old mail (linux-mips, 1997) has "Content-Type: text"; its text must be searchable.
    auto text = cairn::mime::extract_index_text(
        "From: a@example.org\nSubject: x\nContent-Type: text\n\nturning the filesystems into an inferno\n");
    CHECK(text.body.find("inferno") != std::string::npos);
    CHECK(text.attachments.empty());
    auto garbage = cairn::mime::extract_index_text("Subject: y\nContent-Type: nonsense; charset=us-ascii\n\nplain words\n");
    CHECK(garbage.body.find("plain words") != std::string::npos);
}
