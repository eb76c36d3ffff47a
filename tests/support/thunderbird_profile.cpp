// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/thunderbird_profile.h"

#include <cstdio>

#include "tests/support/temp_dir.h"

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;

const char* const CorpusData = "thunderbird-comm-central/test/data/";

/// A corpus message without the From_ line some of the files start with.
std::string corpus_message(const fs::path& data, const std::string& name) {
    std::string bytes = read_file(data / name);
    if (bytes.starts_with("From "))
        bytes.erase(0, bytes.find('\n') + 1);
    return bytes;
}

/// Replaces the hexadecimal value of header NAME, keeping the line's ending.
void set_header_value(std::string& message, const std::string& name, const std::string& value) {
    std::size_t header_end = message.find("\n\n");
    if (header_end == std::string::npos)
        header_end = message.find("\r\n\r\n");
    std::size_t start = message.find(name + ": ");
    while (start != std::string::npos && start != 0 && message[start - 1] != '\n')
        start = message.find(name + ": ", start + 1);
    if (start == std::string::npos || start > header_end) {
        std::string ending = message.find("\r\n") < message.find('\n') + 1 ? "\r\n" : "\n";
        message.insert(0, name + ": " + value + ending);
        return;
    }
    std::size_t value_start = start + name.size() + 2;
    std::size_t value_end = message.find_first_of("\r\n", value_start);
    message.replace(value_start, value_end - value_start, value);
}

std::string with_status(std::string message, unsigned status, unsigned status2 = 0) {
    char status_text[16];
    char status2_text[16];
    std::snprintf(status_text, sizeof status_text, "%04x", status);
    std::snprintf(status2_text, sizeof status2_text, "%08x", status2);
    set_header_value(message, "X-Mozilla-Status2", status2_text);
    set_header_value(message, "X-Mozilla-Status", status_text);
    return message;
}

/// An mbox as Thunderbird writes it: "From - date" lines, a blank line after each message.
std::string mbox_of(const std::vector<const ProfileMessage*>& messages) {
    std::string mbox;
    for (const ProfileMessage* message : messages)
        mbox += "From - Sat Nov 27 10:00:00 2021\n" + message->bytes + "\n";
    return mbox;
}

}  // namespace

std::map<std::string, std::size_t> TestProfile::expected_counts() const {
    std::map<std::string, std::size_t> counts;
    for (const ProfileMessage& message : messages) {
        if (!message.expunged)
            ++counts[message.folder];
    }
    return counts;
}

std::size_t TestProfile::expunged_count() const {
    std::size_t count = 0;
    for (const ProfileMessage& message : messages)
        count += message.expunged ? 1 : 0;
    return count;
}

std::optional<TestProfile> build_thunderbird_profile(const fs::path& home) {
    std::optional<fs::path> data = corpus_path(CorpusData);
    std::optional<fs::path> mu = corpus_path("mu/testdir/cur");
    if (!data || !mu)
        return std::nullopt;
    TestProfile built;
    built.home = home;
    built.installation = home / ".thunderbird";
    built.profile = built.installation / "t5l8wxyz.default-release";
    built.other_profile = built.installation / "k9x2abcd.default";
    const fs::path& profile = built.profile;

    write_file(built.installation / "profiles.ini",
               "[Profile1]\nName=default\nIsRelative=1\nPath=k9x2abcd.default\n\n"
               "[Profile0]\nName=default-release\nIsRelative=1\nPath=t5l8wxyz.default-release\n\n"
               "[Install6F193CCC56814779]\nDefault=t5l8wxyz.default-release\nLocked=1\n\n"
               "[General]\nStartWithLastProfile=1\nVersion=2\n");
    write_file(built.installation / "Crash Reports" / "InstallTime20211110", "1637999000");
    write_file(built.installation / "Pending Pings" / "0f1e2d3c.json", "{}");
    write_file(built.installation / "installs.ini", "[6F193CCC56814779]\nDefault=t5l8wxyz.default-release\nLocked=1\n");
    write_file(profile / "prefs.js",
               "// Mozilla User Preferences\n\n"
               "user_pref(\"mail.account.account1.server\", \"server1\");\n"
               "user_pref(\"mail.account.account2.server\", \"server2\");\n"
               "user_pref(\"mail.account.account3.server\", \"server3\");\n"
               "user_pref(\"mail.accountmanager.accounts\", \"account2,account3,account1\");\n"
               "user_pref(\"mail.accountmanager.localfoldersserver\", \"server1\");\n"
               // Copied from another machine: only the relative directory is right here.
               "user_pref(\"mail.server.server1.directory\", \"/home/someone/.thunderbird/x.default/Mail/Local Folders\");\n"
               "user_pref(\"mail.server.server1.directory-rel\", \"[ProfD]Mail/Local Folders\");\n"
               "user_pref(\"mail.server.server1.hostname\", \"Local Folders\");\n"
               "user_pref(\"mail.server.server1.name\", \"Local Folders\");\n"
               "user_pref(\"mail.server.server1.type\", \"none\");\n"
               "user_pref(\"mail.server.server1.userName\", \"nobody\");\n"
               "user_pref(\"mail.server.server2.directory-rel\", \"[ProfD]ImapMail/imap.example.com\");\n"
               "user_pref(\"mail.server.server2.hostname\", \"imap.example.com\");\n"
               "user_pref(\"mail.server.server2.name\", \"ann@example.com\");\n"
               "user_pref(\"mail.server.server2.type\", \"imap\");\n"
               "user_pref(\"mail.server.server2.userName\", \"ann\");\n"
               "user_pref(\"mail.server.server3.directory-rel\", \"[ProfD]Mail/pop.example.net\");\n"
               "user_pref(\"mail.server.server3.hostname\", \"pop.example.net\");\n"
               "user_pref(\"mail.server.server3.name\", \"Ann at example.net\");\n"
               "user_pref(\"mail.server.server3.storeContractID\", \"@mozilla.org/msgstore/maildirstore;1\");\n"
               "user_pref(\"mail.server.server3.type\", \"pop3\");\n");

    auto add = [&built, &data](const std::string& folder, const std::string& corpus_name, unsigned status,
                               unsigned status2, std::vector<std::string> flags) {
        ProfileMessage message;
        message.folder = folder;
        message.bytes = with_status(corpus_message(*data, corpus_name), status, status2);
        message.flags = std::move(flags);
        message.expunged = (status & 0x0008) != 0;
        built.messages.push_back(std::move(message));
        return built.messages.size() - 1;
    };
    const std::string imap = "ann@example.com";
    std::vector<std::size_t> inbox{add(imap + "/INBOX", "bugmail1", 0x0001, 0, {"seen"}),
                                   add(imap + "/INBOX", "bugmail2", 0x0003, 0, {"seen", "answered"}),
                                   add(imap + "/INBOX", "bugmail3", 0x0009, 0, {}),
                                   add(imap + "/INBOX", "bugmail4", 0x0005, 0, {"seen", "flagged"})};
    std::vector<std::size_t> work{add(imap + "/INBOX/Work", "bugmail5", 0x1001, 0, {"seen", "forwarded"}),
                                  add(imap + "/INBOX/Work", "bugmail8", 0x0000, 0x00200000, {"deleted"})};
    std::vector<std::size_t> drafts{add(imap + "/Entwürfe", "draft1", 0x0000, 0, {})};
    // A name with ':' cannot be a Windows file name: Thunderbird hashes it, and only its
    // folderCache.json (or the .msf) still knows it.
    const std::string hashed_file = "Quarterly reports a1b2c3d4";
    std::vector<std::size_t> hashed{add(imap + "/INBOX/Q3: reports for the board", "SenderHeader", 0x0001, 0, {"seen"})};
    const std::string local = "Local Folders";
    std::vector<std::size_t> local_inbox{add(local + "/Inbox", "bugmail6", 0x0001, 0, {"seen"}),
                                         add(local + "/Inbox", "bugmail7", 0x0003, 0, {"seen", "answered"}),
                                         add(local + "/Inbox", "bugmail10", 0x0004, 0, {"flagged"})};
    std::vector<std::size_t> trash{add(local + "/Trash", "bugmail11", 0x0009, 0, {}),
                                   add(local + "/Trash", "bugmail12", 0x0001, 0, {"seen"})};
    std::vector<std::size_t> archive{add("old.example.org/Archive", "bug513543", 0x0001, 0, {"seen"})};
    auto mbox = [&built](const std::vector<std::size_t>& indexes) {
        std::vector<const ProfileMessage*> messages;
        for (std::size_t index : indexes)
            messages.push_back(&built.messages[index]);
        return mbox_of(messages);
    };
    const std::string msf = read_file(*data / "bugmail-1.msf");

    const fs::path imap_directory = profile / "ImapMail" / "imap.example.com";
    write_file(imap_directory / "INBOX", mbox(inbox));
    write_file(imap_directory / "INBOX.msf", msf);
    write_file(imap_directory / "INBOX.sbd" / "Work", mbox(work));
    write_file(imap_directory / "INBOX.sbd" / "Work.msf", msf);
    write_file(imap_directory / "INBOX.sbd" / hashed_file, mbox(hashed));
    write_file(imap_directory / "INBOX.sbd" / (hashed_file + ".msf"), msf);
    write_file(imap_directory / "Entw&APw-rfe", mbox(drafts));
    write_file(imap_directory / "Entw&APw-rfe.msf", msf);
    write_file(imap_directory / "Empty", "");
    write_file(imap_directory / "Empty.msf", msf);
    write_file(imap_directory / "msgFilterRules.dat", "version=\"9\"\nlogging=\"yes\"\n");
    write_file(imap_directory / "filterlog.html", "<!DOCTYPE html>\n<p>Applied filter \"x\" to message from a@b</p>\n");
    // A compaction in progress: a copy Thunderbird renames over INBOX when it is done.
    write_file(imap_directory / "nstmp", mbox(inbox));

    const fs::path local_directory = profile / "Mail" / "Local Folders";
    write_file(local_directory / "Inbox", mbox(local_inbox));
    write_file(local_directory / "Inbox.msf", msf);
    write_file(local_directory / "Trash", mbox(trash));
    write_file(local_directory / "Trash.msf", msf);
    write_file(local_directory / "Unsent Messages", "");
    write_file(local_directory / "msgFilterRules.dat", read_file(*data / ".." / ".." / "addrbook/test/unit/data/msgFilterRules.dat"));
    write_file(profile / "Mail" / "old.example.org" / "Archive", mbox(archive));

    // Thunderbird's maildir store names files without Maildir info: flags are in the headers.
    const fs::path pop_directory = profile / "Mail" / "pop.example.net";
    const std::string pop = "Ann at example.net";
    std::size_t seen_flagged = add(pop + "/Inbox", "bugmail19", 0x0005, 0, {"seen", "flagged"});
    std::size_t unread = add(pop + "/Inbox", "bug505221", 0x0000, 0, {});
    write_file(pop_directory / "Inbox" / "cur" / "1637999000.M1P42.host", built.messages[seen_flagged].bytes);
    write_file(pop_directory / "Inbox" / "new" / "1637999001.M2P42.host", built.messages[unread].bytes);
    write_file(pop_directory / "Inbox" / "tmp" / "1637999002.M3P42.host", "From: half@written\n");
    write_file(pop_directory / "Inbox.msf", msf);
    for (const char* name : {"1220863087.12663_7.mindcrime!2,RS", "1220863087.12663_15.mindcrime!2,PS"}) {
        ProfileMessage message;
        message.folder = pop + "/Inbox/Lists";
        message.bytes = read_file(*mu / name);
        message.flags = std::string(name).ends_with("RS") ? std::vector<std::string>{"seen", "answered"}
                                                          : std::vector<std::string>{"seen", "forwarded"};
        write_file(pop_directory / "Inbox.sbd" / "Lists" / "cur" / name, message.bytes);
        built.messages.push_back(std::move(message));
    }
    write_file(pop_directory / "Inbox.sbd" / "Lists.msf", msf);
    write_file(pop_directory / "popstate.dat", "# POP3 State File\nk ann pop.example.net\n");

    // Thunderbird's real folderCache.json, with this profile's hashed folder added; its keys
    // name the profile where it was written, not where it is now.
    std::string folder_cache = read_file(*data / ".." / ".." / "base/test/unit/data/folderCache.json");
    folder_cache.insert(folder_cache.find('{') + 1,
                        "\n  \"C:\\\\Users\\\\ann\\\\AppData\\\\Roaming\\\\Thunderbird\\\\Profiles\\\\"
                        "t5l8wxyz.default-release\\\\ImapMail\\\\imap.example.com\\\\INBOX.sbd\\\\" +
                            hashed_file + ".msf\": {\"hierDelim\": 47, \"onlineName\": \"INBOX/Q3: reports for the board\", "
                                          "\"totalMsgs\": 1, \"flags\": 4, \"nested\": {\"a\": [1, \"b\"]}},");
    write_file(profile / "folderCache.json", folder_cache);
    write_file(profile / "session.json", "{}\n");
    write_file(profile / "places.sqlite", std::string("SQLite format 3\0", 16) + std::string(100, '\0'));
    write_file(profile / "times.json", "{\"created\":1637999000000}\n");

    write_file(built.other_profile / "prefs.js",
               "user_pref(\"mail.accountmanager.accounts\", \"account1\");\n"
               "user_pref(\"mail.account.account1.server\", \"server1\");\n"
               "user_pref(\"mail.server.server1.name\", \"Local Folders\");\n"
               "user_pref(\"mail.server.server1.type\", \"none\");\n"
               "user_pref(\"mail.server.server1.directory-rel\", \"[ProfD]Mail/Local Folders\");\n");
    write_file(built.other_profile / "Mail" / "Local Folders" / "Inbox", "");
    write_file(built.other_profile / "Mail" / "Local Folders" / "Trash", "");
    return built;
}

std::map<std::string, std::string> snapshot_tree(const fs::path& directory) {
    std::map<std::string, std::string> files;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(directory)) {
        if (entry.is_regular_file())
            files[fs::relative(entry.path(), directory).string()] = read_file(entry.path());
        else if (entry.is_directory())
            files[fs::relative(entry.path(), directory).string() + "/"] = "";
    }
    return files;
}

}  // namespace cairn::testing
