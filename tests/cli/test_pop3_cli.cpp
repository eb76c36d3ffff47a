// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: the real binary archives POP3 accounts from a real Dovecot on loopback.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/crypto/crypto.h"
#include "core/db/database.h"
#include "tests/cli/account_workspace.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/dovecot_server.h"
#include "tests/support/temp_dir.h"

using namespace cairn::testing;
using nlohmann::json;

namespace doctest {
template <>
struct StringMaker<std::set<std::string>> {
    static String convert(const std::set<std::string>& digests) {
        std::string text = std::to_string(digests.size()) + " messages:";
        for (const auto& digest : digests)
            text += " " + digest.substr(0, 12);
        return text.c_str();
    }
};
}  // namespace doctest

namespace {

constexpr const char* Password = "correct horse";

std::string pop3_message(const std::string& tag, std::size_t body_bytes = 400) {
    std::string message = "From: Sender <sender@example.org>\r\nTo: alice@example.org\r\nSubject: pop3 " + tag +
                          "\r\nMessage-ID: <" + tag + "@example.org>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n";
    // Lines starting with dots travel dot-stuffed and must come back as they were.
    message += ".\r\n..\r\n.dot line of " + tag + "\r\n";
    while (message.size() < body_bytes)
        message += "line of " + tag + " text\r\n";
    return message;
}

/// An archive, a Dovecot with user alice, and a POP3 account "work" for her (POP3S, the test
/// certificate trusted by fingerprint).
struct Pop3Workspace : AccountWorkspace {
    Pop3Workspace()
        : AccountWorkspace(Environment{{"CAIRN_TEST_RECONNECT_PAUSE", "0.2"}, {"CAIRN_ACCOUNT_PASSWORD", Password}}) {
        server.add_user("alice", Password);
    }

    DovecotServer server;
    std::set<std::string> served;  ///< SHA-256s of what the server holds, as it serves it

    void put(const std::string& bytes) {
        server.put_message("alice", "INBOX", bytes);
        served.insert(sha256_hex(DovecotServer::served_form(bytes)));
    }

    void init_and_add_account(std::vector<std::string> extra = {}) {
        REQUIRE(cairn({"init"}).exit_code == 0);
        std::vector<std::string> arguments = {"account", "add", "pop3", "work", "--host", "127.0.0.1", "--port",
                                              std::to_string(server.pop3s_port()), "--trust-certificate",
                                              server.certificate_sha256(), "--login", "alice"};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        RunResult added = cairn(arguments);
        INFO(added.err);
        REQUIRE(added.exit_code == 0);
    }

    /// SHA-256s of the archived messages of work/INBOX, read back through `cairn show --raw`.
    std::set<std::string> archived_inbox() const {
        std::set<std::string> digests;
        const json listed = json_of({"list"});
        for (const json& message : listed["messages"]) {
            CHECK(message["folder"] == "work/INBOX");
            RunResult shown = cairn({"show", "--raw", std::to_string(message["id"].get<std::int64_t>())});
            REQUIRE(shown.exit_code == 0);
            digests.insert(sha256_hex(shown.out));
            if (!served.count(sha256_hex(shown.out)))
                MESSAGE("not as served: message " << message["id"] << ", " << shown.out.size() << " bytes, listed size " << message["size"] << ": " << shown.out.substr(0, 300));
        }
        return digests;
    }

    std::size_t on_server() const {
        std::size_t count = 0;
        for (const char* sub : {"cur", "new"})
            for (const auto& entry : std::filesystem::directory_iterator(server.maildir("alice") / sub))
                count += entry.is_regular_file() ? 1 : 0;
        return count;
    }

    /// Makes every recorded message look first fetched DAYS ago: the delete rule counts from
    /// then, and a test cannot wait for days.
    void age_fetched_messages(int days) const {
        auto database = cairn::db::Database::open(temp.path() / "archive" / "catalog.db", cairn::db::OpenMode::ReadWrite);
        REQUIRE(database);
        REQUIRE(database->execute("UPDATE remote_messages SET fetched = fetched - " + std::to_string(days * 86400)));
    }
};

}  // namespace

TEST_CASE("pop3: fetch archives the maildrop byte for byte, a second run fetches nothing, new mail is picked up") {
    Pop3Workspace workspace;
    for (int i = 0; i < 60; ++i)
        workspace.put(pop3_message("first-" + std::to_string(i), 300 + i * 211));
    workspace.put("Subject: bare LF\n\nstored with bare LF\n.\n..\n");
    workspace.put(pop3_message("big", 3 << 20));
    workspace.init_and_add_account();

    const json first = workspace.json_of({"fetch"});
    const json& account = first["accounts"][0];
    INFO(first.dump());
    CHECK(account["account"] == "work");
    CHECK(account["messages_seen"] == 62);
    CHECK(account["messages_stored"] == 62);
    CHECK(account["failures"].empty());
    CHECK(workspace.archived_inbox() == workspace.served);
    CHECK(workspace.on_server() == 62);  // fetching deletes nothing

    const json second = workspace.json_of({"fetch"});
    CHECK(second["accounts"][0]["messages_seen"] == 0);

    workspace.put(pop3_message("late-1"));
    workspace.put(pop3_message("late-2"));
    const json third = workspace.json_of({"fetch", "work"});
    CHECK(third["accounts"][0]["messages_seen"] == 2);
    CHECK(third["accounts"][0]["messages_stored"] == 2);
    CHECK(workspace.archived_inbox() == workspace.served);
}

TEST_CASE("pop3: a server restart during the fetch reconnects and the archive is complete") {
    Pop3Workspace workspace;
    // Few messages (each is read back through its own `cairn show`), but enough bytes for the
    // restart to land mid-run.
    for (int i = 0; i < 250; ++i)
        workspace.put(pop3_message("restart-" + std::to_string(i), 200000));
    workspace.init_and_add_account();

    RunOptions options;
    options.environment = {{"CAIRN_PASSPHRASE", "test passphrase"}, {"CAIRN_KEY_CACHE", "0"},
                           {"CAIRN_TEST_RECONNECT_PAUSE", "0.2"}};
    pid_t fetching = start_cairn({"--archive", workspace.archive(), "--json", "fetch"}, options);
    std::this_thread::sleep_for(std::chrono::milliseconds(900));
    workspace.server.restart();
    RunResult result = wait_for(fetching);
    INFO(result.err);
    CHECK(result.exit_code == 0);

    const json again = workspace.json_of({"fetch"});
    CHECK(again["accounts"][0]["messages_seen"] == 0);
    CHECK(workspace.archived_inbox() == workspace.served);
}

TEST_CASE("pop3: an account on the plain port upgrades with STLS") {
    Pop3Workspace workspace;
    for (int i = 0; i < 3; ++i)
        workspace.put(pop3_message("stls-" + std::to_string(i)));
    REQUIRE(workspace.cairn({"init"}).exit_code == 0);
    RunResult added = workspace.cairn({"account", "add", "pop3", "work", "--host", "127.0.0.1", "--port",
                                       std::to_string(workspace.server.pop3_port()), "--security", "starttls",
                                       "--trust-certificate", workspace.server.certificate_sha256(), "--login",
                                       "alice"});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    CHECK(workspace.json_of({"fetch"})["accounts"][0]["messages_stored"] == 3);
    CHECK(workspace.archived_inbox() == workspace.served);
}

TEST_CASE("pop3: a wrong password stops the account naming the login, never the password") {
    Pop3Workspace workspace;
    workspace.put(pop3_message("unreachable"));
    REQUIRE(workspace.cairn({"init"}).exit_code == 0);
    RunOptions options;
    options.environment = {{"CAIRN_PASSPHRASE", "test passphrase"}, {"CAIRN_KEY_CACHE", "0"},
                           {"CAIRN_ACCOUNT_PASSWORD", "wrong password"}};
    REQUIRE(run_cairn({"--archive", workspace.archive(), "account", "add", "pop3", "wrong", "--host", "127.0.0.1",
                       "--port", std::to_string(workspace.server.pop3s_port()), "--login", "alice",
                       "--trust-certificate", workspace.server.certificate_sha256()},
                      options)
                .exit_code == 0);
    RunResult wrong = workspace.cairn({"fetch", "wrong"});
    INFO(wrong.err);
    CHECK(wrong.exit_code == 3);
    CHECK(wrong.err.find("alice") != std::string::npos);
    CHECK(wrong.err.find("wrong password") == std::string::npos);
}

TEST_CASE("pop3: the delete rule removes exactly the archived messages first fetched long enough ago") {
    Pop3Workspace workspace;
    for (int i = 0; i < 5; ++i)
        workspace.put(pop3_message("old-" + std::to_string(i)));
    workspace.init_and_add_account({"--delete-after", "30"});

    // Just archived: nothing is old enough yet.
    const json fresh = workspace.json_of({"fetch"});
    CHECK(fresh["accounts"][0]["messages_stored"] == 5);
    CHECK(fresh["accounts"][0]["removed_from_server"] == 0);
    CHECK(workspace.on_server() == 5);

    workspace.age_fetched_messages(31);
    for (int i = 0; i < 3; ++i)
        workspace.put(pop3_message("recent-" + std::to_string(i)));

    const json dry = workspace.json_of({"fetch", "--dry-run"});
    CHECK(dry["accounts"][0]["messages_stored"] == 3);  // the recent ones are archived...
    CHECK(dry["accounts"][0]["would_remove_from_server"].size() == 5);  // ...but not old enough
    CHECK(dry["accounts"][0]["removed_from_server"] == 0);
    CHECK(workspace.on_server() == 8);

    // A message the archive does not hold stays, whatever its age.
    workspace.put(pop3_message("not-yet-archived"));
    const json done = workspace.json_of({"fetch"});
    CHECK(done["accounts"][0]["messages_stored"] == 1);
    CHECK(done["accounts"][0]["removed_from_server"] == 5);
    CHECK(workspace.on_server() == 4);
    CHECK(workspace.json_of({"list"})["messages"].size() == 9);  // the archive keeps all

    // Deleted messages are gone from the server and not fetched again; the others are known.
    const json after = workspace.json_of({"fetch"});
    CHECK(after["accounts"][0]["messages_seen"] == 0);
    CHECK(after["accounts"][0]["removed_from_server"] == 0);
}
