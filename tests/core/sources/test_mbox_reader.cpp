// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/sources/mbox/mbox_reader.h"

using cairn::sources::mbox::MboxMessage;
using cairn::sources::mbox::MboxMessageHandler;
using cairn::sources::mbox::MboxReader;

namespace {

class Collector : public MboxMessageHandler {
public:
    bool on_mbox_message(MboxMessage&& message) override {
        messages.push_back(std::move(message));
        return stop_after == 0 || messages.size() < stop_after;
    }
    std::vector<MboxMessage> messages;
    std::size_t stop_after = 0;
};

std::vector<MboxMessage> split(std::string_view data) {
    Collector collector;
    MboxReader reader(collector);
    reader.feed(data);
    reader.finish();
    return std::move(collector.messages);
}

std::vector<std::string> bodies(const std::vector<MboxMessage>& messages) {
    std::vector<std::string> result;
    for (const MboxMessage& message : messages)
        result.push_back(message.bytes);
    return result;
}

using Bodies = std::vector<std::string>;
using namespace std::string_view_literals;

constexpr std::string_view SampleMbox =
    "From alice@example.org Mon Jan  1 00:00:00 2001\n"
    "Subject: one\n"
    "\n"
    "Body one.\n"
    "From the body, not a separator: no blank line before it\n"
    "\n"
    "From here on, still body: no date, next line is not a header\n"
    "still body\n"
    "\n"
    ">From quoted stays quoted\n"
    "\n"
    "From bob@example.org Tue Feb  2 10:20:30 2002\n"
    "Subject: two\n"
    "\n"
    "Body two.\n"
    "\n"
    "From carol Wed Mar  3 not a date\n"
    "Subject: three (split because a header follows)\n"
    "\n"
    "Body three \x00 with NUL and \xE9 8-bit."sv;

}  // namespace

TEST_SUITE("sources.mbox_reader") {

TEST_CASE("messages split only at From_ lines after a blank line with a date or a header next") {
    std::vector<MboxMessage> messages = split(SampleMbox);
    REQUIRE(messages.size() == 3);
    CHECK(messages[0].bytes ==
          "Subject: one\n\nBody one.\n"
          "From the body, not a separator: no blank line before it\n\n"
          "From here on, still body: no date, next line is not a header\nstill body\n\n"
          ">From quoted stays quoted");
    CHECK(messages[0].offset == 0);
    CHECK(messages[0].from_line == "From alice@example.org Mon Jan  1 00:00:00 2001");
    CHECK(messages[1].bytes == "Subject: two\n\nBody two.");
    CHECK(messages[1].offset == SampleMbox.find("From bob"));
    CHECK(messages[2].bytes == SampleMbox.substr(SampleMbox.find("Subject: three")));
    CHECK(messages[2].bytes.find('\0') != std::string::npos);
    CHECK(messages[2].offset == SampleMbox.find("From carol"));
}

TEST_CASE("the last message keeps its final newline and one without a final newline is kept as is") {
    CHECK(bodies(split("From a Mon Jan  1 00:00:00 2001\nA: 1\n\nx\n")) == Bodies{"A: 1\n\nx\n"});
    CHECK(bodies(split("From a Mon Jan  1 00:00:00 2001\nA: 1\n\nx")) == Bodies{"A: 1\n\nx"});
    CHECK(bodies(split("From a Mon Jan  1 00:00:00 2001\nA: 1\n\nx\n\n")) == Bodies{"A: 1\n\nx\n\n"});
}

TEST_CASE("a From_ line is consumed with its line break and an empty message is kept") {
    CHECK(bodies(split("From a")) == Bodies{""});
    CHECK(bodies(split("From a\n")) == Bodies{""});
    CHECK(bodies(split("From a\n\nFrom b Mon Jan  1 00:00:00 2001\nA: 1\n")) == Bodies{"", "A: 1\n"});
    CHECK(split("").empty());
}

TEST_CASE("CRLF mbox files lose only the last line feed before a separator") {
    std::vector<MboxMessage> messages =
        split("From a Mon Jan  1 00:00:00 2001\r\nA: 1\r\n\r\nbody\r\n\r\nFrom b Mon Jan  1 00:00:00 2001\r\nB: 2\r\n");
    CHECK(bodies(messages) == Bodies{"A: 1\r\n\r\nbody\r\n\r", "B: 2\r\n"});
    CHECK(messages[1].from_line == "From b Mon Jan  1 00:00:00 2001");
}

TEST_CASE("a UTF-8 byte order mark before the first From_ line is not part of any message") {
    std::vector<MboxMessage> messages = split("\xEF\xBB\xBF" "From a Mon Jan  1 00:00:00 2001\nA: 1\n");
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].bytes == "A: 1\n");
    CHECK(messages[0].offset == 3);
    CHECK(messages[0].from_line == "From a Mon Jan  1 00:00:00 2001");
}

TEST_CASE("a From line before a blank line needs a date or a header line to split") {
    // Followed by a body line: no split.
    CHECK(bodies(split("From a\nA: 1\n\nFrom someone\nhello\n")).size() == 1);
    // At the very end with nothing after it: no split.
    CHECK(bodies(split("From a\nA: 1\n\nFrom someone\n")) == Bodies{"A: 1\n\nFrom someone\n"});
    CHECK(bodies(split("From a\nA: 1\n\nFrom someone")) == Bodies{"A: 1\n\nFrom someone"});
    // A header on an unterminated last line still counts.
    CHECK(bodies(split("From a\nA: 1\n\nFrom someone\nB: 2")) == Bodies{"A: 1", "B: 2"});
    // A dated separator as the unterminated last line splits off an empty message.
    CHECK(bodies(split("From a\nA: 1\n\nFrom b Mon Jan  1 00:00:00 2001")) == Bodies{"A: 1", ""});
}

TEST_CASE("feeding the splitter at every chunk split point gives the same messages") {
    const std::string data = std::string(SampleMbox) +
                             "\r\n\r\nFrom d Mon Jan  1 00:00:00 2001\r\nX: y\r\n\r\nFrom e\r\nZ: 1\r\n\r\nend";
    const std::vector<MboxMessage> whole = split(data);
    REQUIRE(whole.size() == 5);
    for (std::size_t first = 0; first <= data.size(); ++first) {
        for (std::size_t second = first; second <= data.size(); second += 7) {
            Collector collector;
            MboxReader reader(collector);
            reader.feed(std::string_view(data).substr(0, first));
            reader.feed(std::string_view(data).substr(first, second - first));
            reader.feed(std::string_view(data).substr(second));
            reader.finish();
            REQUIRE(collector.messages.size() == whole.size());
            for (std::size_t index = 0; index < whole.size(); ++index) {
                CHECK(collector.messages[index].bytes == whole[index].bytes);
                CHECK(collector.messages[index].offset == whole[index].offset);
                CHECK(collector.messages[index].from_line == whole[index].from_line);
            }
        }
    }
}

TEST_CASE("feeding one byte at a time gives the same messages") {
    const std::vector<MboxMessage> whole = split(SampleMbox);
    Collector collector;
    MboxReader reader(collector);
    for (char byte : SampleMbox)
        reader.feed(std::string_view(&byte, 1));
    reader.finish();
    CHECK(bodies(collector.messages) == bodies(whole));
}

TEST_CASE("the splitter stops when the handler returns false") {
    Collector collector;
    collector.stop_after = 1;
    MboxReader reader(collector);
    CHECK_FALSE(reader.feed(SampleMbox));
    CHECK_FALSE(reader.finish());
    CHECK(collector.messages.size() == 1);
}

}
