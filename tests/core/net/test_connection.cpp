// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/net/connection.h"
#include "tests/support/dovecot_server.h"

using namespace cairn;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

/// A listening socket that never accepts or answers: connects succeed, reads time out.
struct SilentListener {
    int descriptor = -1;
    std::uint16_t port = 0;
    SilentListener() {
        descriptor = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        REQUIRE(::bind(descriptor, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(descriptor, 4) == 0);
        ::getsockname(descriptor, reinterpret_cast<sockaddr*>(&address), &length);
        port = ntohs(address.sin_port);
    }
    ~SilentListener() { ::close(descriptor); }
};

std::uint16_t closed_port() {
    SilentListener listener;
    return listener.port;  // closed again when listener dies
}

}  // namespace

TEST_SUITE("net.connection") {
TEST_CASE("a self-signed certificate is refused with its fingerprint and what to do") {
    testing::DovecotServer server;
    auto connection = net::Connection::connect("localhost", server.imaps_port(), net::Security::Tls, {}, 5s);
    REQUIRE(!connection);
    const Error& error = connection.error();
    CHECK(error.code == ErrorCode::CryptoFailure);
    CHECK(contains(error.message, "localhost:" + std::to_string(server.imaps_port()) + ": "));
    CHECK(contains(error.message, "self-signed"));
    CHECK(contains(error.message, server.certificate_sha256()));
    CHECK(contains(error.message, "--trust-certificate " + server.certificate_sha256()));
}

TEST_CASE("a trusted fingerprint accepts the certificate; another fingerprint is refused") {
    testing::DovecotServer server;
    net::TlsOptions trusted;
    SUBCASE("as printed") { trusted.trusted_certificate_sha256 = server.certificate_sha256(); }
    SUBCASE("lower case without colons") {
        std::string compact;
        for (char character : server.certificate_sha256())
            if (character != ':')
                compact += static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
        trusted.trusted_certificate_sha256 = compact;
    }
    auto connection = net::Connection::connect("127.0.0.1", server.imaps_port(), net::Security::Tls, trusted, 5s);
    REQUIRE_MESSAGE(connection, (connection ? "" : connection.error().message));
    CHECK((*connection)->is_encrypted());
    CHECK((*connection)->peer_certificate_sha256() == server.certificate_sha256());
    auto greeting = (*connection)->read_line();
    REQUIRE(greeting);
    CHECK(greeting->starts_with("* OK"));

    net::TlsOptions wrong;
    wrong.trusted_certificate_sha256 = std::string(64, 'A');
    auto refused = net::Connection::connect("127.0.0.1", server.imaps_port(), net::Security::Tls, wrong, 5s);
    REQUIRE(!refused);
    CHECK(refused.error().code == ErrorCode::CryptoFailure);
    CHECK(contains(refused.error().message, "does not match"));
}

TEST_CASE("STARTTLS upgrades a plain connection") {
    testing::DovecotServer server;
    net::TlsOptions trusted;
    trusted.trusted_certificate_sha256 = server.certificate_sha256();
    auto connection =
        net::Connection::connect("localhost", server.imap_port(), net::Security::StartTlsLater, trusted, 5s);
    REQUIRE(connection);
    net::Connection& plain = **connection;
    CHECK(!plain.is_encrypted());
    REQUIRE(plain.read_line());
    REQUIRE(plain.write_all("a STARTTLS\r\n"));
    auto answer = plain.read_line();
    REQUIRE(answer);
    CHECK(answer->starts_with("a OK"));
    auto upgraded = plain.start_tls();
    REQUIRE_MESSAGE(upgraded, (upgraded ? "" : upgraded.error().message));
    CHECK(plain.is_encrypted());
    REQUIRE(plain.write_all("b CAPABILITY\r\n"));
    auto capability = plain.read_line();
    REQUIRE(capability);
    CHECK(capability->starts_with("* CAPABILITY"));
    CHECK(!contains(*capability, "STARTTLS"));
}

TEST_CASE("connection refused, unknown host and silence each say so") {
    auto refused = net::Connection::connect("127.0.0.1", closed_port(), net::Security::Plain, {}, 2s);
    REQUIRE(!refused);
    CHECK(refused.error().code == ErrorCode::Unavailable);
    CHECK(contains(refused.error().message, "refused"));

    auto unknown = net::Connection::connect("no-such-host.invalid", 993, net::Security::Tls, {}, 2s);
    REQUIRE(!unknown);
    CHECK(unknown.error().code == ErrorCode::Unavailable);
    CHECK(contains(unknown.error().message, "no-such-host.invalid:993: "));
    CHECK(contains(unknown.error().message, "\"no-such-host.invalid\""));

    SilentListener silent;
    auto connection = net::Connection::connect("127.0.0.1", silent.port, net::Security::Plain, {}, 300ms);
    REQUIRE(connection);
    auto line = (*connection)->read_line();
    REQUIRE(!line);
    CHECK(line.error().code == ErrorCode::Unavailable);
    CHECK(contains(line.error().message, "timed out"));

    auto handshake = net::Connection::connect("127.0.0.1", silent.port, net::Security::Tls, {}, 300ms);
    REQUIRE(!handshake);
    CHECK(contains(handshake.error().message, "timed out"));
}

TEST_CASE("a cancelled token stops a read within a fraction of a second") {
    SilentListener silent;
    CancellationToken token;
    auto connection = net::Connection::connect("127.0.0.1", silent.port, net::Security::Plain, {}, 30s, &token);
    REQUIRE(connection);
    std::thread canceller([&] {
        std::this_thread::sleep_for(100ms);
        token.cancel();
    });
    auto started = std::chrono::steady_clock::now();
    auto line = (*connection)->read_line();
    canceller.join();
    REQUIRE(!line);
    CHECK(line.error().code == ErrorCode::Cancelled);
    CHECK(std::chrono::steady_clock::now() - started < 1s);
}

TEST_CASE("lines and exact reads share one buffer; a long line is refused") {
    testing::DovecotServer server;
    auto connection = net::Connection::connect("127.0.0.1", server.imap_port(), net::Security::Plain, {}, 5s);
    REQUIRE(connection);
    auto greeting = (*connection)->read_exact(4);
    REQUIRE(greeting);
    CHECK(*greeting == "* OK");
    auto rest = (*connection)->read_line();
    REQUIRE(rest);
    CHECK(rest->ends_with("\r\n"));
    REQUIRE((*connection)->write_all("a CAPABILITY\r\n"));
    auto too_long = (*connection)->read_line(10);
    REQUIRE(!too_long);
    CHECK(too_long.error().code == ErrorCode::LimitExceeded);
}
}
