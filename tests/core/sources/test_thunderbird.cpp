// SPDX-License-Identifier: GPL-3.0-or-later
// Thunderbird: modified UTF-7 names, X-Mozilla-Status flags, prefs.js, and whole profiles read
// by read_mail_path as Thunderbird shows them.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "core/sources/common/modified_utf7.h"
#include "core/sources/common/quoted_string.h"
#include "core/sources/thunderbird/folder_cache.h"
#include "core/sources/input_estimate.h"
#include "core/sources/mail_files.h"
#include "core/sources/thunderbird/mozilla_status.h"
#include "core/sources/thunderbird/prefs_file.h"
#include "core/sources/thunderbird/profile_layout.h"
#include "tests/core/sources/collecting_sink.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thunderbird_profile.h"

using namespace cairn;
using namespace cairn::sources;
using namespace cairn::testing;

namespace {

std::map<std::string, std::size_t> counts_by_folder(const CollectingSink& sink) {
    std::map<std::string, std::size_t> counts;
    for (const RawMessage& message : sink.messages)
        ++counts[message.folder];
    return counts;
}

bool skipped_contains(const CollectingSink& sink, const std::string& text) {
    return std::any_of(sink.skipped.begin(), sink.skipped.end(),
                       [&](const std::string& item) { return item.find(text) != std::string::npos; });
}

/// The archived message written as EXPECTED: an mbox gives a message without its last line break,
/// or for the file's last message with the blank line after it, so EXPECTED less its final '\n'
/// must start the bytes read.
const RawMessage* find_written(const CollectingSink& sink, const std::string& expected) {
    const std::string stem = expected.substr(0, expected.size() - 1);
    for (const RawMessage& message : sink.messages) {
        if (message.bytes.starts_with(stem) && message.bytes.size() <= expected.size() + 1)
            return &message;
    }
    return nullptr;
}

}  // namespace

TEST_SUITE("sources.thunderbird") {
TEST_CASE("modified UTF-7 names decode to UTF-8") {
    CHECK(decode_modified_utf7("Entw&APw-rfe") == "Entwürfe");
    CHECK(decode_modified_utf7("INBOX") == "INBOX");
    CHECK(decode_modified_utf7("Tom &- Jerry") == "Tom & Jerry");
    CHECK(decode_modified_utf7("&ZeVnLIqe-") == "日本語");
    CHECK(decode_modified_utf7("&2D3eAA-") == "\xF0\x9F\x98\x80");  // a surrogate pair (U+1F600)
    CHECK(decode_modified_utf7("Gel&APY-schte Elemente") == "Gelöschte Elemente");
}

TEST_CASE("names that are not valid modified UTF-7 are kept as they are") {
    CHECK_FALSE(decode_modified_utf7("A&B"));             // no closing '-'
    CHECK_FALSE(decode_modified_utf7("&AGE-"));           // printable ASCII ('a') inside a shift
    CHECK_FALSE(decode_modified_utf7("&2D0-"));           // a lone high surrogate
    CHECK_FALSE(decode_modified_utf7("&APx-"));           // padding bits not zero
    CHECK_FALSE(decode_modified_utf7("&A/w-"));           // '/' is not modified base64
    CHECK_FALSE(decode_modified_utf7("caf\xC3\xA9"));     // already 8-bit
    CHECK(display_mailbox_name("R&D") == "R&D");
    CHECK(display_mailbox_name("Entw&APw-rfe") == "Entwürfe");
    CHECK(display_mailbox_name("Entwürfe") == "Entwürfe");
    CHECK(thunderbird::folder_display_name("INBOX.sbd") == "INBOX");
    CHECK(thunderbird::folder_display_name("Entw&APw-rfe.sbd") == "Entwürfe");
}

TEST_CASE("X-Mozilla-Status bits become flags; the expunged bit is reported") {
    auto status = thunderbird::read_mozilla_status("X-Mozilla-Status: 1007\nX-Mozilla-Status2: 00200000\nSubject: x\n\nbody\n");
    REQUIRE(status);
    CHECK(status->flags == std::vector<std::string>{"seen", "answered", "flagged", "deleted", "forwarded"});
    CHECK_FALSE(status->expunged);
    auto expunged = thunderbird::read_mozilla_status("Subject: x\r\nx-mozilla-status: 0009\r\n\r\nbody\r\n");
    REQUIRE(expunged);
    CHECK(expunged->expunged);
    CHECK(expunged->flags == std::vector<std::string>{"seen"});
}

TEST_CASE("X-Mozilla-Status is looked for in the headers only, and must be hexadecimal") {
    CHECK_FALSE(thunderbird::read_mozilla_status("Subject: x\n\nX-Mozilla-Status: 0001\n"));
    CHECK_FALSE(thunderbird::read_mozilla_status("X-Mozilla-Status: xxxx\n\n"));
    CHECK_FALSE(thunderbird::read_mozilla_status("Subject: none\n\n"));
    auto zero = thunderbird::read_mozilla_status("X-Mozilla-Status: 0000\n\n");
    REQUIRE(zero);
    CHECK(zero->flags.empty());
}

TEST_CASE("prefs.js values are read with their escapes") {
    auto preferences = thunderbird::parse_preferences(
        "// Mozilla User Preferences\n"
        "user_pref(\"mail.server.server1.name\", \"Ann \\\"work\\\" \\u00e9\");\n"
        "user_pref(\"mail.server.server1.port\", 993);\n"
        "user_pref(\"mail.server.server1.directory\", \"C:\\\\Users\\\\ann\");\n"
        "  user_pref( 'mail.x' , true );\n"
        "this is not a preference\n");
    CHECK(thunderbird::preference(preferences, "mail.server.server1.name") == "Ann \"work\" é");
    CHECK(thunderbird::preference(preferences, "mail.server.server1.port") == "993");
    CHECK(thunderbird::preference(preferences, "mail.server.server1.directory") == "C:\\Users\\ann");
    CHECK(thunderbird::preference(preferences, "mail.x") == "true");
    CHECK(thunderbird::preference(preferences, "mail.absent").empty());
}

TEST_CASE("quoted strings of prefs.js and folderCache.json are unescaped to UTF-8") {
    auto read = [](std::string_view text) {
        std::size_t position = 0;
        std::optional<std::string> value = read_quoted_string(text, position);
        return value ? *value + "|" + std::string(text.substr(position)) : std::string("(none)");
    };
    CHECK(read(R"("a\"b\\c\/d" rest)") == "a\"b\\c/d| rest");
    CHECK(read(R"('single \u00e9')") == "single é|");
    CHECK(read(R"("\ud83d\ude00")") == "\xF0\x9F\x98\x80|");
    CHECK(read(R"("\ud83d\u0041")") == "\xEF\xBF\xBD" "A|");  // a lone high surrogate
    CHECK(read(R"("open)") == "(none)");
    CHECK(read(R"("\u12")") == "(none)");
    CHECK(read("") == "(none)");
}

TEST_CASE("a profile's accounts come in Thunderbird's order with their directories") {
    TempDir temp;
    auto built = build_thunderbird_profile(temp.path());
    if (!built)
        return;
    auto layout = thunderbird::read_profile_layout(built->profile);
    REQUIRE(layout);
    std::vector<std::string> names;
    for (const auto& account : layout->accounts)
        names.push_back(account.name);
    CHECK(names == std::vector<std::string>{"ann@example.com", "Ann at example.net", "Local Folders", "old.example.org"});
    CHECK(layout->accounts[0].directory == built->profile / "ImapMail" / "imap.example.com");
    CHECK(layout->accounts[1].store == thunderbird::MailStore::Maildir);
    CHECK(layout->accounts[2].directory == built->profile / "Mail" / "Local Folders");
    CHECK(layout->accounts[2].type == "none");
    CHECK(thunderbird::list_account_folders(layout->accounts[0].directory) ==
          std::vector<std::string>{"Empty", "Entwürfe", "INBOX", "INBOX/Quarterly reports a1b2c3d4", "INBOX/Work"});
    CHECK(thunderbird::list_account_folders(layout->accounts[1].directory) ==
          std::vector<std::string>{"Inbox", "Inbox/Lists"});
}

TEST_CASE("a profile is read as Thunderbird shows it: accounts, folders, flags, no expunged messages") {
    TempDir temp;
    auto built = build_thunderbird_profile(temp.path());
    if (!built)
        return;
    const auto before = snapshot_tree(built->installation);

    CollectingSink sink;
    REQUIRE(read_mail_path(built->profile, ReadOptions{}, sink));
    for (const auto& failure : sink.failures)
        INFO(failure.source_path << ": " << failure.reason);
    CHECK(sink.failures.empty());
    CHECK(counts_by_folder(sink) == built->expected_counts());

    for (const ProfileMessage& written : built->messages) {
        const RawMessage* read = find_written(sink, written.bytes);
        if (written.expunged) {
            CHECK_MESSAGE(read == nullptr, "an expunged message was archived from " << written.folder);
            continue;
        }
        REQUIRE_MESSAGE(read != nullptr, "a message of " << written.folder << " was not read");
        CHECK(read->folder == written.folder);
        CHECK(read->received_time.has_value());
        CHECK(read->flags == written.flags);
        // Byte for byte: Thunderbird's own headers stay in the archived message.
        if (written.bytes.find("X-Mozilla-Status") != std::string::npos)
            CHECK(read->bytes.find("X-Mozilla-Status") != std::string::npos);
    }
    CHECK(std::count_if(sink.skipped.begin(), sink.skipped.end(), [](const std::string& item) {
              return item.find("deleted in Thunderbird, not yet compacted") != std::string::npos;
          }) == static_cast<long>(built->expunged_count()));
    CHECK(skipped_contains(sink, "imap.example.com/Empty (an empty folder)"));
    CHECK(skipped_contains(sink, "Local Folders/Unsent Messages (an empty folder)"));
    CHECK(skipped_contains(sink, "nstmp (a Thunderbird compaction temporary"));
    CHECK(skipped_contains(sink, "filterlog.html"));
    CHECK(skipped_contains(sink, "popstate.dat"));
    CHECK(skipped_contains(sink, "INBOX.msf"));
    CHECK(skipped_contains(sink, "Inbox/tmp"));

    CHECK(snapshot_tree(built->installation) == before);
}

TEST_CASE("a directory holding profiles puts each profile's accounts below the profile's name") {
    TempDir temp;
    auto built = build_thunderbird_profile(temp.path());
    if (!built)
        return;
    CollectingSink sink;
    REQUIRE(read_mail_path(built->installation, ReadOptions{}, sink));
    CHECK(sink.failures.empty());
    std::map<std::string, std::size_t> expected;
    for (const auto& [folder, count] : built->expected_counts())
        expected["t5l8wxyz.default-release/" + folder] = count;
    CHECK(counts_by_folder(sink) == expected);
    // Beside the profiles, an installation holds no mail: crash reports are not messages.
    CHECK(skipped_contains(sink, "InstallTime20211110 (not mail: a Thunderbird installation"));

    CollectingSink home_sink;
    REQUIRE(read_mail_path(built->home, ReadOptions{}, home_sink));
    CHECK(home_sink.failures.empty());
    CHECK(home_sink.messages.size() == sink.messages.size());
}

TEST_CASE("an account directory, or any directory of a profile's mail, imported alone follows Thunderbird's conventions") {
    TempDir temp;
    auto built = build_thunderbird_profile(temp.path());
    if (!built)
        return;
    CollectingSink sink;
    REQUIRE(read_mail_path(built->profile / "ImapMail" / "imap.example.com", ReadOptions{}, sink));
    CHECK(sink.failures.empty());
    CHECK(counts_by_folder(sink) == std::map<std::string, std::size_t>{{"Entwürfe", 1},
                                                                       {"INBOX", 3},
                                                                       {"INBOX/Q3: reports for the board", 1},
                                                                       {"INBOX/Work", 2}});

    CollectingSink store_sink;
    REQUIRE(read_mail_path(built->profile / "ImapMail", ReadOptions{}, store_sink));
    CHECK(store_sink.failures.empty());
    CHECK(counts_by_folder(store_sink) == std::map<std::string, std::size_t>{
                                              {"imap.example.com/Entwürfe", 1},
                                              {"imap.example.com/INBOX", 3},
                                              {"imap.example.com/INBOX/Q3: reports for the board", 1},
                                              {"imap.example.com/INBOX/Work", 2}});
    CHECK(skipped_contains(store_sink, "filterlog.html"));

    CollectingSink file_sink;
    REQUIRE(read_mail_path(built->profile / "ImapMail" / "imap.example.com" / "INBOX", ReadOptions{}, file_sink));
    CHECK(file_sink.messages.size() == 3);
    CHECK(skipped_contains(file_sink, "(deleted in Thunderbird, not yet compacted away)"));

    CollectingSink sub_folder_sink;
    REQUIRE(read_mail_path(built->profile / "ImapMail" / "imap.example.com" / "INBOX.sbd", ReadOptions{}, sub_folder_sink));
    CHECK(counts_by_folder(sub_folder_sink) ==
          std::map<std::string, std::size_t>{{"Q3: reports for the board", 1}, {"Work", 2}});
}

TEST_CASE("X-Mozilla-Status applies to any mbox; outside a profile an expunged message is kept, deleted") {
    TempDir temp;
    write_file(temp.path() / "saved.mbox",
               "From - Mon Jan  1 00:00:00 2001\nX-Mozilla-Status: 0005\nSubject: kept\n\nbody\n\n"
               "From - Mon Jan  1 00:00:00 2001\nX-Mozilla-Status: 0009\nSubject: expunged\n\nbody\n");
    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path() / "saved.mbox", ReadOptions{}, sink));
    REQUIRE(sink.messages.size() == 2);
    CHECK(sink.messages[0].flags == std::vector<std::string>{"seen", "flagged"});
    CHECK(sink.messages[1].flags == std::vector<std::string>{"seen", "deleted"});
    CHECK(sink.skipped.empty());
}

TEST_CASE("messages Thunderbird downloaded only in part are archived, with one warning per folder") {
    TempDir temp;
    write_file(temp.path() / "Inbox",
               "From - Mon Jan  1 00:00:00 2001\nX-Mozilla-Status: 0401\nSubject: big\n\nfirst part\n\n"
               "From - Mon Jan  1 00:00:00 2001\nX-Mozilla-Status: 0401\nSubject: bigger\n\nfirst part\n\n"
               "From - Mon Jan  1 00:00:00 2001\nX-Mozilla-Status: 0001\nSubject: whole\n\nbody\n");
    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path() / "Inbox", ReadOptions{}, sink));
    CHECK(sink.messages.size() == 3);
    REQUIRE(sink.warnings.size() == 1);
    CHECK(sink.warnings[0].find("Inbox: 2 messages Thunderbird downloaded only in part") != std::string::npos);
    auto partial = thunderbird::read_mozilla_status("X-Mozilla-Status: 0401\n\n");
    REQUIRE(partial);
    CHECK(partial->partial);
    CHECK(partial->flags == std::vector<std::string>{"seen"});
}

TEST_CASE("Maildir flags in the file name win over X-Mozilla-Status") {
    TempDir temp;
    write_file(temp.path() / "box" / "cur" / "1.host:2,F", "X-Mozilla-Status: 0001\nSubject: s\n\nbody\n");
    write_file(temp.path() / "box" / "cur" / "2.host", "X-Mozilla-Status: 0003\nSubject: t\n\nbody\n");
    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path() / "box", ReadOptions{}, sink));
    REQUIRE(sink.messages.size() == 2);
    CHECK(sink.messages[0].flags == std::vector<std::string>{"flagged"});
    CHECK(sink.messages[1].flags == std::vector<std::string>{"seen", "answered"});
}

TEST_CASE("an mbox growing while it is read (Thunderbird running) is read without failure") {
    TempDir temp;
    const auto path = temp.path() / "INBOX";
    write_file(path, "From - Mon Jan  1 00:00:00 2001\nX-Mozilla-Status: 0001\nSubject: one\n\nbody\n");
    class AppendingSink : public CollectingSink {
    public:
        explicit AppendingSink(std::filesystem::path path) : m_path(std::move(path)) {}
        bool on_message(RawMessage&& message) override {
            if (messages.empty()) {
                std::ofstream out(m_path, std::ios::app | std::ios::binary);
                out << "\nFrom - Mon Jan  1 00:00:00 2001\nX-Mozilla-Status: 0000\nSubject: two\n\nbody\n";
            }
            return CollectingSink::on_message(std::move(message));
        }

    private:
        std::filesystem::path m_path;
    } sink(path);
    REQUIRE(read_mail_path(path, ReadOptions{}, sink));
    CHECK(sink.failures.empty());
    CHECK(sink.messages.size() >= 1);
}

TEST_CASE("an account whose directory is missing is passed over, named") {
    TempDir temp;
    write_file(temp.path() / "p" / "prefs.js",
               "user_pref(\"mail.server.server1.name\", \"gone@example.com\");\n"
               "user_pref(\"mail.server.server1.type\", \"imap\");\n"
               "user_pref(\"mail.server.server1.hostname\", \"imap.gone.example\");\n");
    write_file(temp.path() / "p" / "Mail" / "Local Folders" / "Inbox", "From - x\nSubject: a\n\nbody\n");
    CollectingSink sink;
    REQUIRE(read_mail_path(temp.path() / "p", ReadOptions{}, sink));
    CHECK(sink.failures.empty());
    CHECK(skipped_contains(sink, "the account \"gone@example.com\" keeps no mail on this disk"));
    REQUIRE(sink.messages.size() == 1);
    CHECK(sink.messages[0].folder == "Local Folders/Inbox");
}
TEST_CASE("accounts sharing a name are told apart; a directory shared by two servers is read once") {
    TempDir temp;
    const auto profile = temp.path() / "p";
    write_file(profile / "prefs.js",
               "user_pref(\"mail.accountmanager.accounts\", \"account1,account2,account3,account4\");\n"
               "user_pref(\"mail.account.account1.server\", \"server1\");\n"
               "user_pref(\"mail.account.account2.server\", \"server2\");\n"
               "user_pref(\"mail.account.account3.server\", \"server3\");\n"
               "user_pref(\"mail.account.account4.server\", \"server4\");\n"
               "user_pref(\"mail.server.server1.type\", \"none\");\n"
               "user_pref(\"mail.server.server2.name\", \"ann\");\n"
               "user_pref(\"mail.server.server2.type\", \"imap\");\n"
               "user_pref(\"mail.server.server2.hostname\", \"a.example\");\n"
               "user_pref(\"mail.server.server3.name\", \"ann\");\n"
               "user_pref(\"mail.server.server3.type\", \"imap\");\n"
               "user_pref(\"mail.server.server3.hostname\", \"b.example\");\n"
               // A POP account that delivers into Local Folders.
               "user_pref(\"mail.server.server4.type\", \"pop3\");\n"
               "user_pref(\"mail.server.server4.hostname\", \"pop.example\");\n"
               "user_pref(\"mail.server.server4.directory-rel\", \"[ProfD]Mail/Local Folders\");\n");
    const std::string one = "From - x\nSubject: a\n\nbody\n";
    write_file(profile / "Mail" / "Local Folders" / "Inbox", one);
    write_file(profile / "ImapMail" / "a.example" / "INBOX", one);
    write_file(profile / "ImapMail" / "b.example" / "INBOX", one);
    auto layout = thunderbird::read_profile_layout(profile);
    REQUIRE(layout);
    std::vector<std::string> names;
    for (const auto& account : layout->accounts)
        names.push_back(account.name);
    CHECK(names == std::vector<std::string>{"Local Folders", "ann", "ann (b.example)"});
    CollectingSink sink;
    REQUIRE(read_mail_path(profile, ReadOptions{}, sink));
    CHECK(counts_by_folder(sink) ==
          std::map<std::string, std::size_t>{{"Local Folders/Inbox", 1}, {"ann/INBOX", 1}, {"ann (b.example)/INBOX", 1}});
}
TEST_CASE("the bytes to read in a profile are those of its mail, not its databases") {
    TempDir temp;
    auto built = build_thunderbird_profile(temp.path());
    if (!built)
        return;
    std::uint64_t mail_bytes = 0;
    for (const char* store : {"Mail", "ImapMail"}) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(built->profile / store))
            mail_bytes += entry.is_regular_file() ? entry.file_size() : 0;
    }
    write_file(built->profile / "global-messages-db.sqlite", std::string(100000, 'x'));
    CHECK(estimate_input_bytes(built->profile) == mail_bytes);
    // Beside the profiles an installation holds no mail (the other profile's folders are empty).
    CHECK(estimate_input_bytes(built->installation) == mail_bytes);
    const auto inbox = built->profile / "ImapMail" / "imap.example.com" / "INBOX";
    CHECK(estimate_input_bytes(inbox) == std::filesystem::file_size(inbox));
}
TEST_CASE("hashed folder names are looked up in folderCache.json; a damaged cache names nothing") {
    const std::filesystem::path profile = "/home/ann/.thunderbird/p";
    auto names = thunderbird::FolderNames::parse(
        R"({"/elsewhere/p/ImapMail/imap.example.com/INBOX.sbd/Long name 0123abcd.msf":
              {"hierDelim": 46, "onlineName": "INBOX.Entw&APw-rfe und mehr", "x": [1, {"y": null}], "z": true},
            "/elsewhere/p/ImapMail/imap.example.com/Plain.msf": {"hierDelim": 47, "onlineName": "Other"},
            "/elsewhere/p/Mail/Local Folders/Trash 89abcdef.msf": {"onlineName": ""}})",
        profile);
    const auto imap = profile / "ImapMail" / "imap.example.com";
    CHECK(names.hashed_folder_name(imap / "INBOX.sbd" / "Long name 0123abcd") == "Entwürfe und mehr");
    CHECK(names.hashed_folder_name(imap / "INBOX.sbd" / "Long name 0123abcd.sbd") == "Entwürfe und mehr");
    // Only a hashed file name is renamed: a plain one is what Thunderbird shows.
    CHECK_FALSE(names.hashed_folder_name(imap / "Plain"));
    CHECK_FALSE(names.hashed_folder_name(profile / "Mail" / "Local Folders" / "Trash 89abcdef"));
    CHECK(thunderbird::looks_hashed("Trash 89abcdef"));
    CHECK_FALSE(thunderbird::looks_hashed("Trash 89ABCDEF"));
    CHECK_FALSE(thunderbird::looks_hashed("Archive"));

    for (std::string damaged : {"", "{", "{\"a\": {\"onlineName\": \"x\"", "[1, 2]", "{\"a\": tru", "\"\\u12"}) {
        auto none = thunderbird::FolderNames::parse(damaged, profile);
        CHECK_FALSE(none.hashed_folder_name(imap / "Long name 0123abcd"));
    }
}
}
