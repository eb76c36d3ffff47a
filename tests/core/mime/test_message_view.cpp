// SPDX-License-Identifier: GPL-3.0-or-later
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/mime/charset.h"
#include "core/mime/message_view.h"
#include "tests/support/temp_dir.h"

using cairn::mime::attachment_data;
using cairn::mime::MessageView;
using cairn::mime::read_message_view;

namespace {

const std::string Headers = "From: =?utf-8?q?J=C3=B6rg?= <jorg@example.org>\n"
                            "To: Ann <ann@example.org>, bob@example.org\n"
                            "Cc: carol@example.org\n"
                            "Reply-To: list@example.org\n"
                            "Subject: =?iso-8859-1?q?Gr=FC=DFe?= from the lab\n"
                            "Date: Tue, 3 Mar 2020 10:20:30 +0100\n"
                            "Message-ID: <abc.123@example.org>\n"
                            "MIME-Version: 1.0\n";

bool has_problem_containing(const MessageView& view, const std::string& part) {
    return std::any_of(view.problems.begin(), view.problems.end(),
                       [&](const std::string& problem) { return problem.find(part) != std::string::npos; });
}

}  // namespace

TEST_SUITE("mime.message_view") {

TEST_CASE("headers are decoded and a plain message gives its text") {
    const std::string message = Headers + "Content-Type: text/plain; charset=iso-8859-1\n"
                                          "Content-Transfer-Encoding: quoted-printable\n\n"
                                          "Sch=F6ne Gr=FC=DFe\nline two\n";
    const MessageView view = read_message_view(message);
    CHECK(view.from == "Jörg <jorg@example.org>");
    CHECK(view.to == "Ann <ann@example.org>, bob@example.org");
    CHECK(view.cc == "carol@example.org");
    CHECK(view.reply_to == "list@example.org");
    CHECK(view.sender == "");
    CHECK(view.bcc == "");
    CHECK(view.subject == "Grüße from the lab");
    CHECK(view.date_text == "Tue, 3 Mar 2020 10:20:30 +0100");
    REQUIRE(view.date.has_value());
    CHECK(*view.date == 1583227230);
    CHECK(view.message_id == "abc.123@example.org");
    CHECK(view.text == "Schöne Grüße\nline two\n");
    CHECK(view.html == "");
    CHECK(view.attachments.empty());
    CHECK(view.problems.empty());
}

TEST_CASE("multipart/alternative: the plain part is the text, the HTML part the html") {
    const std::string message = Headers + "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
                                          "--alt\nContent-Type: text/plain; charset=utf-8\n\nplain words\n"
                                          "--alt\nContent-Type: text/html; charset=utf-8\n\n<p>html <b>words</b></p>\n"
                                          "--alt--\n";
    const MessageView view = read_message_view(message);
    CHECK(view.text == "plain words");
    CHECK(view.html == "<p>html <b>words</b></p>");
    CHECK(view.attachments.empty());
    CHECK(view.problems.empty());
}

TEST_CASE("HTML only: the text is the HTML reduced to text") {
    const std::string message = Headers + "Content-Type: text/html; charset=windows-1252\n\n"
                                          "<div>caf\xe9</div><div>second &amp; last</div>\n";
    const MessageView view = read_message_view(message);
    CHECK(view.html == "<div>café</div><div>second &amp; last</div>\n");
    CHECK(view.text == "café\nsecond & last");
}

TEST_CASE("multipart/related: images referenced by cid are inline attachments") {
    const std::string message =
        Headers + "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
                  "--alt\nContent-Type: text/plain\n\nsee the logo\n"
                  "--alt\nContent-Type: multipart/related; boundary=\"rel\"\n\n"
                  "--rel\nContent-Type: text/html\n\n<p>see <img src=\"cid:logo@x\"></p>\n"
                  "--rel\nContent-Type: image/png\nContent-ID: <logo@x>\nContent-Transfer-Encoding: base64\n\n"
                  "iVBORw0KGgo=\n"
                  "--rel\nContent-Type: image/gif; name=\"unused.gif\"\nContent-ID: <other@x>\n"
                  "Content-Transfer-Encoding: base64\n\nR0lGODlh\n"
                  "--rel--\n--alt--\n";
    const MessageView view = read_message_view(message);
    CHECK(view.text == "see the logo");
    CHECK(view.html == "<p>see <img src=\"cid:logo@x\"></p>");
    REQUIRE(view.attachments.size() == 2);
    CHECK(view.attachments[0].index == 0);
    CHECK(view.attachments[0].filename == "attachment-1.png");
    CHECK(view.attachments[0].content_type == "image/png");
    CHECK(view.attachments[0].content_id == "logo@x");
    CHECK(view.attachments[0].size == 8);
    CHECK(view.attachments[0].inline_image);
    CHECK(view.attachments[1].filename == "unused.gif");
    CHECK(view.attachments[1].size == 6);
    CHECK_FALSE(view.attachments[1].inline_image);
    CHECK(attachment_data(message, 0) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(attachment_data(message, 1) == std::string("GIF89a"));
    CHECK(attachment_data(message, 2) == std::nullopt);
}

TEST_CASE("multipart/mixed: text parts in order, files listed with decoded names") {
    const std::string message =
        Headers + "Content-Type: multipart/mixed; boundary=mix\n\n"
                  "preamble\n--mix\nContent-Type: text/plain; charset=utf-8\n\nfirst part\n"
                  "--mix\nContent-Type: application/pdf\nContent-Disposition: attachment;\n"
                  " filename*=utf-8''r%C3%A9sum%C3%A9.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQ=\n"
                  "--mix\nContent-Type: text/plain; charset=utf-8\n\nsecond part\n"
                  "--mix\nContent-Type: application/octet-stream; name=\"=?utf-8?b?w6RiYy50eHQ=?=\"\n\nxyz\n"
                  "--mix\nContent-Type: application/octet-stream\n"
                  "Content-Disposition: attachment; filename=\"C:\\\\Windows\\\\evil.exe\"\n\nabc\n"
                  "--mix\nContent-Type: application/octet-stream\n"
                  "Content-Disposition: attachment; filename*=utf-8''../a%07b%C2%85c.txt\n\nabc\n"
                  "--mix\nContent-Type: application/zip\n\nzipdata\n"
                  "--mix--\n";
    const MessageView view = read_message_view(message);
    CHECK(view.text == "first part\nsecond part");
    REQUIRE(view.attachments.size() == 5);
    CHECK(view.attachments[0].filename == "résumé.pdf");
    CHECK(view.attachments[0].content_type == "application/pdf");
    CHECK(view.attachments[0].size == 8);
    CHECK(view.attachments[1].filename == "äbc.txt");
    CHECK(view.attachments[1].size == 3);
    CHECK(view.attachments[2].filename == "evil.exe");
    CHECK(view.attachments[3].filename == "abc.txt");
    CHECK(view.attachments[4].filename == "attachment-5.zip");
    CHECK(view.attachments[4].size == 7);
    for (const auto& attachment : view.attachments) {
        CAPTURE(attachment.index);
        const auto data = attachment_data(message, attachment.index);
        REQUIRE(data.has_value());
        CHECK(data->size() == attachment.size);
    }
    CHECK(attachment_data(message, 0) == "%PDF-1.4");
    CHECK(attachment_data(message, 4) == "zipdata");
}

TEST_CASE("a nested message is an attachment and its text follows a header block") {
    const std::string inner = "From: Dan <dan@example.org>\nDate: Mon, 2 Mar 2020 09:00:00 +0000\n"
                              "Subject: Original / news\nContent-Type: text/plain\n\ninner text\n";
    const std::string message = Headers + "Content-Type: multipart/mixed; boundary=mix\n\n"
                                          "--mix\nContent-Type: text/plain\n\nouter text\n"
                                          "--mix\nContent-Type: message/rfc822\n\n" +
                                inner + "--mix--\n";
    const MessageView view = read_message_view(message);
    CHECK(view.text == "outer text\n\n---------- Forwarded message ----------\nFrom: Dan <dan@example.org>\n"
                       "Date: Mon, 2 Mar 2020 09:00:00 +0000\nSubject: Original / news\ninner text");
    REQUIRE(view.attachments.size() == 1);
    CHECK(view.attachments[0].filename == "Original - news.eml");
    CHECK(view.attachments[0].content_type == "message/rfc822");
    const auto data = attachment_data(message, 0);
    REQUIRE(data.has_value());
    CHECK(data->size() == view.attachments[0].size);
    // The line break before the boundary belongs to the boundary (RFC 2046).
    CHECK(*data == inner.substr(0, inner.size() - 1));
}

TEST_CASE("unknown charset, bad base64, truncated and boundary-less multiparts are noted") {
    SUBCASE("unknown charset") {
        const MessageView view =
            read_message_view(Headers + "Content-Type: text/plain; charset=x-unknown-thing\n\nplain \xc3\xa4\n");
        CHECK(view.text == "plain ä\n");
        CHECK(view.problems == std::vector<std::string>{"part 1: unknown charset x-unknown-thing, read as UTF-8 or windows-1252"});
    }
    SUBCASE("bad base64") {
        const MessageView view = read_message_view(Headers + "Content-Type: text/plain\n"
                                                             "Content-Transfer-Encoding: base64\n\naGVs*bG8=\n");
        CHECK(view.text == "hello");
        CHECK(view.problems == std::vector<std::string>{"part 1: damaged base64, some text may be wrong"});
    }
    SUBCASE("truncated multipart") {
        const std::string message = Headers + "Content-Type: multipart/mixed; boundary=mix\n\n"
                                              "--mix\nContent-Type: text/plain\n\nfirst\n"
                                              "--mix\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBER";
        const MessageView view = read_message_view(message);
        CHECK(view.text == "first");
        REQUIRE(view.attachments.size() == 1);
        CHECK(has_problem_containing(view, "no closing boundary"));
        CHECK(attachment_data(message, 0)->size() == view.attachments[0].size);
    }
    SUBCASE("missing boundary") {
        const MessageView view =
            read_message_view(Headers + "Content-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nbody\n--x--\n");
        CHECK(has_problem_containing(view, "no boundary"));
        CHECK(cairn::mime::is_valid_utf8(view.text));
    }
}

TEST_CASE("garbage and empty input give a view without crashing") {
    CHECK(read_message_view("").text == "");
    CHECK(attachment_data("", 0) == std::nullopt);
    const MessageView view = read_message_view("\xff\xfe not a message at all");
    CHECK(cairn::mime::is_valid_utf8(view.text));
}

TEST_CASE("limits cap the text and the number of attachments") {
    std::string message = Headers + "Content-Type: multipart/mixed; boundary=mix\n\n--mix\nContent-Type: text/plain\n\n" +
                          std::string(100, 'a') + "\n";
    for (int index = 0; index < 5; ++index)
        message += "--mix\nContent-Type: application/octet-stream\n\nfile" + std::to_string(index) + "\n";
    message += "--mix--\n";
    cairn::mime::MessageViewLimits limits;
    limits.max_text_bytes = 10;
    limits.max_attachments = 3;
    const MessageView view = read_message_view(message, limits);
    CHECK(view.text == std::string(10, 'a'));
    REQUIRE(view.attachments.size() == 3);
    CHECK(view.attachments[2].filename == "attachment-3.bin");
    CHECK(has_problem_containing(view, "more than 3 attachments"));
    CHECK(attachment_data(message, 4) == "file4");
}

TEST_CASE("real mail from the corpus gives views whose attachments can all be read") {
    std::size_t message_count = 0;
    std::size_t attachment_count = 0;
    for (const char* set : {"stalwart-mail-parser", "nodemailer-mailparser", "mimekit/messages", "python-email", "gmime",
                            "thunderbird-comm-central", "tika-mail"}) {
        const auto root = cairn::testing::corpus_path(set);
        if (!root)
            continue;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(*root)) {
            if (!entry.is_regular_file())
                continue;
            const std::string name = entry.path().filename().string();
            if (!name.ends_with(".eml") && !name.ends_with(".msg") && !name.ends_with(".txt"))
                continue;
            CAPTURE(entry.path().string());
            const std::string message = cairn::testing::read_file(entry.path());
            const MessageView view = read_message_view(message);
            ++message_count;
            for (const std::string* field : {&view.subject, &view.from, &view.to, &view.text, &view.html})
                REQUIRE(cairn::mime::is_valid_utf8(*field));
            for (const auto& attachment : view.attachments) {
                CAPTURE(attachment.index);
                REQUIRE(cairn::mime::is_valid_utf8(attachment.filename));
                CHECK_FALSE(attachment.filename.empty());
                CHECK(attachment.filename.find('/') == std::string::npos);
                const auto data = attachment_data(message, attachment.index);
                REQUIRE(data.has_value());
                CHECK(data->size() == attachment.size);
                ++attachment_count;
            }
        }
    }
    if (message_count == 0) {
        MESSAGE("corpus absent: sweep skipped");
        return;
    }
    MESSAGE("corpus sweep: " << message_count << " messages, " << attachment_count << " attachments");
    CHECK(message_count > 200);
    CHECK(attachment_count > 50);
}

TEST_CASE("the first messages of the corpus mbox files give views whose attachments can all be read") {
    const auto root = cairn::testing::corpus_path("mimekit/mbox");
    if (!root)
        return;
    constexpr std::size_t MessagesPerFile = 50;
    std::size_t message_count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(*root)) {
        const std::string mbox = cairn::testing::read_file(entry.path());
        // Messages start at "From " at the start of a line; the view skips the envelope line.
        std::vector<std::size_t> starts;
        for (std::size_t position = 0; position < mbox.size() && starts.size() <= MessagesPerFile;) {
            if (mbox.compare(position, 5, "From ") == 0)
                starts.push_back(position);
            const std::size_t newline = mbox.find('\n', position);
            position = newline == std::string::npos ? mbox.size() : newline + 1;
        }
        starts.push_back(mbox.size());
        for (std::size_t index = 0; index + 1 < starts.size(); ++index) {
            const std::string message = mbox.substr(starts[index], starts[index + 1] - starts[index]);
            CAPTURE(entry.path().string());
            CAPTURE(index);
            const MessageView view = read_message_view(message);
            REQUIRE(cairn::mime::is_valid_utf8(view.text));
            for (const auto& attachment : view.attachments) {
                const auto data = attachment_data(message, attachment.index);
                REQUIRE(data.has_value());
                CHECK(data->size() == attachment.size);
            }
            ++message_count;
        }
    }
    MESSAGE("mbox sweep: " << message_count << " messages");
    // 39 lines start with "From " in the four files (29 + 4 + 3 + 3).
    CHECK(message_count == 39);
}

}
