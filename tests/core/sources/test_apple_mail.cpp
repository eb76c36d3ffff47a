// SPDX-License-Identifier: GPL-3.0-or-later
// Apple Mail: exported .mbox packages, Mail's own Vn store of .emlx files, and emlx flags.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "core/sources/mail_files.h"
#include "tests/core/sources/collecting_sink.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using namespace cairn::sources;
using namespace cairn::testing;

namespace {

std::string emlx(const std::string& message, int flags) {
    return std::to_string(message.size()) + "\n" + message +
           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
           "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n"
           "\t<key>date-received</key>\n\t<integer>1637999000</integer>\n\t<key>flags</key>\n\t<integer>" +
           std::to_string(flags) + "</integer>\n</dict>\n</plist>\n";
}

std::map<std::string, std::size_t> counts_by_folder(const CollectingSink& sink) {
    std::map<std::string, std::size_t> counts;
    for (const RawMessage& message : sink.messages)
        ++counts[message.folder];
    return counts;
}

const std::string UuidDirectory = "9A2C54E1-2F1B-4B7C-9A4E-0C2D1E3F4A5B";

}  // namespace

TEST_SUITE("sources.apple_mail") {
TEST_CASE("an exported .mbox package is one folder named after the package") {
    TempDir temp;
    const auto package = temp.path() / "export" / "Projects.mbox";
    write_file(package / "mbox", "From a@b Mon Jan  1 00:00:00 2001\nSubject: one\n\nbody\n\n"
                                 "From a@b Mon Jan  1 00:00:00 2001\nSubject: two\n\nbody\n");
    write_file(package / "Info.plist", "<?xml version=\"1.0\"?><plist><dict/></plist>\n");
    write_file(package / "table_of_contents", std::string("\x00\x01\x02\x03binary index", 16));
    write_file(temp.path() / "export" / "Projects.mbox" / "Old.mbox" / "mbox",
               "From a@b Mon Jan  1 00:00:00 2001\nSubject: nested\n\nbody\n");
    write_file(temp.path() / "export" / "Empty.mbox" / "mbox", "");

    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path() / "export", ReadOptions{}, sink));
    CHECK(sink.failures.empty());
    CHECK(counts_by_folder(sink) == std::map<std::string, std::size_t>{{"Projects", 2}, {"Projects/Old", 1}});
    CHECK(std::any_of(sink.skipped.begin(), sink.skipped.end(), [](const std::string& item) {
        return item.find("Empty.mbox/mbox (an empty folder)") != std::string::npos;
    }));

    CollectingSink package_only;
    REQUIRE(read_mail_path(package, ReadOptions{}, package_only));
    CHECK(package_only.failures.empty());
    CHECK(counts_by_folder(package_only) == std::map<std::string, std::size_t>{{"", 2}, {"Old", 1}});
}

TEST_CASE("Mail's V10 store maps to account/mailbox, without its storage directories") {
    TempDir temp;
    const auto v10 = temp.path() / "Mail" / "V10";
    const auto inbox = v10 / "IMAP-ann@imap.example.com" / "INBOX.mbox" / UuidDirectory / "Data";
    write_file(inbox / "Messages" / "1.emlx", emlx("Subject: one\n\nbody\n", 1 | (1 << 2)));
    write_file(inbox / "1" / "Messages" / "12.emlx", emlx("Subject: twelve\n\nbody\n", 1 << 4));
    write_file(inbox / "4" / "3" / "Messages" / "345.partial.emlx", emlx("Subject: partial\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\ntext\n--b--\n", 0));
    write_file(inbox / "4" / "3" / "Attachments" / "345" / "2" / "report.pdf", "%PDF-1.4 binary");
    write_file(inbox.parent_path().parent_path() / "Info.plist", "<?xml version=\"1.0\"?><plist/>\n");
    const auto nested = v10 / "IMAP-ann@imap.example.com" / "Archive.mbox" / "2019.mbox" / UuidDirectory / "Data" /
                        "Messages" / "7.emlx";
    write_file(nested, emlx("Subject: seven\n\nbody\n", 1 << 1));
    write_file(v10 / "MailData" / "Envelope Index", std::string("SQLite format 3\0", 16) + std::string(64, '\0'));

    CollectingSink sink;
    REQUIRE(read_mail_path(v10, ReadOptions{}, sink));
    for (const auto& failure : sink.failures)
        INFO(failure.source_path << ": " << failure.reason);
    CHECK(sink.failures.empty());
    CHECK(counts_by_folder(sink) == std::map<std::string, std::size_t>{
                                        {"IMAP-ann@imap.example.com/INBOX", 3},
                                        {"IMAP-ann@imap.example.com/Archive/2019", 1}});
    const RawMessage* one = sink.find("Subject: one\n\nbody\n");
    REQUIRE(one != nullptr);
    CHECK(one->flags == std::vector<std::string>{"seen", "answered"});
    const RawMessage* twelve = sink.find("Subject: twelve\n\nbody\n");
    REQUIRE(twelve != nullptr);
    CHECK(twelve->flags == std::vector<std::string>{"flagged"});
    const RawMessage* seven = sink.find("Subject: seven\n\nbody\n");
    REQUIRE(seven != nullptr);
    CHECK(seven->flags == std::vector<std::string>{"deleted"});
    CHECK(std::any_of(sink.skipped.begin(), sink.skipped.end(),
                      [](const std::string& item) { return item.find("/Attachments (") != std::string::npos; }));
    CHECK(std::any_of(sink.skipped.begin(), sink.skipped.end(),
                      [](const std::string& item) { return item.find("MailData (") != std::string::npos; }));
    // The partial message is archived as Mail has it, and the import says so once.
    CHECK(sink.find("Subject: partial\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\ntext\n--b--\n") != nullptr);
    REQUIRE(sink.warnings.size() == 1);
    CHECK(sink.warnings[0].find("1 Apple Mail message (.partial.emlx) was archived as Mail keeps it") !=
          std::string::npos);
}
}
