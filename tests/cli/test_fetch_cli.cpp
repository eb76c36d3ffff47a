// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: the real binary archives IMAP accounts from a real Dovecot on loopback.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/cli/account_workspace.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/dovecot_server.h"
#include "tests/support/temp_dir.h"

using namespace cairn::testing;
using nlohmann::json;

namespace {

constexpr const char* Password = "correct horse";

/// Real messages from the public corpus, when it is there (loose files of several origins,
/// some malformed on purpose).
std::vector<std::string> corpus_messages() {
    std::vector<std::string> messages;
    for (const char* directory : {"mu/testdir", "python-email", "nodemailer-mailparser"}) {
        auto path = corpus_path(directory);
        if (!path)
            continue;
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(*path))
            if (entry.is_regular_file() && entry.file_size() > 0)
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const auto& file : files)
            messages.push_back(read_file(file));
    }
    return messages;
}

/// An archive, a Dovecot with user alice, and an account "work" for her.
struct FetchWorkspace : AccountWorkspace {
    explicit FetchWorkspace(DovecotServer::Options server_options = {})
        : AccountWorkspace(Environment{{"CAIRN_TEST_RECONNECT_PAUSE", "0.2"}}), server(std::move(server_options)) {
        server.add_user("alice", Password);
    }

    DovecotServer server;
    /// What each folder holds on the server, as Dovecot serves it.
    std::map<std::string, std::vector<std::string>> served;

    void put(const std::string& folder, const std::string& bytes, const std::string& flags = "",
             std::int64_t internal_date = 0) {
        server.put_message("alice", folder, bytes, flags, internal_date);
        served[folder].push_back(DovecotServer::served_form(bytes));
    }

    void init_and_add_account(std::vector<std::string> extra = {}) {
        REQUIRE(cairn({"init"}).exit_code == 0);
        std::vector<std::string> arguments = {"account", "add", "imap", "work", "--host", "127.0.0.1", "--port",
                                              std::to_string(server.imaps_port()), "--login", "alice",
                                              "--trust-certificate", server.certificate_sha256()};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        RunResult added = cairn(arguments, {{"CAIRN_ACCOUNT_PASSWORD", Password}});
        INFO(added.err);
        REQUIRE(added.exit_code == 0);
    }

    /// folder ("work/" + server folder) -> SHA-256s of what the server serves.
    FolderDigests expected(const std::set<std::string>& skipped = {}) const {
        FolderDigests folders;
        for (const auto& [folder, messages] : served) {
            if (skipped.count(folder))
                continue;
            for (const auto& bytes : messages)
                folders["work/" + (folder.empty() ? std::string("INBOX") : folder)].insert(sha256_hex(bytes));
        }
        return folders;
    }
};

}  // namespace

TEST_CASE("fetch archives every folder byte for byte, skips trash, and a second run archives nothing") {
    FetchWorkspace workspace;
    int number = 0;
    for (const auto& message : corpus_messages())
        workspace.put(number++ % 2 ? "INBOX" : "Archive/2024", message);
    for (int i = 0; i < 40; ++i)
        workspace.put("INBOX", synthetic_message("inbox-" + std::to_string(i), 300 + i * 97), i % 3 ? "" : "S");
    workspace.put("Entwürfe", synthetic_message("draft"), "D");
    workspace.put("INBOX", synthetic_message("big", 3 << 20));
    workspace.put("Trash", synthetic_message("thrown-away"));
    workspace.init_and_add_account();

    const json first = workspace.json_of({"fetch"});
    const json& account = first["accounts"][0];
    std::size_t served_count = 0;
    for (const auto& [folder, messages] : workspace.served)
        if (folder != "Trash")
            served_count += messages.size();
    CHECK(account["account"] == "work");
    CHECK(account["messages_seen"].get<std::size_t>() == served_count);
    CHECK(account["failures"].empty());
    CHECK(workspace.archived() == workspace.expected({"Trash"}));

    // Flags came along; nothing was marked read on the server.
    const json listed = workspace.json_of({"list", "--folder", "work/Entwürfe"});
    REQUIRE(listed["messages"].size() == 1);
    CHECK(listed["messages"][0]["flags"].get<std::string>().find("draft") != std::string::npos);
    int unseen_on_server = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(workspace.server.maildir("alice")))
        if (entry.is_regular_file() && entry.path().parent_path().filename() == "cur" &&
            entry.path().filename().string().find(":2,") != std::string::npos &&
            entry.path().filename().string().find('S', entry.path().filename().string().find(":2,")) == std::string::npos)
            ++unseen_on_server;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(workspace.server.maildir("alice")))
        if (entry.is_regular_file() && entry.path().parent_path().filename() == "new")
            ++unseen_on_server;
    CHECK(unseen_on_server >= 27);  // the 26 unseen synthetic inbox messages, the big one, the draft...

    const json second = workspace.json_of({"fetch"});
    CHECK(second["accounts"][0]["messages_seen"] == 0);
    CHECK(second["accounts"][0]["messages_stored"] == 0);

    // New mail is picked up, and only it.
    workspace.put("INBOX", synthetic_message("late-1"));
    workspace.put("Archive/2024", synthetic_message("late-2"));
    const json third = workspace.json_of({"fetch", "work"});
    CHECK(third["accounts"][0]["messages_seen"] == 2);
    CHECK(third["accounts"][0]["messages_stored"] == 2);
    CHECK(workspace.archived() == workspace.expected({"Trash"}));

    const json accounts = workspace.json_of({"account", "list"});
    CHECK(accounts["accounts"][0]["last_fetch"].is_number());
}

TEST_CASE("folders of a Courier-style server (INBOX.Sent) keep the names the user knows") {
    DovecotServer::Options options;
    options.courier_namespace = true;
    FetchWorkspace workspace(options);
    workspace.put("INBOX", synthetic_message("courier-inbox"));
    workspace.put("Sent", synthetic_message("courier-sent"));
    workspace.put("Archive/2024", synthetic_message("courier-archived"));
    workspace.init_and_add_account();
    const json fetched = workspace.json_of({"fetch"});
    INFO(fetched.dump(2));
    CHECK(fetched["accounts"][0]["messages_stored"] == 3);
    CHECK(workspace.archived() == workspace.expected());
}

TEST_CASE("a changed UIDVALIDITY reads the folder again without storing anything twice") {
    FetchWorkspace workspace;
    for (int i = 0; i < 12; ++i)
        workspace.put("INBOX", synthetic_message("renumbered-" + std::to_string(i)));
    workspace.init_and_add_account();
    CHECK(workspace.json_of({"fetch"})["accounts"][0]["messages_stored"] == 12);

    // Dovecot gives a folder a new UIDVALIDITY when its UID list is lost.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(workspace.server.maildir("alice")))
        if (entry.path().filename() == "dovecot-uidlist")
            std::filesystem::remove(entry.path());
    workspace.server.restart();
    workspace.put("INBOX", synthetic_message("after-renumbering"));

    const json again = workspace.json_of({"fetch"});
    CHECK(again["accounts"][0]["messages_seen"] == 13);
    CHECK(again["accounts"][0]["messages_stored"] == 1);
    CHECK(again["accounts"][0]["messages_already_archived"] == 12);
    CHECK(workspace.archived() == workspace.expected());
}

TEST_CASE("a fetch killed part-way is finished by the next run, each message archived once") {
    FetchWorkspace workspace;
    // 120 MB: several import batches (2,000 messages, 64 MB or 2 s each), so the run commits
    // part-way on any machine and the kill lands well before the end.
    constexpr int Messages = 5000;
    for (int i = 0; i < Messages; ++i)
        workspace.put(i % 3 ? "INBOX" : "Lists", synthetic_message("killed-" + std::to_string(i), 24000));
    workspace.init_and_add_account();

    RunOptions options;
    options.environment = {{"CAIRN_PASSPHRASE", "test passphrase"}, {"CAIRN_KEY_CACHE", "0"}};
    // The kill lands once a quarter of the messages are committed (watched in the catalog, as
    // another reader may), so it hits the middle of the run however busy the machine is.
    pid_t fetching = start_cairn({"--archive", workspace.archive(), "fetch"}, options);
    const auto committed = workspace.wait_for_committed_messages(Messages / 4);
    ::kill(fetching, SIGKILL);
    const bool killed = wait_for(fetching).signal == SIGKILL;
    MESSAGE("killed with " << committed << " messages committed");
    REQUIRE(committed >= Messages / 4);

    const json finished = workspace.json_of({"fetch"});
    const json& account = finished["accounts"][0];
    CHECK(account["failures"].empty());
    CHECK(workspace.archived() == workspace.expected());
    CHECK(killed);
    // Whatever the killed run committed is not fetched again.
    const auto fetched_again = account["messages_seen"].get<int>();
    MESSAGE("after the kill, the second run fetched " << fetched_again << " of " << Messages << " messages");
    CHECK(fetched_again > 0);
    CHECK(fetched_again <= Messages - committed);
}

TEST_CASE("Ctrl-C stops a fetch cleanly (exit 130) and the next run fetches only the rest") {
    FetchWorkspace workspace;
    // Import batches commit every 2,000 messages or 2 seconds: 5,000 leave a fast machine
    // room to interrupt after the first commit and well before the end.
    constexpr int Messages = 5000;
    for (int i = 0; i < Messages; ++i)
        workspace.put("INBOX", synthetic_message("interrupted-" + std::to_string(i), 16000));
    workspace.init_and_add_account();

    RunOptions options;
    options.environment = {{"CAIRN_PASSPHRASE", "test passphrase"}, {"CAIRN_KEY_CACHE", "0"}};
    pid_t fetching = start_cairn({"--archive", workspace.archive(), "fetch"}, options);
    const auto committed = workspace.wait_for_committed_messages(Messages / 4);
    ::kill(fetching, SIGINT);
    const auto interrupted = wait_for(fetching);
    REQUIRE(committed >= Messages / 4);
    CHECK(interrupted.exit_code == 130);

    const json finished = workspace.json_of({"fetch"});
    const json& account = finished["accounts"][0];
    CHECK(account["failures"].empty());
    const auto fetched_again = account["messages_seen"].get<int>();
    MESSAGE("interrupted with " << committed << " committed; the next run fetched " << fetched_again);
    CHECK(fetched_again > 0);
    CHECK(fetched_again <= Messages - committed);
    CHECK(workspace.archived() == workspace.expected());
}

TEST_CASE("a server restart during the fetch reconnects and resumes") {
    FetchWorkspace workspace;
    for (int i = 0; i < 1500; ++i)
        workspace.put("INBOX", synthetic_message("restart-" + std::to_string(i), 30000));
    workspace.init_and_add_account();

    auto archive = (workspace.temp.path() / "archive").string();
    RunOptions options;
    options.environment = {{"CAIRN_PASSPHRASE", "test passphrase"}, {"CAIRN_KEY_CACHE", "0"},
                           {"CAIRN_TEST_RECONNECT_PAUSE", "0.2"}};
    // The fetch's JSON goes to a file, read after the process ends.
    auto output = workspace.temp.path() / "fetch.json";
    pid_t fetching = start_cairn({"--archive", archive, "--json", "fetch"}, options);
    std::this_thread::sleep_for(std::chrono::milliseconds(900));
    workspace.server.restart();
    RunResult result = wait_for(fetching);
    CHECK(result.exit_code == 0);
    (void)output;

    const json again = workspace.json_of({"fetch"});
    CHECK(again["accounts"][0]["messages_seen"] == 0);
    CHECK(workspace.archived() == workspace.expected());
}

TEST_CASE("a wrong password and an untrusted certificate stop the account with a clear message") {
    FetchWorkspace workspace;
    workspace.put("INBOX", synthetic_message("unreachable"));
    REQUIRE(workspace.cairn({"init"}).exit_code == 0);
    auto archive = (workspace.temp.path() / "archive").string();
    RunOptions options;
    options.environment = {{"CAIRN_PASSPHRASE", "test passphrase"}, {"CAIRN_KEY_CACHE", "0"},
                           {"CAIRN_ACCOUNT_PASSWORD", "wrong password"}};
    REQUIRE(run_cairn({"--archive", archive, "account", "add", "imap", "wrong", "--host", "127.0.0.1", "--port",
                       std::to_string(workspace.server.imaps_port()), "--login", "alice", "--trust-certificate",
                       workspace.server.certificate_sha256()},
                      options)
                .exit_code == 0);
    options.environment["CAIRN_ACCOUNT_PASSWORD"] = Password;
    REQUIRE(run_cairn({"--archive", archive, "account", "add", "imap", "untrusted", "--host", "127.0.0.1", "--port",
                       std::to_string(workspace.server.imaps_port()), "--login", "alice"},
                      options)
                .exit_code == 0);

    RunResult wrong = workspace.cairn({"fetch", "wrong"});
    CHECK(wrong.exit_code == 3);
    CHECK(wrong.err.find("wrong") != std::string::npos);
    CHECK(wrong.err.find(Password) == std::string::npos);
    INFO(wrong.err);
    CHECK(wrong.err.find("alice") != std::string::npos);

    RunResult untrusted = workspace.cairn({"fetch", "untrusted"});
    CHECK(untrusted.exit_code == 3);
    INFO(untrusted.err);
    CHECK(untrusted.err.find("self-signed") != std::string::npos);
    CHECK(untrusted.err.find(workspace.server.certificate_sha256().substr(0, 11)) != std::string::npos);
}

TEST_CASE("the delete rule removes exactly the archived, verified, old-enough messages") {
    for (bool with_uidplus : {true, false}) {
        CAPTURE(with_uidplus);
        DovecotServer::Options server_options;
        if (!with_uidplus)
            server_options.removed_capabilities = {"UIDPLUS"};
        FetchWorkspace workspace(server_options);
        const std::int64_t now = std::time(nullptr);
        for (int i = 0; i < 6; ++i)
            workspace.put("INBOX", synthetic_message("old-" + std::to_string(i)), "S", now - (60 + i) * 86400);
        for (int i = 0; i < 4; ++i)
            workspace.put("INBOX", synthetic_message("recent-" + std::to_string(i)), "", now - 3 * 86400);
        workspace.put("Archive", synthetic_message("old-elsewhere"), "", now - 90 * 86400);
        workspace.init_and_add_account({"--delete-after", "30", "--exclude", "Archive"});

        const json dry = workspace.json_of({"fetch", "--dry-run"});
        CHECK(dry["accounts"][0]["messages_stored"] == 10);
        CHECK(dry["accounts"][0]["would_remove_from_server"].size() == 6);
        CHECK(dry["accounts"][0]["removed_from_server"] == 0);

        const json done = workspace.json_of({"fetch"});
        CHECK(done["accounts"][0]["removed_from_server"] == 6);
        auto remaining = [&](const std::string& folder) {
            int count = 0;
            auto directory = workspace.server.maildir("alice") / (folder.empty() ? "" : "." + folder);
            for (const char* sub : {"cur", "new"})
                if (std::filesystem::exists(directory / sub))
                    for (const auto& entry : std::filesystem::directory_iterator(directory / sub))
                        count += entry.is_regular_file() ? 1 : 0;
            return count;
        };
        CHECK(remaining("") == 4);
        CHECK(remaining("Archive") == 1);  // excluded: never archived, never deleted
        // The archive keeps all of them.
        CHECK(workspace.json_of({"list"})["messages"].size() == 10);
    }
}

TEST_CASE("a damaged archived copy keeps the message on the server") {
    FetchWorkspace workspace;
    const std::int64_t now = std::time(nullptr);
    for (int i = 0; i < 3; ++i)
        workspace.put("INBOX", synthetic_message("precious-" + std::to_string(i)), "", now - 100 * 86400);
    workspace.init_and_add_account({"--delete-after", "30"});
    CHECK(workspace.json_of({"fetch", "--dry-run"})["accounts"][0]["would_remove_from_server"].size() == 3);

    // Damage the archive's only pack (one block holds all three messages).
    std::filesystem::path pack;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(workspace.temp.path() / "archive" / "stores"))
        if (entry.is_regular_file() && entry.file_size() > 100)
            pack = entry.path();
    REQUIRE(!pack.empty());
    std::string bytes = read_file(pack);
    bytes[bytes.size() / 2] ^= 0x40;
    write_file(pack, bytes);

    RunResult result = workspace.cairn({"--json", "fetch"});
    const json report = json::parse(result.out);
    CHECK(report["accounts"][0]["removed_from_server"] == 0);
    CHECK(report["accounts"][0]["warnings"].size() >= 3);
    int on_server = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(workspace.server.maildir("alice")))
        on_server += entry.is_regular_file() && (entry.path().parent_path().filename() == "cur" ||
                                                 entry.path().parent_path().filename() == "new");
    CHECK(on_server == 3);
}

TEST_CASE("a journal mailbox: reports are unwrapped, envelopes kept, and the mailbox emptied once verified") {
    FetchWorkspace workspace;
    auto original = [](int number) {
        return "From: Ann <ann@example.org>\r\nTo: bob@example.org\r\nSubject: journaled " + std::to_string(number) +
               "\r\nMessage-ID: <journaled-" + std::to_string(number) +
               "@example.org>\r\nDate: Tue, 3 Mar 2026 09:00:00 +0000\r\n\r\nBody " + std::to_string(number) + ".\r\n";
    };
    auto report = [&](int number) {
        return "From: Microsoft Outlook <postmaster@example.org>\r\nTo: journal@example.org\r\nSubject: journaled " +
               std::to_string(number) +
               "\r\nX-MS-Journal-Report:\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
               "Content-Type: text/plain\r\n\r\nSender: ann@example.org\r\nTo: bob@example.org\r\n"
               "Bcc: carol@example.org\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n" +
               original(number) + "\r\n--b--\r\n";
    };
    workspace.server.put_message("alice", "INBOX", report(1));
    workspace.server.put_message("alice", "INBOX", report(2));
    const std::string plain = synthetic_message("always-bcc-copy");
    workspace.server.put_message("alice", "INBOX", plain);
    workspace.init_and_add_account({"--journal"});

    const json fetched = workspace.json_of({"fetch"});
    CHECK(fetched["accounts"][0]["messages_stored"] == 3);
    CHECK(fetched["accounts"][0]["removed_from_server"] == 3);
    workspace.served["INBOX"] = {DovecotServer::served_form(original(1)), DovecotServer::served_form(original(2)),
                                 DovecotServer::served_form(plain)};
    CHECK(workspace.archived() == workspace.expected());

    bool found_bcc = false;
    const json listed = workspace.json_of({"list"});
    for (const json& message : listed["messages"]) {
        const json shown = workspace.json_of({"show", std::to_string(message["id"].get<std::int64_t>())});
        for (const json& address : shown["envelope"])
            found_bcc = found_bcc || (address["kind"] == "bcc" && address["address"] == "carol@example.org");
    }
    CHECK(found_bcc);
    int left_on_server = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(workspace.server.maildir("alice")))
        left_on_server += entry.is_regular_file() && (entry.path().parent_path().filename() == "cur" ||
                                                      entry.path().parent_path().filename() == "new");
    CHECK(left_on_server == 0);
}
