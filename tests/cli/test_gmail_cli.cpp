// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: the real binary archives a Gmail account (X-GM-EXT-1) once, from All Mail, and
// records each message's labels as folders. Gmail cannot be reached from the tests, so a fake
// that follows Google's documented IMAP extensions stands in (tests/support/fake_gmail_server).
#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>


#include "tests/cli/account_workspace.h"
#include "tests/support/fake_gmail_server.h"

using namespace cairn::testing;
using nlohmann::json;

namespace {

constexpr const char* Login = "alice@gmail.com";
constexpr const char* Password = "app password";
constexpr const char* AllMail = "[Gmail]/All Mail";

struct GmailWorkspace : AccountWorkspace {
    GmailWorkspace() : AccountWorkspace(Environment{{"CAIRN_ACCOUNT_PASSWORD", Password}}), server(Login, Password) {
        server.add_label("Work/Projects");
        server.add_label("&AMk-quipe");  // "Équipe" in modified UTF-7, as Gmail names labels
    }

    FakeGmailServer server;
    /// Archive folder -> SHA-256s of the messages the labels put there.
    FolderDigests expected;
    int count = 0;

    /// Subject -> the flags of its placement in FOLDER, from `cairn list`.
    std::map<std::string, std::string> flags_in(const std::string& folder) const {
        std::map<std::string, std::string> flags;
        const json listed = json_of({"list"});
        for (const json& message : listed["messages"])
            if (message["folder"] == "gmail/" + folder)
                flags[message["subject"].get<std::string>()] = message["flags"].get<std::string>();
        return flags;
    }

    /// Adds a message to the server and notes the archive folders it should end up in.
    void put(const std::string& bytes, std::vector<std::string> labels, std::vector<std::string> archive_folders,
             FakeGmailServer::Location location = FakeGmailServer::Location::AllMail,
             std::vector<std::string> flags = {}) {
        server.add_message({bytes, std::move(labels), std::move(flags), 1700000000 + 86400 * count++, location});
        for (const auto& folder : archive_folders)
            expected["gmail/" + folder].insert(sha256_hex(bytes));
    }

    void add_account(std::vector<std::string> extra = {}) {
        REQUIRE(cairn({"init"}).exit_code == 0);
        std::vector<std::string> arguments = {"account", "add", "imap", "gmail", "--host", "127.0.0.1", "--port",
                                              std::to_string(server.port()), "--security", "none",
                                              "--allow-plaintext-password", "--login", Login};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        RunResult added = cairn(arguments);
        INFO(added.err);
        REQUIRE(added.exit_code == 0);
    }

    std::string commands_sent() const {
        std::string text;
        for (const auto& command : server.commands())
            text += "\n  " + command;
        return text;
    }
};

}  // namespace

TEST_CASE("gmail: All Mail is fetched once and labels become folders, and later runs fetch only new mail") {
    GmailWorkspace workspace;
    workspace.put(synthetic_message("inbox-important"), {"\\Inbox", "\\Important"},
                  {AllMail, "INBOX", "[Gmail]/Important"}, FakeGmailServer::Location::AllMail, {"\\Seen"});
    workspace.put(synthetic_message("sent"), {"\\Sent"}, {AllMail, "[Gmail]/Sent Mail"});
    workspace.put(synthetic_message("project", 5000), {"Work/Projects", "\\Inbox", "\\Starred"},
                  {AllMail, "Work/Projects", "INBOX", "[Gmail]/Starred"}, FakeGmailServer::Location::AllMail,
                  {"\\Seen", "\\Flagged"});
    workspace.put(synthetic_message("archived-without-label"), {}, {AllMail});
    workspace.put(synthetic_message("team"), {"&AMk-quipe"}, {AllMail, "Équipe"});
    workspace.put(synthetic_message("draft"), {"\\Draft"}, {AllMail, "[Gmail]/Drafts"});
    // A label no folder was listed for is still a folder; \Muted is no folder at all.
    workspace.put(synthetic_message("unlisted"), {"Receipts", "\\Muted"}, {AllMail, "Receipts"});
    for (int i = 0; i < 30; ++i)
        workspace.put(synthetic_message("bulk-" + std::to_string(i), 300 + i * 131), {"\\Inbox"}, {AllMail, "INBOX"});
    // Trash and Spam are not in All Mail; like other accounts', they are left out by default.
    workspace.put(synthetic_message("thrown-away"), {}, {}, FakeGmailServer::Location::Trash);
    workspace.put(synthetic_message("spam"), {}, {}, FakeGmailServer::Location::Spam);
    workspace.add_account();

    const json first = workspace.json_of({"fetch"});
    INFO(first.dump(2));
    INFO(workspace.commands_sent());
    REQUIRE(first["accounts"].size() == 1);
    CHECK(first["accounts"][0]["messages_stored"] == 37);
    CHECK(first["accounts"][0]["failures"].empty());
    // Each message's bytes crossed the network once, from All Mail; no label folder was read.
    CHECK(workspace.server.bodies_served() == std::map<std::string, std::size_t>{{AllMail, 37}});
    CHECK(workspace.archived() == workspace.expected);
    // Each label's folder has the message's flags, as All Mail does.
    CHECK(workspace.flags_in("Work/Projects")["message project"] == "seen flagged");
    CHECK(workspace.flags_in("[Gmail]/Important")["message inbox-important"] == "seen");

    const json second = workspace.json_of({"fetch"});
    CHECK(second["accounts"][0]["messages_stored"] == 0);
    CHECK(workspace.server.bodies_served() == std::map<std::string, std::size_t>{{AllMail, 37}});

    workspace.put(synthetic_message("new-mail"), {"\\Inbox", "Work/Projects"}, {AllMail, "INBOX", "Work/Projects"});
    const json third = workspace.json_of({"fetch"});
    CHECK(third["accounts"][0]["messages_stored"] == 1);
    CHECK(workspace.server.bodies_served() == std::map<std::string, std::size_t>{{AllMail, 38}});
    CHECK(workspace.archived() == workspace.expected);

    // Gmail renumbers the mailbox: the messages are recognised by X-GM-MSGID and not downloaded
    // again; only the one that is new is.
    // Meanwhile the project message got a label of its own: its folder is recorded with the
    // message's flags, from the ids-and-labels pass alone.
    workspace.server.renumber();
    workspace.server.set_labels(2, {"Work/Projects", "\\Inbox", "\\Starred", "Later"});
    workspace.expected["gmail/Later"].insert(sha256_hex(synthetic_message("project", 5000)));
    workspace.put(synthetic_message("after-renumbering"), {"\\Inbox"}, {AllMail, "INBOX"});
    const json fourth = workspace.json_of({"fetch"});
    CHECK(fourth["accounts"][0]["messages_seen"] == 1);
    CHECK(fourth["accounts"][0]["messages_stored"] == 1);
    CHECK(workspace.server.bodies_served() == std::map<std::string, std::size_t>{{AllMail, 39}});
    CHECK(workspace.archived() == workspace.expected);
    CHECK(workspace.flags_in("Later")["message project"] == "seen flagged");
    const json fifth = workspace.json_of({"fetch"});
    CHECK(fifth["accounts"][0]["messages_seen"] == 0);

    // The label folders are searchable as folders.
    const json found = workspace.json_of({"search", "folder:\"gmail/Work/Projects\"", "--count"});
    CHECK(found["count"] == 2);
}

TEST_CASE("gmail: include rules apply to labels, and kept trash and spam are read as folders of their own") {
    GmailWorkspace workspace;
    workspace.put(synthetic_message("project"), {"Work/Projects", "\\Inbox"}, {AllMail, "INBOX"});
    workspace.put(synthetic_message("only-work"), {"Work/Projects"}, {AllMail});
    workspace.put(synthetic_message("thrown-away"), {}, {"[Gmail]/Trash"}, FakeGmailServer::Location::Trash);
    workspace.put(synthetic_message("spam"), {}, {"[Gmail]/Spam"}, FakeGmailServer::Location::Spam);
    workspace.add_account({"--exclude", "Work/*", "--keep-trash"});

    const json fetched = workspace.json_of({"fetch"});
    INFO(fetched.dump(2));
    INFO(workspace.commands_sent());
    CHECK(fetched["accounts"][0]["messages_stored"] == 4);
    CHECK(workspace.server.bodies_served() ==
          std::map<std::string, std::size_t>{{AllMail, 2}, {"[Gmail]/Spam", 1}, {"[Gmail]/Trash", 1}});
    CHECK(workspace.archived() == workspace.expected);

    // The first message is thrown away: in Trash it has a new UID but the same X-GM-MSGID, so
    // it is placed in Trash without being downloaded again.
    workspace.server.move_to(0, FakeGmailServer::Location::Trash);
    workspace.expected["gmail/[Gmail]/Trash"].insert(sha256_hex(synthetic_message("project")));
    const json again = workspace.json_of({"fetch"});
    CHECK(again["accounts"][0]["messages_seen"] == 0);
    CHECK(workspace.server.bodies_served() ==
          std::map<std::string, std::size_t>{{AllMail, 2}, {"[Gmail]/Spam", 1}, {"[Gmail]/Trash", 1}});
    CHECK(workspace.archived() == workspace.expected);
}

TEST_CASE("gmail: with All Mail excluded, a message is archived under its included labels only") {
    GmailWorkspace workspace;
    workspace.put(synthetic_message("inbox"), {"\\Inbox"}, {"INBOX"});
    workspace.put(synthetic_message("project"), {"Work/Projects", "\\Sent"}, {"Work/Projects", "[Gmail]/Sent Mail"});
    // In no included folder: not archived, and not even downloaded.
    workspace.put(synthetic_message("archived-without-label"), {}, {});
    workspace.add_account({"--exclude", AllMail});

    const json fetched = workspace.json_of({"fetch"});
    INFO(fetched.dump(2));
    CHECK(fetched["accounts"][0]["messages_stored"] == 2);
    CHECK(workspace.server.bodies_served() == std::map<std::string, std::size_t>{{AllMail, 2}});
    CHECK(workspace.archived() == workspace.expected);
}

TEST_CASE("gmail: Ctrl-C part-way, then a second run: every message is in every folder of its labels") {
    GmailWorkspace workspace;
    // Batches commit every 2,000 messages or 2 seconds: the interrupt lands after the first.
    constexpr int Messages = 5000;
    for (int i = 0; i < Messages; ++i)
        workspace.put(synthetic_message("labelled-" + std::to_string(i), 16000), {"\\Inbox", "Work/Projects"},
                      {AllMail, "INBOX", "Work/Projects"}, FakeGmailServer::Location::AllMail, {"\\Seen"});
    workspace.add_account();

    cairn::testing::RunOptions options;
    options.environment = {{"CAIRN_PASSPHRASE", AccountWorkspace::Passphrase}, {"CAIRN_KEY_CACHE", "0"}};
    pid_t fetching = start_cairn({"--archive", workspace.archive(), "fetch"}, options);
    const auto committed = workspace.wait_for_committed_messages(Messages / 4);
    ::kill(fetching, SIGINT);
    CHECK(wait_for(fetching).exit_code == 130);
    REQUIRE(committed >= Messages / 4);

    const json finished = workspace.json_of({"fetch"});
    CHECK(finished["accounts"][0]["messages_seen"].get<int>() <= Messages - committed);
    CHECK(workspace.archived() == workspace.expected);
    const auto flags = workspace.flags_in("Work/Projects");
    CHECK(flags.size() == Messages);
    CHECK(std::all_of(flags.begin(), flags.end(), [](const auto& entry) { return entry.second == "seen"; }));
}
