// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "core/sources/mail_files.h"
#include "core/sources/maildir/maildir_flags.h"
#include "tests/core/sources/collecting_sink.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using namespace cairn::testing;
using sources::read_mail_path;
using sources::ReadOptions;

namespace {

const std::string MailA = "From: a@example.org\nSubject: A\n\nbody A\n";
const std::string MailB = "From: b@example.org\r\nSubject: B\r\n\r\nbody B\r\n";
const std::string MailC = "Subject: C\n\nbody C\n";

bool has_flags(const sources::RawMessage& message, std::vector<std::string> expected) {
    return message.flags == expected;
}

}  // namespace

TEST_SUITE("sources.mail_files") {

TEST_CASE("Maildir flags are read from the info part after :2, ;2, or !2,") {
    using sources::maildir::flags_from_file_name;
    CHECK(flags_from_file_name("123.host:2,FRS") == std::vector<std::string>{"seen", "answered", "flagged"});
    CHECK(flags_from_file_name("123.host;2,TDP") == std::vector<std::string>{"draft", "deleted", "forwarded"});
    CHECK(flags_from_file_name("123.host!2,Sabc") == std::vector<std::string>{"seen"});
    CHECK(flags_from_file_name("123.host,S=1000,W=1030;2,RDF,") ==
          std::vector<std::string>{"answered", "flagged", "draft"});
    CHECK(flags_from_file_name("123.host").empty());
    CHECK(flags_from_file_name("123.host:2,").empty());
}

TEST_CASE("a Maildir with Maildir++ subfolders maps to folders and skips tmp") {
    TempDir temp;
    const auto root = temp.path() / "mail";
    write_file(root / "cur" / "1.host:2,FS", MailA);
    write_file(root / "new" / "2.host", MailB);
    write_file(root / "tmp" / "3.host", MailC);
    write_file(root / ".Work.Projects" / "cur" / "4.host!2,R", MailC);
    write_file(root / ".Work.Projects" / "maildirfolder", "");
    write_file(root / ".Work" / "new" / "5.host;2,T", "X-Empty: yes\n\n");

    CollectingSink sink;
    REQUIRE(read_mail_path(root, ReadOptions{}, sink));
    REQUIRE(sink.messages.size() == 4);
    const sources::RawMessage* a = sink.find(MailA);
    REQUIRE(a != nullptr);
    CHECK(a->folder == "");
    CHECK(has_flags(*a, {"seen", "flagged"}));
    CHECK(a->received_time.has_value());
    REQUIRE(sink.find(MailB) != nullptr);
    CHECK(sink.find(MailB)->flags.empty());
    const sources::RawMessage* c = sink.find(MailC);
    REQUIRE(c != nullptr);
    CHECK(c->folder == "Work/Projects");
    CHECK(has_flags(*c, {"answered"}));
    REQUIRE(sink.find("X-Empty: yes\n\n") != nullptr);
    CHECK(sink.find("X-Empty: yes\n\n")->folder == "Work");
    // tmp is skipped, not failed; the empty maildirfolder marker is an empty file.
    CHECK(std::ranges::any_of(sink.skipped, [](const std::string& text) { return text.find("/tmp (") != std::string::npos; }));
}

TEST_CASE("a directory tree maps sub-directories, mbox files and Thunderbird .sbd to folders") {
    TempDir temp;
    const auto root = temp.path();
    write_file(root / "top.eml", MailA);
    write_file(root / "Archive" / "2020" / "note.eml", MailB);
    write_file(root / "profile" / "Inbox", "From x Mon Jan  1 00:00:00 2001\n" + MailC);
    write_file(root / "profile" / "Inbox.msf", "// mork index");
    write_file(root / "profile" / "Inbox.sbd" / "Work.mbox", "From y Mon Jan  1 00:00:00 2001\n" + MailA);
    write_file(root / "profile" / "folderCache.json", "{}");
    write_file(root / "profile" / ".hidden", MailA);
    write_file(root / "README", "not mail");
    write_file(root / "profile" / "Inbox.mozmsgs" / "x.wdseml", MailA);

    CollectingSink sink;
    REQUIRE(read_mail_path(root, ReadOptions{}, sink));
    CHECK(sink.failures.empty());
    REQUIRE(sink.messages.size() == 4);
    // Sorted walk: files of a directory and its sub-directories in name order.
    CHECK(sink.messages[0].folder == "Archive/2020");
    CHECK(sink.messages[1].folder == "profile/Inbox");
    CHECK(sink.messages[1].bytes == MailC);
    CHECK(sink.messages[1].received_time == 978307200);
    CHECK(sink.messages[1].offset == 0);
    CHECK(sink.messages[2].folder == "profile/Inbox/Work");
    CHECK(sink.messages[3].folder == "");
    CHECK(sink.messages[3].source_path == (root / "top.eml").lexically_normal().string());
    CHECK(sink.skipped.size() == 5);
    CHECK(sink.completed.size() == 4);
}

TEST_CASE("a single file given as the path goes to the root folder") {
    TempDir temp;
    write_file(temp.path() / "box.mbox", "From x Mon Jan  1 00:00:00 2001\n" + MailA + "\nFrom y Mon Jan  1 00:00:00 2001\n" + MailB);
    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path() / "box.mbox", ReadOptions{}, sink));
    REQUIRE(sink.messages.size() == 2);
    CHECK(sink.messages[0].folder == "");
    // The line break before the next separator belongs to the mbox format, as in the oracle.
    CHECK(sink.messages[0].bytes == MailA.substr(0, MailA.size() - 1));
    CHECK(sink.messages[1].bytes == MailB);
    REQUIRE(sink.completed.size() == 1);
    CHECK(sink.completed[0].path == (temp.path() / "box.mbox").string());
    CHECK(sink.completed[0].size > 0);
    CHECK(sink.completed[0].modified_ns > 0);
}

TEST_CASE("an Apple emlx file yields the byte-counted message and its flags") {
    TempDir temp;
    const std::string plist =
        "<?xml version=\"1.0\"?>\n<plist><dict><key>flags</key><integer>17</integer></dict></plist>\n";
    write_file(temp.path() / "1.emlx", std::to_string(MailA.size()) + "\n" + MailA + plist);
    // Renamed, but the content fits the emlx shape.
    write_file(temp.path() / "2", std::to_string(MailB.size()) + "  \n" + MailB + plist);
    // Starts with a number but is not an emlx: one message, kept whole.
    write_file(temp.path() / "3", "42\nnot an emlx\n");
    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path(), ReadOptions{}, sink));
    REQUIRE(sink.messages.size() == 3);
    CHECK(sink.messages[0].bytes == MailA);
    CHECK(has_flags(sink.messages[0], {"seen", "flagged"}));
    CHECK(sink.messages[1].bytes == MailB);
    CHECK(sink.messages[2].bytes == "42\nnot an emlx\n");
}

TEST_CASE("plainly non-mail files are refused with a reason and odd mail is kept") {
    TempDir temp;
    write_file(temp.path() / "empty.eml", "");
    write_file(temp.path() / "photo.eml", std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11));
    write_file(temp.path() / "blob", std::string("\x01\x02\x00\x00garbage", 11));
    write_file(temp.path() / "a-headerless", "c\n");
    write_file(temp.path() / "b-leading-blank", "\r\nThis message has no headers.\r\n");
    write_file(temp.path() / "c-broken", "Fro :uMmlti Sender <multi@example.test>\nTo: x\n\nbody\n");
    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path(), ReadOptions{}, sink));
    CHECK(sink.messages.size() == 3);
    REQUIRE(sink.failures.size() == 3);
    CHECK(sink.failures[0].reason == "not a mail message (looks like binary data)");
    CHECK(sink.failures[1].reason == "empty file");
    CHECK(sink.failures[2].reason == "not a mail message (looks like a JPEG image)");
    CHECK(sink.failures[2].source_path.ends_with("photo.eml"));
}

TEST_CASE("a missing path is an error and an unreadable file inside is a failure") {
    TempDir temp;
    CollectingSink sink;
    Result<void> result = read_mail_path(temp.path() / "missing", ReadOptions{}, sink);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::NotFound);

    if (::geteuid() != 0) {
        write_file(temp.path() / "locked.eml", MailA);
        std::filesystem::permissions(temp.path() / "locked.eml", std::filesystem::perms::none);
        CollectingSink inner;
        REQUIRE(read_mail_path(temp.path(), ReadOptions{}, inner));
        CHECK(inner.failures.size() == 1);
        Result<void> root = read_mail_path(temp.path() / "locked.eml", ReadOptions{}, inner);
        REQUIRE_FALSE(root);
        CHECK(root.error().code == ErrorCode::PermissionDenied);
    }
}

TEST_CASE("files the sink declines are not opened and not completed") {
    TempDir temp;
    write_file(temp.path() / "a.eml", MailA);
    write_file(temp.path() / "b.eml", MailB);
    CollectingSink sink;
    sink.refuse_path_containing = "a.eml";
    REQUIRE(read_mail_path(temp.path(), ReadOptions{}, sink));
    CHECK(sink.asked.size() == 2);
    REQUIRE(sink.messages.size() == 1);
    CHECK(sink.messages[0].bytes == MailB);
    CHECK(sink.completed.size() == 1);
}

TEST_CASE("reading stops when the sink returns false or the token is cancelled") {
    TempDir temp;
    write_file(temp.path() / "a.eml", MailA);
    write_file(temp.path() / "b.eml", MailB);
    write_file(temp.path() / "c.eml", MailC);
    CollectingSink stopping;
    stopping.stop_after = 1;
    CHECK(read_mail_path(temp.path(), ReadOptions{}, stopping));
    CHECK(stopping.messages.size() == 1);

    CancellationToken token;
    token.cancel();
    CollectingSink cancelled;
    Result<void> result = read_mail_path(temp.path(), ReadOptions{&token}, cancelled);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::Cancelled);
    CHECK(cancelled.messages.empty());
}

TEST_CASE("a large mbox is streamed across chunk boundaries without losing bytes") {
    TempDir temp;
    std::string mbox;
    std::vector<std::string> expected;
    for (int index = 0; index < 400; ++index) {
        std::string body = "Subject: " + std::to_string(index) + "\n\n" + std::string(10'000 + index * 13, 'x') + "\n";
        expected.push_back(body);
        mbox += "From s Mon Jan  1 00:00:00 2001\n" + body + "\n";
    }
    expected.back() += "\n";  // the last message keeps the trailing blank line
    write_file(temp.path() / "big", mbox);
    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path() / "big", ReadOptions{}, sink));
    REQUIRE(sink.messages.size() == expected.size());
    for (std::size_t index = 0; index < expected.size(); ++index) {
        std::string body = expected[index];
        if (index + 1 < expected.size())
            body.pop_back();  // the line break before the next separator belongs to the mbox
        CHECK(sink.messages[index].bytes == body);
    }
}

}
