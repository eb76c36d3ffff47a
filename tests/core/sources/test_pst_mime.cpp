// SPDX-License-Identifier: GPL-3.0-or-later
// The MIME writing side of the PST source: encodings, RTF de-encapsulation and message shape.
#include <doctest/doctest.h>

#include <string>

#include "core/sources/common/content_kind.h"
#include "core/sources/pst/mime_text.h"
#include "core/sources/pst/mime_writer.h"
#include "core/sources/pst/rtf_html.h"

using namespace cairn::sources;
using namespace cairn::sources::pst;

TEST_SUITE("sources.pst_mime") {

TEST_CASE("a PST or OST is recognised by its !BDN signature, whatever its name") {
    CHECK(detect_content(std::string_view("!BDN\x01\x02\x03\x04", 8), "mail.bin").kind == ContentKind::Pst);
    CHECK(detect_content("!BDNot a header: x\n", "x.pst").kind == ContentKind::Pst);
    CHECK(detect_content("Subject: !BDN\n\nbody", "x.pst").kind == ContentKind::Mail);
}

TEST_CASE("base64 lines are 76 characters and end with CRLF") {
    CHECK(base64_lines("") == "");
    CHECK(base64_lines("f") == "Zg==\r\n");
    CHECK(base64_lines("fo") == "Zm8=\r\n");
    CHECK(base64_lines("foo") == "Zm9v\r\n");
    std::string encoded = base64_lines(std::string(100, 'a'));
    CHECK(encoded.find("\r\n") == 76);
}

TEST_CASE("quoted-printable keeps lines short, encodes '=' and protects trailing spaces and From_") {
    CHECK(quoted_printable("a=b") == "a=3Db");
    CHECK(quoted_printable("end \nnext") == "end=20\r\nnext");
    CHECK(quoted_printable("From here\n.dot") == "=46rom here\r\n=2Edot");
    CHECK(quoted_printable("caf\xC3\xA9") == "caf=C3=A9");
    std::string encoded = quoted_printable(std::string(200, 'x'));
    for (std::size_t start = 0, end; (end = encoded.find("\r\n", start)) != std::string::npos; start = end + 2)
        CHECK(end - start <= 76);
}

TEST_CASE("header text outside ASCII becomes UTF-8 encoded-words that never split a character") {
    CHECK(encode_unstructured("Hello") == "Hello");
    CHECK(encode_unstructured("Caf\xC3\xA9") == "=?UTF-8?B?Q2Fmw6k=?=");
    std::string long_text;
    for (int index = 0; index < 40; ++index)
        long_text += "\xE6\x97\xA5";  // 日
    std::string encoded = encode_unstructured(long_text);
    CHECK(encoded.find(' ') != std::string::npos);  // several words
    std::size_t start = 0;
    while (start < encoded.size()) {
        std::size_t end = encoded.find(' ', start);
        std::string word = encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
        CHECK(word.size() <= 75);
        start = end == std::string::npos ? encoded.size() : end + 1;
    }
}

TEST_CASE("display names are quoted or encoded as needed") {
    CHECK(format_address("Ann Lee", "ann@example.com") == "Ann Lee <ann@example.com>");
    CHECK(format_address("Lee, Ann", "ann@example.com") == "\"Lee, Ann\" <ann@example.com>");
    CHECK(format_address("", "ann@example.com") == "ann@example.com");
    CHECK(format_address("J\xC3\xB6rg", "j@example.com") == "=?UTF-8?B?SsO2cmc=?= <j@example.com>");
    CHECK(format_parameter("filename", "a b.pdf") == "filename=\"a b.pdf\"");
    CHECK(format_parameter("filename", "\xC3\xA9t\xC3\xA9.txt") == "filename*=UTF-8''%C3%A9t%C3%A9.txt");
}

TEST_CASE("long header fields fold at spaces within 78 characters") {
    std::string value;
    for (int index = 0; index < 20; ++index)
        value += "word" + std::to_string(index) + " ";
    std::string field = header_field("Subject", value);
    std::size_t start = 0;
    for (std::size_t end; (end = field.find("\r\n", start)) != std::string::npos; start = end + 2)
        CHECK(end - start <= 78);
}

TEST_CASE("dates are RFC 5322 in UTC and code pages convert to UTF-8") {
    CHECK(format_rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK(format_rfc5322_date(1628799480) == "Thu, 12 Aug 2021 20:18:00 +0000");
    CHECK(filetime_to_unix(116444736000000000ULL) == 0);
    CHECK(codepage_to_utf8("caf\xE9", 1252) == "caf\xC3\xA9");
    CHECK(codepage_to_utf8("\x82\xA0", 932) == "\xE3\x81\x82");  // あ in Shift_JIS
    CHECK(codepage_to_utf8("caf\xE9", 999999) == "caf\xC3\xA9");  // unknown: windows-1252
    CHECK(utf16le_to_utf8(std::string("A\0\x3D\xD8\x00\xDE", 6)) == "A\xF0\x9F\x98\x80");
}

TEST_CASE("HTML that Outlook wrapped in RTF comes back out") {
    const std::string rtf =
        "{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss Arial;}}"
        "{\\*\\htmltag19 <html>}{\\*\\htmltag34 <body>}\\htmlrtf {\\htmlrtf0 "
        "caf\\'e9 \\{x\\} {\\*\\htmltag84 <b>}bold{\\*\\htmltag92 </b>}\\par"
        "\\htmlrtf }\\htmlrtf0 {\\*\\htmltag35 </body>}{\\*\\htmltag27 </html>}}";
    std::optional<std::string> html = html_from_encapsulating_rtf(rtf);
    REQUIRE(html);
    CHECK(*html == "<html><body>caf\xC3\xA9 {x} <b>bold</b>\r\n</body></html>");
    CHECK_FALSE(html_from_encapsulating_rtf("{\\rtf1\\ansi plain rtf}"));
    CHECK_FALSE(html_from_encapsulating_rtf("not rtf"));
    std::string deep = "{\\rtf1\\fromhtml1 " + std::string(5000, '{');
    CHECK_FALSE(html_from_encapsulating_rtf(deep));  // nesting past the limit
}

TEST_CASE("a message without transport headers gets headers from its properties") {
    OutlookMessage message;
    message.from = MailAddress{"Ann Lee", "ann@example.com"};
    message.to = {{"Bob", "bob@example.com"}, {"", "carol@example.com"}};
    message.cc = {{"Dan", "dan@example.com"}};
    message.subject = "R\xC3\xA9sum\xC3\xA9";
    message.date = 1628799480;
    message.message_id = "<id@example.com>";
    message.importance = 2;
    message.plain_text = "Hello\nWorld";
    const std::string bytes = write_mime_message(message);
    CHECK(bytes.starts_with("From: Ann Lee <ann@example.com>\r\nTo: Bob <bob@example.com>, carol@example.com\r\n"
                            "Cc: Dan <dan@example.com>\r\nSubject: =?UTF-8?B?UsOpc3Vtw6k=?=\r\n"
                            "Date: Thu, 12 Aug 2021 20:18:00 +0000\r\nMessage-ID: <id@example.com>\r\n"
                            "Importance: high\r\nX-Priority: 1\r\nMIME-Version: 1.0\r\n"
                            "Content-Type: text/plain; charset=\"utf-8\"\r\n"));
    CHECK(bytes.ends_with("\r\n\r\nHello\r\nWorld\r\n"));
}

TEST_CASE("transport headers are kept but their MIME fields are replaced by the rebuilt body's") {
    OutlookMessage message;
    message.transport_headers =
        "Received: from a\r\n by b\r\nSubject: Hi\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"old\"\r\n"
        "MIME-Version: 1.0\r\nContent-Transfer-Encoding: 7bit\r\nX-Kept: yes\r\n\r\n";
    message.subject = "ignored";
    message.plain_text = "text";
    message.html = "<p><img src=\"cid:img1@x\"></p>";
    message.attachments.push_back({"pic.png", "image/png", "img1@x", "PNGDATA", false});
    message.attachments.push_back({"notes.txt", "", "", "plain file", false});
    const std::string bytes = write_mime_message(message);
    CHECK(bytes.starts_with("Received: from a\r\n by b\r\nSubject: Hi\r\nX-Kept: yes\r\nMIME-Version: 1.0\r\n"
                            "Content-Type: multipart/mixed;\r\n"));
    CHECK(bytes.find("boundary=\"old\"") == std::string::npos);
    CHECK(bytes.find("Content-Type: multipart/alternative;") != std::string::npos);
    CHECK(bytes.find("Content-Type: multipart/related;") != std::string::npos);
    CHECK(bytes.find("Content-ID: <img1@x>") != std::string::npos);
    CHECK(bytes.find("Content-Type: text/plain;\r\n name=\"notes.txt\"") != std::string::npos);
    CHECK(bytes == write_mime_message(message));  // deterministic
    OutlookMessage other = message;
    other.boundary_seed = 7;
    CHECK(bytes != write_mime_message(other));
}

TEST_CASE("RTF that holds no HTML is attached as text/rtf, embedded items as message/rfc822") {
    OutlookMessage inner;
    inner.subject = "inner";
    inner.plain_text = "inside";
    OutlookMessage message;
    message.plain_text = "outer";
    message.rtf = "{\\rtf1 hello}";
    message.attachments.push_back({"inner", "", "", write_mime_message(inner), true});
    const std::string bytes = write_mime_message(message);
    CHECK(bytes.find("Content-Type: text/rtf") != std::string::npos);
    CHECK(bytes.find("Content-Type: message/rfc822\r\nContent-Disposition: attachment;\r\n filename=\"inner\"\r\n\r\n"
                     "Subject: inner\r\n") != std::string::npos);
    CHECK(mime_type_for_file_name("Report.PDF") == "application/pdf");
    CHECK(mime_type_for_file_name("noextension") == "application/octet-stream");
}

TEST_CASE("an S/MIME item's kept original becomes the message body, so its signature still verifies") {
    OutlookMessage message;
    message.transport_headers = "From: a@example.com\r\nSubject: signed\r\nContent-Type: multipart/signed;\r\n"
                                " boundary=\"b\"\r\n\r\n";
    const std::string entity = "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n"
                               " boundary=\"b\"\r\n\r\n--b\r\n\r\nsigned text\r\n--b--\r\n";
    message.smime_body = OutlookAttachment{"smime.p7m", "multipart/signed", "", entity, false};
    CHECK(write_mime_message(message) ==
          "From: a@example.com\r\nSubject: signed\r\nMIME-Version: 1.0\r\n" + entity);

    message.smime_body = OutlookAttachment{"smime.p7m", "application/pkcs7-mime", "", std::string("\x30\x82", 2), false};
    const std::string opaque = write_mime_message(message);
    CHECK(opaque.find("Content-Type: application/pkcs7-mime;\r\n name=\"smime.p7m\"\r\n") != std::string::npos);
    CHECK(opaque.ends_with("\r\n\r\nMII=\r\n"));
}

}
