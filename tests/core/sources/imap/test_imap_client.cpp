// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "core/sources/imap/imap_client.h"
#include "tests/support/dovecot_server.h"

using namespace cairn;
using namespace cairn::sources::imap;
using namespace std::chrono_literals;

namespace {

constexpr const char* User = "alice";
constexpr const char* Password = "correct horse";

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

ConnectOptions plain_options(const testing::DovecotServer& server) {
    ConnectOptions options;
    options.host = "127.0.0.1";
    options.port = server.imap_port();
    options.security = ImapSecurity::Plain;
    options.allow_plaintext = true;
    options.timeout = 10s;
    return options;
}

std::unique_ptr<ImapClient> logged_in(const testing::DovecotServer&, ConnectOptions options) {
    auto client = ImapClient::connect(options);
    REQUIRE_MESSAGE(client, (client ? "" : client.error().message));
    auto login = (*client)->authenticate({User, Password, AuthMechanism::Automatic});
    REQUIRE_MESSAGE(login, (login ? "" : login.error().message));
    return std::move(*client);
}

std::unique_ptr<ImapClient> logged_in(const testing::DovecotServer& server) {
    return logged_in(server, plain_options(server));
}

std::string synthetic_message(std::size_t body_bytes, std::uint32_t seed) {
    std::string message = "From: Sender <sender@example.org>\r\nTo: alice@example.org\r\nSubject: synthetic " +
                          std::to_string(seed) + "\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
                          "Content-Transfer-Encoding: base64\r\n\r\n";
    static constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::uint32_t state = seed * 2654435761u + 1;
    for (std::size_t index = 0; index < body_bytes; ++index) {
        state = state * 1103515245u + 12345u;
        message += Alphabet[(state >> 16) & 63];
        if (index % 76 == 75)
            message += "\r\n";
    }
    message += "\r\n";
    return message;
}

std::vector<std::uint32_t> all_uids(ImapClient& client) {
    auto uids = client.uids_from(1);
    REQUIRE(uids);
    return *uids;
}

}  // namespace

TEST_SUITE("imap.client") {
TEST_CASE("login with PLAIN and LOGIN; a wrong password is PermissionDenied naming the user, not the password") {
    testing::DovecotServer server;
    server.add_user(User, Password);
    for (AuthMechanism mechanism : {AuthMechanism::Plain, AuthMechanism::Login, AuthMechanism::Automatic}) {
        auto client = ImapClient::connect(plain_options(server));
        REQUIRE(client);
        auto login = (*client)->authenticate({User, Password, mechanism});
        CHECK_MESSAGE(login, (login ? "" : login.error().message));
        CHECK((*client)->has_capability("UIDPLUS"));  // learned after login
        CHECK((*client)->logout());
    }
    for (AuthMechanism mechanism : {AuthMechanism::Plain, AuthMechanism::Login}) {
        auto client = ImapClient::connect(plain_options(server));
        REQUIRE(client);
        auto login = (*client)->authenticate({User, "wrong secret", mechanism});
        REQUIRE(!login);
        CHECK(login.error().code == ErrorCode::PermissionDenied);
        CHECK(contains(login.error().message, "\"alice\""));
        CHECK(contains(login.error().message, "127.0.0.1:"));
        CHECK(contains(login.error().message, "failed"));  // Dovecot's "Authentication failed."
        CHECK(!contains(login.error().message, "wrong secret"));
    }
}

TEST_CASE("the password is not sent over an unencrypted connection unless allowed; IMAPS and STARTTLS work") {
    testing::DovecotServer server;
    server.add_user(User, Password);
    ConnectOptions options = plain_options(server);
    options.allow_plaintext = false;
    auto client = ImapClient::connect(options);
    REQUIRE(client);
    auto login = (*client)->authenticate({User, Password});
    REQUIRE(!login);
    CHECK(login.error().code == ErrorCode::InvalidArgument);
    CHECK(contains(login.error().message, "unencrypted"));

    ConnectOptions secure;
    secure.host = "localhost";
    secure.port = server.imaps_port();
    secure.tls.trusted_certificate_sha256 = server.certificate_sha256();
    auto tls = logged_in(server, secure);
    CHECK(tls->is_encrypted());
    CHECK(tls->certificate_sha256() == server.certificate_sha256());

    ConnectOptions start_tls = secure;
    start_tls.port = server.imap_port();
    start_tls.security = ImapSecurity::StartTls;
    auto upgraded = logged_in(server, start_tls);
    CHECK(upgraded->is_encrypted());
    CHECK(!upgraded->has_capability("STARTTLS"));

    ConnectOptions untrusted = secure;
    untrusted.tls.trusted_certificate_sha256.reset();
    auto refused = ImapClient::connect(untrusted);
    REQUIRE(!refused);
    CHECK(refused.error().code == ErrorCode::CryptoFailure);
    CHECK(contains(refused.error().message, "self-signed"));
}

TEST_CASE("folders: special use, a non-ASCII name decoded, hierarchy with '/'") {
    testing::DovecotServer server;
    server.add_user(User, Password);
    for (const char* folder : {"Sent", "Drafts", "Trash", "Junk", "Archive", "Entwürfe", "Projects/2024", "A&B"})
        server.create_folder(User, folder);
    auto client = logged_in(server);
    auto folders = client->list_folders();
    REQUIRE_MESSAGE(folders, (folders ? "" : folders.error().message));
    std::map<std::string, Folder> by_path;
    for (const Folder& folder : *folders)
        by_path[folder.display_path] = folder;
    REQUIRE(by_path.count("INBOX"));
    REQUIRE(by_path.count("Entwürfe"));
    CHECK(by_path["Entwürfe"].server_name == "Entw&APw-rfe");
    CHECK(by_path["Sent"].special_use == "\\Sent");
    CHECK(by_path["Drafts"].special_use == "\\Drafts");
    CHECK(by_path["Trash"].special_use == "\\Trash");
    CHECK(by_path["Junk"].special_use == "\\Junk");
    CHECK(by_path["Archive"].special_use == "\\Archive");
    CHECK(by_path["INBOX"].special_use.empty());
    REQUIRE(by_path.count("Projects/2024"));
    CHECK(by_path["Projects/2024"].delimiter == '/');
    CHECK(by_path.count("A&B"));
    // "Projects" exists only as the parent of "Projects/2024".
    REQUIRE(by_path.count("Projects"));
    CHECK(!by_path["Projects"].selectable);
    CHECK(by_path["Projects/2024"].selectable);
    CHECK(by_path["Entwürfe"].selectable);

    auto status = client->examine(by_path["Entwürfe"].server_name);
    REQUIRE(status);
    CHECK(status->exists == 0);
    CHECK(status->read_only);
    CHECK(status->uid_validity != 0);
    auto missing = client->examine("No such folder");
    REQUIRE(!missing);
    CHECK(missing.error().code == ErrorCode::NotFound);
    CHECK(contains(missing.error().message, "No such folder"));
}

TEST_CASE("fetching 200+ messages returns each one's bytes exactly, with flags and internal dates, without \\Seen") {
    testing::DovecotServer server;
    server.add_user(User, Password);
    std::vector<std::string> stored;  // in put order == UID order
    std::vector<std::string> flags;
    testing::TempDir corpus;
    if (auto archive = testing::corpus_path("openbmc/openbmc.maildir.tar.zst")) {
        std::string command = "tar -I zstd -xf '" + archive->string() + "' -C '" + corpus.path().string() +
                              "' --wildcards 'openbmc/cur/000[0-7]*'";
        REQUIRE(std::system(command.c_str()) == 0);
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(corpus.path() / "openbmc" / "cur"))
            files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const auto& file : files)
            stored.push_back(testing::read_file(file));
        MESSAGE(stored.size() << " openbmc corpus messages");
    }
    for (std::uint32_t seed = 0; stored.size() < 210; ++seed)
        stored.push_back(synthetic_message(200 + seed * 997 % 60000, seed));
    stored.push_back(synthetic_message(5 * 1024 * 1024, 4242));  // a ~5 MB attachment
    // Bare LF, 8-bit bytes, a NUL and a lone CR: Dovecot serves LF as CRLF and NUL as 0x80.
    stored.push_back(std::string("Subject: bare LF\nX-Latin1: caf\xe9\n\nline one\nnul:\0: cr:\r: end\n", 59));
    stored.push_back("Subject: already CRLF\r\nX-Bytes: \xc3\xa9\xff\r\n\r\nbody\r\n");
    const std::int64_t base_date = 1'600'000'000;
    for (std::size_t index = 0; index < stored.size(); ++index) {
        flags.push_back(index % 3 == 0 ? "F" : index % 3 == 1 ? "S" : "");
        server.put_message(User, "INBOX", stored[index], flags.back(), base_date + static_cast<std::int64_t>(index) * 3600);
    }

    auto client = logged_in(server);
    auto status = client->examine("INBOX");
    REQUIRE(status);
    CHECK(status->exists == stored.size());
    auto uids = all_uids(*client);
    REQUIRE(uids.size() == stored.size());

    std::map<std::uint32_t, FetchedMessage> fetched;
    auto report = client->fetch_messages(uids, [&](FetchedMessage&& message) {
        fetched[message.uid] = std::move(message);
        return true;
    });
    REQUIRE_MESSAGE(report, (report ? "" : report.error().message));
    CHECK(report->fetched == stored.size());
    CHECK(report->failures.empty());
    REQUIRE(fetched.size() == stored.size());
    std::size_t exact = 0;
    for (std::size_t index = 0; index < stored.size(); ++index) {
        const FetchedMessage& message = fetched[uids[index]];
        std::string expected = testing::DovecotServer::served_form(stored[index]);
        if (message.bytes == expected)
            ++exact;
        else
            MESSAGE("UID " << uids[index] << " differs: " << message.bytes.size() << " bytes, expected "
                           << expected.size());
        CHECK(message.size == expected.size());
        CHECK(message.internal_date == base_date + static_cast<std::int64_t>(index) * 3600);
        bool seen = std::find(message.flags.begin(), message.flags.end(), "\\Seen") != message.flags.end();
        bool flagged = std::find(message.flags.begin(), message.flags.end(), "\\Flagged") != message.flags.end();
        CHECK(seen == (flags[index] == "S"));
        CHECK(flagged == (flags[index] == "F"));
    }
    CHECK(exact == stored.size());
    CHECK(fetched[uids[uids.size() - 2]].bytes.find("caf\xe9\r\n") != std::string::npos);

    // A read-write open and a second fetch: still no \Seen on unseen messages (BODY.PEEK).
    REQUIRE(client->select("INBOX"));
    std::vector<std::uint32_t> unseen{uids[0], uids[2]};
    REQUIRE(client->fetch_messages(unseen, [](FetchedMessage&&) { return true; }));
    auto again = client->fetch_messages(unseen, [&](FetchedMessage&& message) {
        CHECK(std::find(message.flags.begin(), message.flags.end(), "\\Seen") == message.flags.end());
        return true;
    });
    REQUIRE(again);
    CHECK(again->fetched == 2);
}

TEST_CASE("uids_from drops the highest UID that 'n:*' returns when n is above it; missing UIDs are reported per message") {
    testing::DovecotServer server;
    server.add_user(User, Password);
    for (int index = 0; index < 5; ++index)
        server.put_message(User, "INBOX", synthetic_message(100, static_cast<std::uint32_t>(index)));
    auto client = logged_in(server);
    REQUIRE(client->examine("INBOX"));
    auto uids = all_uids(*client);
    REQUIRE(uids.size() == 5);
    auto beyond = client->uids_from(uids.back() + 1);
    REQUIRE(beyond);
    CHECK(beyond->empty());
    auto last = client->uids_from(uids.back());
    REQUIRE(last);
    CHECK(*last == std::vector<std::uint32_t>{uids.back()});

    std::vector<std::uint32_t> wanted = uids;
    wanted.push_back(9999);
    std::size_t delivered = 0;
    auto report = client->fetch_messages(wanted, [&](FetchedMessage&&) {
        ++delivered;
        return true;
    }, FetchOptions{2, 3});
    REQUIRE(report);
    CHECK(delivered == 5);
    REQUIRE(report->failures.size() == 1);
    CHECK(report->failures[0].uid == 9999);

    auto old = client->uids_before(std::chrono::year_month_day{std::chrono::year{1990}, std::chrono::January, std::chrono::day{1}});
    REQUIRE(old);
    CHECK(old->empty());
    auto recent = client->uids_before(std::chrono::year_month_day{std::chrono::year{2200}, std::chrono::January, std::chrono::day{1}});
    REQUIRE(recent);
    CHECK(recent->size() == 5);
}

TEST_CASE("store_deleted and uid_expunge remove exactly the given UIDs; move uses MOVE") {
    testing::DovecotServer server;
    server.add_user(User, Password);
    server.create_folder(User, "Archive");
    for (int index = 0; index < 6; ++index)
        server.put_message(User, "INBOX", synthetic_message(100, static_cast<std::uint32_t>(index)));
    auto client = logged_in(server);
    REQUIRE(client->select("INBOX"));
    auto uids = all_uids(*client);
    REQUIRE(client->store_deleted(std::vector<std::uint32_t>{uids[1], uids[3]}));
    auto deleted = client->uids_flagged_deleted();
    REQUIRE(deleted);
    CHECK(*deleted == std::vector<std::uint32_t>{uids[1], uids[3]});
    REQUIRE(client->uid_expunge(std::vector<std::uint32_t>{uids[1]}));
    CHECK(all_uids(*client) == std::vector<std::uint32_t>{uids[0], uids[2], uids[3], uids[4], uids[5]});
    REQUIRE(client->expunge());
    CHECK(all_uids(*client) == std::vector<std::uint32_t>{uids[0], uids[2], uids[4], uids[5]});

    REQUIRE(client->has_capability("MOVE"));
    REQUIRE(client->move(std::vector<std::uint32_t>{uids[0], uids[5]}, "Archive"));
    CHECK(all_uids(*client) == std::vector<std::uint32_t>{uids[2], uids[4]});
    REQUIRE(client->examine("Archive"));
    CHECK(all_uids(*client).size() == 2);
}

TEST_CASE("a server without UIDPLUS and MOVE: uid_expunge is Unsupported, move falls back to COPY") {
    testing::DovecotServer server(testing::DovecotServer::Options{{"UIDPLUS", "MOVE"}, {}});
    server.add_user(User, Password);
    server.create_folder(User, "Archive");
    for (int index = 0; index < 3; ++index)
        server.put_message(User, "INBOX", synthetic_message(100, static_cast<std::uint32_t>(index)));
    auto client = logged_in(server);
    CHECK(!client->has_capability("UIDPLUS"));
    CHECK(!client->has_capability("MOVE"));
    REQUIRE(client->select("INBOX"));
    auto uids = all_uids(*client);
    auto expunged = client->uid_expunge(std::vector<std::uint32_t>{uids[0]});
    REQUIRE(!expunged);
    CHECK(expunged.error().code == ErrorCode::Unsupported);
    CHECK(contains(expunged.error().message, "UIDPLUS"));
    REQUIRE(client->move(std::vector<std::uint32_t>{uids[1]}, "Archive"));
    auto deleted = client->uids_flagged_deleted();
    REQUIRE(deleted);
    CHECK(*deleted == std::vector<std::uint32_t>{uids[1]});  // left for an expunge()
    REQUIRE(client->examine("Archive"));
    CHECK(all_uids(*client).size() == 1);
}

TEST_CASE("a server restart during a fetch gives Unavailable; the client then refuses further use") {
    testing::DovecotServer server;
    server.add_user(User, Password);
    for (int index = 0; index < 40; ++index)
        server.put_message(User, "INBOX", synthetic_message(200 * 1024, static_cast<std::uint32_t>(index)));
    auto client = logged_in(server);
    REQUIRE(client->examine("INBOX"));
    auto uids = all_uids(*client);
    bool restarted = false;
    std::size_t delivered = 0;
    auto report = client->fetch_messages(uids, [&](FetchedMessage&&) {
        ++delivered;
        if (!restarted) {
            restarted = true;
            server.restart();
        }
        return true;
    }, FetchOptions{4, 2});
    INFO("delivered " << delivered << "; log: " << server.log());
    REQUIRE(!report);
    CHECK(report.error().code == ErrorCode::Unavailable);
    CHECK(contains(report.error().message, "127.0.0.1:" + std::to_string(server.imap_port())));
    CHECK(contains(report.error().message, "closed"));
    MESSAGE(report.error().message);
    auto later = client->uids_from(1);
    REQUIRE(!later);
    CHECK(later.error().code == ErrorCode::Unavailable);
    // The server is back: a fresh client works.
    auto fresh = logged_in(server);
    CHECK(fresh->examine("INBOX"));
}

TEST_CASE("cancelling during a fetch returns Cancelled promptly; so does a callback returning false") {
    testing::DovecotServer server;
    server.add_user(User, Password);
    for (int index = 0; index < 30; ++index)
        server.put_message(User, "INBOX", synthetic_message(100 * 1024, static_cast<std::uint32_t>(index)));
    CancellationToken token;
    ConnectOptions options = plain_options(server);
    options.cancellation = &token;
    auto client = logged_in(server, options);
    REQUIRE(client->examine("INBOX"));
    auto uids = all_uids(*client);
    std::size_t delivered = 0;
    auto started = std::chrono::steady_clock::now();
    auto report = client->fetch_messages(uids, [&](FetchedMessage&&) {
        if (++delivered == 3)
            token.cancel();
        return true;
    });
    REQUIRE(!report);
    CHECK(report.error().code == ErrorCode::Cancelled);
    CHECK(delivered == 3);
    CHECK(std::chrono::steady_clock::now() - started < 5s);

    auto second = logged_in(server);
    REQUIRE(second->examine("INBOX"));
    auto stopped = second->fetch_messages(uids, [](FetchedMessage&&) { return false; });
    REQUIRE(!stopped);
    CHECK(stopped.error().code == ErrorCode::Cancelled);
}
}
