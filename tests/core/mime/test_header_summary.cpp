// SPDX-License-Identifier: GPL-3.0-or-later
#include <string>

#include <doctest/doctest.h>

#include "core/mime/charset.h"
#include "core/mime/date_parse.h"
#include "core/mime/encoded_words.h"
#include "core/mime/message_structure.h"

using cairn::mime::decode_header_value;
using cairn::mime::is_valid_utf8;
using cairn::mime::parse_date;
using cairn::mime::summarize_headers;

TEST_SUITE("mime.encoded_words") {

TEST_CASE("B and Q encoded words are decoded") {
    CHECK(decode_header_value("=?UTF-8?B?w6lsw6h2ZQ==?=") == "\u00e9l\u00e8ve");
    CHECK(decode_header_value("=?utf-8?q?caf=C3=A9_cr=c3=a8me?=") == "caf\u00e9 cr\u00e8me");
    CHECK(decode_header_value("=?ISO-8859-1?Q?Andr=E9?= Pirard") == "Andr\u00e9 Pirard");
}

TEST_CASE("adjacent encoded words are joined without the blanks between them") {
    CHECK(decode_header_value("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=") == "ab");
    CHECK(decode_header_value("=?ISO-8859-1?Q?a?=\r\n  =?ISO-8859-1?Q?b?=") == "ab");
    CHECK(decode_header_value("=?ISO-8859-1?Q?a?= b") == "a b");
    CHECK(decode_header_value("=?ISO-8859-1?Q?a_?= =?ISO-8859-1?Q?_b?=") == "a  b");
    CHECK(decode_header_value("x =?ISO-8859-1?Q?a?= - =?ISO-8859-1?Q?b?=") == "x a - b");
}

TEST_CASE("a UTF-8 character split across two base64 words survives") {
    // GMime 3.2.13 truncates this (upstream issue #133); we join same-charset words first.
    CHECK(decode_header_value("=?UTF-8?B?5pel5pys6A==?= =?UTF-8?B?qp7jga7jg4bjgq3jgrnjg4g=?=") ==
          "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8");
}

TEST_CASE("koi8-r, gb2312 and iso-2022-jp words are converted with iconv") {
    CHECK(decode_header_value("=?koi8-r?B?8NLJ18XU?=") == "\u041f\u0440\u0438\u0432\u0435\u0442");
    CHECK(decode_header_value("=?gb2312?B?1tDOxLLiytQ=?=") == "\u4e2d\u6587\u6d4b\u8bd5");
    CHECK(decode_header_value("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=") == "\u65e5\u672c\u8a9e");
    CHECK(decode_header_value("=?iso-8859-1*en?Q?=E9t=E9?=") == "\u00e9t\u00e9");
}

TEST_CASE("an unknown charset falls back to UTF-8 or windows-1252") {
    CHECK(decode_header_value("=?x-no-such-charset?Q?caf=C3=A9?=") == "caf\u00e9");
    CHECK(decode_header_value("=?x-no-such-charset?Q?caf=E9?=") == "caf\u00e9");
    CHECK(decode_header_value("=?unknown-8bit?Q?=80uro?=") == "\u20acuro");
}

TEST_CASE("invalid bytes in a known charset become replacement characters") {
    const std::string decoded = decode_header_value("=?utf-16?B?2D0=?=");  // a lone high surrogate
    CHECK(is_valid_utf8(decoded));
    const std::string shift_jis = decode_header_value("=?shift_jis?Q?=82?=");  // truncated
    CHECK(is_valid_utf8(shift_jis));
}

TEST_CASE("malformed encoded words are kept as written") {
    CHECK(decode_header_value("=?utf-8?X?abc?=") == "=?utf-8?X?abc?=");
    CHECK(decode_header_value("=?utf-8?Q?no end") == "=?utf-8?Q?no end");
    CHECK(decode_header_value("=??Q?x?=") == "=??Q?x?=");
    CHECK(decode_header_value("a =? b") == "a =? b");
}

TEST_CASE("raw 8-bit header bytes are kept as UTF-8 when valid and read as windows-1252 otherwise") {
    CHECK(decode_header_value("Gr\xc3\xbc\xc3\x9f""e") == "Gr\u00fc\u00dfe");
    CHECK(decode_header_value("Gr\xfc\xdf""e \x93quoted\x94") == "Gr\u00fc\u00dfe \u201cquoted\u201d");
}

TEST_CASE("folded values are unfolded and control characters become spaces") {
    CHECK(decode_header_value(" a long\r\n\tsubject\n line ") == "a long subject line");
    CHECK(decode_header_value("=?utf-8?Q?a=00b=0Dc?=") == "a b c");
}

}  // TEST_SUITE

TEST_SUITE("mime.dates") {

TEST_CASE("RFC 5322 dates with numeric zones convert to UTC") {
    CHECK(parse_date("Mon, 2 Jan 2006 15:04:05 -0700") == 1136239445);
    CHECK(parse_date("Thu, 01 Jan 1970 00:00:00 +0000") == 0);
    CHECK(parse_date("Sat, 29 Feb 2020 23:59:60 +0100") == 1583017200);
    CHECK(parse_date("  2 Jan 2006 15:04:05 -0700 (MST)") == 1136239445);
}

TEST_CASE("obsolete date forms are accepted") {
    CHECK(parse_date("2 Jan 06 22:04:05 GMT") == 1136239445);
    CHECK(parse_date("Mon, 2 Jan 2006 17:04:05 EST") == 1136239445);
    CHECK(parse_date("Mon, 2 Jan 2006 15:04:05 PDT") == 1136239445);
    CHECK(parse_date("Mon, 2 Jan 2006 15:04:05 PST") == 1136239445 + 3600);
    CHECK(parse_date("2 Jan 2006 22:04:05 UT") == 1136239445);
    CHECK(parse_date("2 Jan 2006 22:04 GMT") == 1136239440);
    CHECK(parse_date("Mon, 2 Jan 99 00:00:00 +0000") == 915235200);
    CHECK(parse_date("2 Jan 106 22:04:05 Z") == 1136239445);
    CHECK(parse_date("2 Jan 2006 22:04:05 A") == 1136239445);  // military zones count as UTC
    CHECK(parse_date("Monday, 02-Jan-2006 22:04:05 GMT") == 1136239445);
}

TEST_CASE("dates in asctime order, without a zone, or with junk after it are accepted") {
    CHECK(parse_date("Mon Jan  2 22:04:05 2006") == 1136239445);
    CHECK(parse_date("2 Jan 2006 22:04:05") == 1136239445);
    CHECK(parse_date("Mon, 2 Jan 2006 23:04:05 +0100 (CET) trailing junk 1999") == 1136239445);
    CHECK(parse_date("2 January 2006 22:04:05.123 +0000") == 1136239445);
}

TEST_CASE("unparseable or out-of-range dates give nothing") {
    CHECK_FALSE(parse_date("").has_value());
    CHECK_FALSE(parse_date("yesterday").has_value());
    CHECK_FALSE(parse_date("31 Feb 2006 10:00:00 +0000").has_value());
    CHECK_FALSE(parse_date("2 Foo 2006 10:00:00 +0000").has_value());
    CHECK_FALSE(parse_date("2 Jan 2006 25:00:00 +0000").has_value());
    CHECK_FALSE(parse_date("2 Jan 2006 10:61:00 +0000").has_value());
}

}  // TEST_SUITE

TEST_SUITE("mime.header_summary") {

TEST_CASE("the summary holds the first subject, from, to, message id and date") {
    const std::string message =
        "Received: from somewhere\r\n"
        "Subject: =?UTF-8?Q?R=C3=A9sum=C3=A9?=\r\n"
        " of the week\r\n"
        "From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.org>\r\n"
        "To: \"Bob\" <bob@example.org>,\r\n\tcarol@example.org\r\n"
        "Message-ID: <\r\n abc.123@example.org>\r\n"
        "Date: Mon, 2 Jan 2006 15:04:05 -0700\r\n"
        "Subject: second subject is ignored\r\n"
        "\r\n"
        "Subject: not a header, this is the body\r\n";
    const auto summary = summarize_headers(message);
    CHECK(summary.subject == "R\u00e9sum\u00e9 of the week");
    CHECK(summary.from == "Andr\u00e9 <andre@example.org>");
    CHECK(summary.to == "\"Bob\" <bob@example.org>, carol@example.org");
    CHECK(summary.message_id == "abc.123@example.org");
    CHECK(summary.date == 1136239445);
}

TEST_CASE("missing fields are empty and an unparseable date is absent") {
    const auto summary = summarize_headers("X-Other: 1\nDate: soon\n\nbody");
    CHECK(summary.subject.empty());
    CHECK(summary.from.empty());
    CHECK(summary.message_id.empty());
    CHECK_FALSE(summary.date.has_value());
    CHECK(summarize_headers("").subject.empty());
}

TEST_CASE("field names match case-insensitively and a message id without brackets is kept") {
    const auto summary = summarize_headers("SUBJECT: hi\nmessage-id: bare-id@host\n\n");
    CHECK(summary.subject == "hi");
    CHECK(summary.message_id == "bare-id@host");
}

TEST_CASE("an 8-bit subject in windows-1252 becomes valid UTF-8") {
    const auto summary = summarize_headers("Subject: Caf\xe9 \x80 \xff\n\n");
    CHECK(summary.subject == "Caf\u00e9 \u20ac \u00ff");
    CHECK(is_valid_utf8(summary.subject));
}

}  // TEST_SUITE
