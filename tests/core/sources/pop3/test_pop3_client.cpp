// SPDX-License-Identifier: GPL-3.0-or-later
// The POP3 client and account reader against a real Dovecot on loopback.
#include <doctest/doctest.h>

#include <algorithm>
#include <any>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "core/sources/pop3/account_reader.h"
#include "core/sources/pop3/pop3_client.h"
#include "tests/core/sources/collecting_sink.h"
#include "tests/support/dovecot_server.h"

using namespace cairn;
using namespace cairn::sources::pop3;
using namespace std::chrono_literals;

namespace {

constexpr const char* User = "alice";
constexpr const char* Password = "correct horse";

ConnectOptions plain_options(const testing::DovecotServer& server) {
    ConnectOptions options;
    options.host = "127.0.0.1";
    options.port = server.pop3_port();
    options.security = Pop3Security::Plain;
    options.allow_plaintext = true;
    options.timeout = 10s;
    return options;
}

std::unique_ptr<Pop3Client> signed_in(const ConnectOptions& options, AuthMechanism mechanism = AuthMechanism::Automatic) {
    auto client = Pop3Client::connect(options);
    REQUIRE_MESSAGE(client, (client ? "" : client.error().message));
    auto login = (*client)->authenticate({User, Password, mechanism});
    REQUIRE_MESSAGE(login, (login ? "" : login.error().message));
    return std::move(*client);
}

std::string synthetic_message(std::size_t body_bytes, std::uint32_t seed) {
    std::string message = "From: Sender <sender@example.org>\r\nTo: alice@example.org\r\nSubject: synthetic " +
                          std::to_string(seed) + "\r\n\r\n";
    std::uint32_t state = seed * 2654435761u + 1;
    while (message.size() < body_bytes) {
        state = state * 1103515245u + 12345u;
        message += "line " + std::to_string(state % 100000) + " of " + std::to_string(seed) + "\r\n";
    }
    return message;
}

/// Messages whose lines start with dots, a lone "." line, bare LF lines, and ordinary ones.
std::vector<std::string> tricky_messages() {
    std::vector<std::string> messages;
    messages.push_back("Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\n...three\r\n. \r\n");
    messages.push_back("Subject: bare LF\n\nline one\n.\nline . two\n");
    messages.push_back("Subject: lone CR\r\n\r\na\rb\r\n.\rc\r\n");
    messages.push_back("Subject: 8bit\r\n\r\n\xC3\xA4\xFF\x80 bytes\r\n");
    return messages;
}

struct Mailbox {
    Mailbox() { server.add_user(User, Password); }

    void put(const std::string& bytes) {
        server.put_message(User, "INBOX", bytes);
        served.push_back(testing::DovecotServer::served_form(bytes));
    }

    testing::DovecotServer server;
    std::vector<std::string> served;  ///< in message number order
};

}  // namespace

TEST_SUITE("pop3.client") {
TEST_CASE("USER/PASS and AUTH PLAIN sign in; a wrong password is PermissionDenied naming the user, not the password") {
    Mailbox mailbox;
    for (AuthMechanism mechanism : {AuthMechanism::UserPass, AuthMechanism::Plain, AuthMechanism::Automatic}) {
        auto client = signed_in(plain_options(mailbox.server), mechanism);
        CHECK(client->has_capability("UIDL"));
        CHECK(client->pipelining());
        auto status = client->status();
        REQUIRE(status);
        CHECK(status->message_count == 0);
    }
    for (AuthMechanism mechanism : {AuthMechanism::UserPass, AuthMechanism::Plain}) {
        auto client = Pop3Client::connect(plain_options(mailbox.server));
        REQUIRE(client);
        auto login = (*client)->authenticate({User, "wrong password", mechanism});
        REQUIRE_FALSE(login);
        CHECK(login.error().code == ErrorCode::PermissionDenied);
        CHECK(login.error().message.find("alice") != std::string::npos);
        CHECK(login.error().message.find("wrong password") == std::string::npos);
    }
}

TEST_CASE("a password is not sent unencrypted unless allowed") {
    Mailbox mailbox;
    auto options = plain_options(mailbox.server);
    options.allow_plaintext = false;
    auto client = Pop3Client::connect(options);
    REQUIRE(client);
    auto login = (*client)->authenticate({User, Password, AuthMechanism::Automatic});
    REQUIRE_FALSE(login);
    CHECK(login.error().code == ErrorCode::InvalidArgument);
    CHECK(login.error().message.find(Password) == std::string::npos);
}

TEST_CASE("POP3S and STLS with a trusted fingerprint; an unknown self-signed certificate is CryptoFailure") {
    Mailbox mailbox;
    ConnectOptions options;
    options.host = "127.0.0.1";
    options.timeout = 10s;

    options.port = mailbox.server.pop3s_port();
    options.security = Pop3Security::Tls;
    auto untrusted = Pop3Client::connect(options);
    REQUIRE_FALSE(untrusted);
    CHECK(untrusted.error().code == ErrorCode::CryptoFailure);

    options.tls.trusted_certificate_sha256 = mailbox.server.certificate_sha256();
    auto secure = signed_in(options);
    CHECK(secure->is_encrypted());
    CHECK(secure->certificate_sha256() == mailbox.server.certificate_sha256());

    options.port = mailbox.server.pop3_port();
    options.security = Pop3Security::StartTls;
    auto upgraded = signed_in(options);
    CHECK(upgraded->is_encrypted());
    CHECK_FALSE(upgraded->has_capability("STLS"));  // asked again after the upgrade
}

TEST_CASE("UIDL and RETR give about a hundred messages byte for byte, pipelined or one at a time") {
    Mailbox mailbox;
    for (const auto& message : tricky_messages())
        mailbox.put(message);
    for (std::uint32_t index = 0; index < 95; ++index)
        mailbox.put(synthetic_message(200 + index * 131, index));
    mailbox.put(synthetic_message(3 << 20, 999));

    auto client = signed_in(plain_options(mailbox.server));
    REQUIRE(client->pipelining());
    auto ids = client->unique_ids();
    REQUIRE(ids);
    REQUIRE(ids->size() == mailbox.served.size());
    std::set<std::string> distinct;
    for (const auto& id : *ids)
        distinct.insert(id.unique_id);
    CHECK(distinct.size() == ids->size());
    auto sizes = client->sizes();
    REQUIRE(sizes);
    REQUIRE(sizes->size() == mailbox.served.size());

    for (std::size_t in_flight : {std::size_t{8}, std::size_t{1}}) {
        CAPTURE(in_flight);
        std::vector<std::uint32_t> numbers;
        for (const auto& id : *ids)
            numbers.push_back(id.number);
        std::vector<RetrievedMessage> retrieved;
        auto report = client->retrieve(
            numbers,
            [&](RetrievedMessage&& message) {
                retrieved.push_back(std::move(message));
                return true;
            },
            RetrieveOptions{in_flight});
        REQUIRE_MESSAGE(report, (report ? "" : report.error().message));
        CHECK(report->failures.empty());
        REQUIRE(retrieved.size() == mailbox.served.size());
        for (std::size_t index = 0; index < retrieved.size(); ++index) {
            CAPTURE(index);
            CHECK(retrieved[index].number == numbers[index]);
            CHECK(retrieved[index].bytes.size() == (*sizes)[index].size);
            CHECK(retrieved[index].bytes == mailbox.served[index]);
        }
    }
    auto single = client->retrieve(1);
    REQUIRE(single);
    CHECK(*single == mailbox.served[0]);
    auto missing = client->retrieve(5000);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::NotFound);
}

TEST_CASE("DELE takes effect only at QUIT; RSET and a dropped session delete nothing") {
    Mailbox mailbox;
    for (std::uint32_t index = 0; index < 4; ++index)
        mailbox.put(synthetic_message(300, index));
    {
        auto client = signed_in(plain_options(mailbox.server));
        REQUIRE(client->mark_deleted(1));
        CHECK(client->status()->message_count == 3);  // marked, hidden from this session
        REQUIRE(client->reset());
        CHECK(client->status()->message_count == 4);
        REQUIRE(client->mark_deleted(2));
    }  // no QUIT
    {
        auto client = signed_in(plain_options(mailbox.server));
        CHECK(client->status()->message_count == 4);
        REQUIRE(client->mark_deleted(2));
        REQUIRE(client->mark_deleted(3));
        REQUIRE(client->quit());
        CHECK_FALSE(client->status());  // closed
    }
    auto client = signed_in(plain_options(mailbox.server));
    CHECK(client->status()->message_count == 2);
    auto ids = client->unique_ids();
    REQUIRE(ids);
    CHECK(*client->retrieve(2) == mailbox.served[3]);
}
}

TEST_SUITE("pop3.account_reader") {
TEST_CASE("the account reader passes new messages with their UIDL checkpoints and skips archived ones") {
    Mailbox mailbox;
    for (std::uint32_t index = 0; index < 20; ++index)
        mailbox.put(synthetic_message(500, index));

    struct Sink : testing::CollectingSink {
        void on_checkpoint(std::any position) override {
            if (auto* expected = std::any_cast<sources::ExpectedMessages>(&position))
                expected_count = expected->count;
            else if (auto* fetched = std::any_cast<Pop3MessageFetched>(&position))
                pending[fetched->number] = fetched->unique_id;
        }
        bool on_message(sources::RawMessage&& message) override {
            unique_ids.push_back(pending.at(static_cast<std::uint32_t>(message.offset)));
            return testing::CollectingSink::on_message(std::move(message));
        }
        std::uint64_t expected_count = 0;
        std::map<std::uint32_t, std::string> pending;
        std::vector<std::string> unique_ids;
    };

    AccountReadOptions options;
    options.connect = plain_options(mailbox.server);
    options.credentials = [] { return Result<Credentials>(Credentials{User, Password, AuthMechanism::Automatic}); };
    options.source_name = "pop3://alice@127.0.0.1";
    Sink first;
    auto summary = read_pop3_account(options, first, nullptr);
    CHECK_FALSE(summary.error);
    CHECK(first.expected_count == 20);
    REQUIRE(first.messages.size() == 20);
    for (std::size_t index = 0; index < 20; ++index) {
        CHECK(first.messages[index].bytes == mailbox.served[index]);
        CHECK(first.messages[index].folder == "INBOX");
        CHECK(first.messages[index].source_path == "pop3://alice@127.0.0.1");
        CHECK(first.messages[index].offset == index + 1);
        CHECK_FALSE(first.messages[index].received_time);
    }

    options.archived_unique_ids.insert(first.unique_ids.begin(), first.unique_ids.end());
    mailbox.put(synthetic_message(500, 100));
    Sink second;
    summary = read_pop3_account(options, second, nullptr);
    CHECK(summary.already_archived == 20);
    REQUIRE(second.messages.size() == 1);
    CHECK(second.messages[0].bytes == mailbox.served.back());
    // Reading deleted nothing and the server still has everything.
    CHECK(signed_in(plain_options(mailbox.server))->status()->message_count == 21);
}

TEST_CASE("a server restart during the read reconnects and passes every message once") {
    Mailbox mailbox;
    constexpr std::uint32_t Messages = 300;
    for (std::uint32_t index = 0; index < Messages; ++index)
        mailbox.put(synthetic_message(60000, index));

    // The restart happens from inside the sink, at a known point: with pipelining, answers are
    // in flight then, and the reader finds the connection dead when it reads on.
    struct RestartingSink : testing::CollectingSink {
        explicit RestartingSink(testing::DovecotServer& server) : server(server) {}
        bool on_message(sources::RawMessage&& message) override {
            if (messages.size() == 100)
                server.restart();
            return testing::CollectingSink::on_message(std::move(message));
        }
        testing::DovecotServer& server;
    } sink(mailbox.server);
    AccountReadOptions options;
    options.connect = plain_options(mailbox.server);
    options.credentials = [] { return Result<Credentials>(Credentials{User, Password, AuthMechanism::Automatic}); };
    options.source_name = "pop3://alice@127.0.0.1";
    options.reconnect.first_pause_seconds = 0.2;
    auto summary = read_pop3_account(options, sink, nullptr);
    CHECK_FALSE(summary.error);
    CHECK(summary.reconnections >= 1);
    std::multiset<std::string> passed;
    for (const auto& message : sink.messages)
        passed.insert(message.bytes);
    CHECK(passed.size() == Messages);
    CHECK(std::set<std::string>(passed.begin(), passed.end()).size() == Messages);
    CHECK(std::set<std::string>(mailbox.served.begin(), mailbox.served.end()) ==
          std::set<std::string>(passed.begin(), passed.end()));
}
}
