// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "core/mime/journal_report.h"

using namespace cairn::mime;

namespace {

const std::string Original =
    "From: Ann <ann@example.org>\r\nTo: bob@example.org\r\nSubject: Quarterly numbers\r\n"
    "Message-ID: <q3@example.org>\r\nDate: Tue, 3 Mar 2026 09:00:00 +0000\r\n\r\nThe numbers.\r\n";

std::string report(const std::string& original_part_headers, const std::string& original_body) {
    return "From: Microsoft Outlook <postmaster@example.org>\r\nTo: journal@example.org\r\n"
           "Subject: Quarterly numbers\r\nX-MS-Journal-Report:\r\n"
           "Content-Type: multipart/mixed; boundary=\"journal-boundary\"\r\n\r\n"
           "--journal-boundary\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\n"
           "Sender: ann@example.org\r\nSubject: Quarterly numbers\r\nMessage-Id: <q3@example.org>\r\n"
           "To: bob@example.org\r\nBcc: carol@example.org\r\n"
           "Recipient: dave@example.org, Expanded: team@example.org\r\n\r\n"
           "--journal-boundary\r\n" + original_part_headers + "\r\n" + original_body +
           "\r\n--journal-boundary--\r\n";
}

}  // namespace

TEST_CASE("a journal report gives the original message byte for byte and its envelope") {
    auto parsed = parse_journal_report(report("Content-Type: message/rfc822\r\n", Original));
    REQUIRE(parsed);
    CHECK(parsed->original_message == Original);
    CHECK(parsed->sender == "ann@example.org");
    REQUIRE(parsed->recipients.size() == 3);
    CHECK(parsed->recipients[0].kind == "to");
    CHECK(parsed->recipients[0].address == "bob@example.org");
    CHECK(parsed->recipients[1].kind == "bcc");
    CHECK(parsed->recipients[1].address == "carol@example.org");
    CHECK(parsed->recipients[2].kind == "recipient");
    CHECK(parsed->recipients[2].address == "dave@example.org");
    CHECK(parsed->recipients[2].note == "Expanded: team@example.org");
}

TEST_CASE("a base64-encoded original is decoded") {
    // base64 of Original, in 76-character lines.
    const std::string encoded =
        "RnJvbTogQW5uIDxhbm5AZXhhbXBsZS5vcmc+DQpUbzogYm9iQGV4YW1wbGUub3JnDQpTdWJqZWN0\r\n"
        "OiBRdWFydGVybHkgbnVtYmVycw0KTWVzc2FnZS1JRDogPHEzQGV4YW1wbGUub3JnPg0KRGF0ZTog\r\n"
        "VHVlLCAzIE1hciAyMDI2IDA5OjAwOjAwICswMDAwDQoNClRoZSBudW1iZXJzLg0K";
    auto parsed =
        parse_journal_report(report("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n", encoded));
    REQUIRE(parsed);
    CHECK(parsed->original_message == Original);
}

TEST_CASE("anything but a journal report is left alone") {
    CHECK_FALSE(parse_journal_report(Original));
    // A forwarded message (message/rfc822 part) without the journal header is not a report.
    std::string forwarded = report("Content-Type: message/rfc822\r\n", Original);
    forwarded.replace(forwarded.find("X-MS-Journal-Report:\r\n"), 22, "");
    CHECK_FALSE(parse_journal_report(forwarded));
    // A report without the carried message (truncated) is archived as it is.
    CHECK_FALSE(parse_journal_report(report("Content-Type: text/plain\r\n", "no message here")));
    CHECK_FALSE(parse_journal_report(""));
    CHECK_FALSE(parse_journal_report("X-MS-Journal-Report:\r\nContent-Type: multipart/mixed\r\n\r\n"));
}
