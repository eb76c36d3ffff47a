// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "core/sources/mail_files.h"
#include "tests/core/sources/collecting_sink.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using namespace cairn::testing;
using sources::read_mail_path;
using sources::ReadOptions;

namespace {

const std::string MailA = "From: a@example.org\nSubject: A\n\nbody A\n";
const std::string MailB = "From: b@example.org\r\nSubject: B\r\n\r\nbody B\r\n";

/// A small tree: a Maildir with a Maildir++ folder, an mbox and files to skip.
void write_tree(const std::filesystem::path& root) {
    write_file(root / "box" / "cur" / "1.host:2,S", MailA);
    write_file(root / "box" / ".Sent" / "new" / "2.host", MailB);
    write_file(root / "box" / "tmp" / "3.host", MailA);
    write_file(root / "lists" / "dev.mbox",
               "From x Mon Jan  1 00:00:00 2001\n" + MailA + "\nFrom y Tue Jan  2 00:00:00 2001\n" + MailB);
    write_file(root / "lists" / "dev.mbox.msf", "index");
}

void check_tree_messages(const CollectingSink& sink, const std::string& archive_name) {
    CHECK(sink.failures.empty());
    REQUIRE(sink.messages.size() == 4);
    const sources::RawMessage* maildir_message = nullptr;
    int mbox_count = 0;
    for (const sources::RawMessage& message : sink.messages) {
        CHECK(message.source_path.find(archive_name + "!") != std::string::npos);
        if (message.folder == "tree/lists/dev") {
            ++mbox_count;
        } else if (message.folder == "tree/box") {
            maildir_message = &message;
        } else {
            CHECK(message.folder == "tree/box/Sent");
            CHECK(message.bytes == MailB);
        }
    }
    CHECK(mbox_count == 2);
    REQUIRE(maildir_message != nullptr);
    CHECK(maildir_message->bytes == MailA);
    CHECK(maildir_message->flags == std::vector<std::string>{"seen"});
    CHECK(sink.find(MailA) != nullptr);
    CHECK(sink.skipped.size() == 2);  // box/tmp/3.host and dev.mbox.msf
    REQUIRE(sink.asked.size() == 1);  // the archive is one file
    CHECK(sink.completed.size() == 1);
}

}  // namespace

TEST_SUITE("sources.archives") {

TEST_CASE("a .tar.zst archive is read as a directory tree, streamed from the archive") {
    TempDir temp;
    write_tree(temp.path() / "tree");
    const auto archive = temp.path() / "mail.tar.zst";
    REQUIRE(run_command("tar -C " + shell_quote(temp.path().string()) + " -cf - tree | zstd -q -o " +
                        shell_quote(archive.string())));
    CollectingSink sink;
    REQUIRE(read_mail_path(archive, ReadOptions{}, sink));
    check_tree_messages(sink, "mail.tar.zst");
}

TEST_CASE("a zip archive is read as a directory tree") {
    TempDir temp;
    write_tree(temp.path() / "tree");
    const auto archive = temp.path() / "mail.zip";
    REQUIRE(run_command("cd " + shell_quote(temp.path().string()) + " && zip -q -r mail.zip tree"));
    CollectingSink sink;
    REQUIRE(read_mail_path(archive, ReadOptions{}, sink));
    check_tree_messages(sink, "mail.zip");
}

TEST_CASE("an archive inside a directory gets a folder named after it") {
    TempDir temp;
    write_file(temp.path() / "src" / "a.eml", MailA);
    std::filesystem::create_directories(temp.path() / "in");
    REQUIRE(run_command("tar -C " + shell_quote((temp.path() / "src").string()) + " -czf " +
                        shell_quote((temp.path() / "in" / "old.tar.gz").string()) + " a.eml"));
    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path() / "in", ReadOptions{}, sink));
    REQUIRE(sink.messages.size() == 1);
    CHECK(sink.messages[0].folder == "old");
    CHECK(sink.messages[0].bytes == MailA);
}

TEST_CASE("a gzip-compressed mbox without tar is read as that mbox") {
    TempDir temp;
    write_file(temp.path() / "2007-May.txt",
               "From x Mon Jan  1 00:00:00 2001\n" + MailA + "\nFrom y Tue Jan  2 00:00:00 2001\n" + MailB);
    REQUIRE(run_command("gzip " + shell_quote((temp.path() / "2007-May.txt").string())));
    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path(), ReadOptions{}, sink));
    REQUIRE(sink.messages.size() == 2);
    CHECK(sink.messages[0].folder == "2007-May.txt");
    CHECK(sink.messages[1].bytes == MailB);
}

TEST_CASE("a truncated gzip tar reports the failure with its offset and keeps earlier messages") {
    TempDir temp;
    // Incompressible members, so the cut lands in the middle of the archive, after member 1.
    std::string noise;
    std::uint32_t state = 12345;
    for (int index = 0; index < 200'000; ++index) {
        state = state * 1103515245 + 12345;
        noise += static_cast<char>('a' + (state >> 16) % 26);
    }
    write_file(temp.path() / "src" / "1.eml", MailA + noise + "\n");
    write_file(temp.path() / "src" / "2.eml", MailB + noise + "x\n");
    write_file(temp.path() / "src" / "3.eml", MailA + noise + "y\n");
    const auto archive = temp.path() / "cut.tar.gz";
    REQUIRE(run_command("tar -C " + shell_quote((temp.path() / "src").string()) + " -czf " +
                        shell_quote(archive.string()) + " 1.eml 2.eml 3.eml"));
    const auto size = std::filesystem::file_size(archive);
    std::filesystem::resize_file(archive, size / 2);

    CollectingSink sink;
    REQUIRE(read_mail_path(archive, ReadOptions{}, sink));
    REQUIRE(sink.messages.size() == 1);
    CHECK(sink.messages[0].bytes == MailA + noise + "\n");
    REQUIRE(sink.failures.size() == 1);
    CHECK(sink.failures[0].source_path.find("cut.tar.gz!2.eml") != std::string::npos);
    // libarchive delivers a member's bytes in blocks, so the offset in the member may be 0; the
    // reason also names the position in the compressed archive file.
    CHECK(sink.failures[0].reason.find("truncated") != std::string::npos);
    CHECK(sink.failures[0].reason.find("at archive byte ") != std::string::npos);
    CHECK(sink.completed.empty());
}

}
