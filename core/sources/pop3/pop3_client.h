// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/net/connection.h"
#include "core/sources/pop3/pop3_response.h"

namespace cairn::sources::pop3 {

enum class Pop3Security {
    Tls,       ///< POP3S, usually port 995
    StartTls,  ///< plain connection upgraded with STLS (RFC 2595), usually port 110; refused if not offered
    Plain,     ///< never encrypted; signing in then needs ConnectOptions::allow_plaintext
};

struct ConnectOptions {
    std::string host;
    std::uint16_t port = 995;
    Pop3Security security = Pop3Security::Tls;
    net::TlsOptions tls;
    /// Bounds each network wait (connect, every read and write): the time allowed without progress.
    std::chrono::milliseconds timeout{60000};
    /// Lets authenticate() send credentials over an unencrypted connection (tests, or a server
    /// on localhost). Off by default: the password would cross the network readable.
    bool allow_plaintext = false;
    /// Checked at least every 200 ms while waiting and between messages; may be null, otherwise
    /// it must outlive the client.
    const CancellationToken* cancellation = nullptr;
};

enum class AuthMechanism {
    Automatic,  ///< AUTH PLAIN when the server lists it under SASL, else USER/PASS
    UserPass,   ///< USER and PASS (RFC 1939)
    Plain,      ///< AUTH PLAIN (RFC 5034, RFC 4616) with an initial response
    XOAuth2,    ///< AUTH XOAUTH2 with an OAuth access token as the secret
};

struct Credentials {
    std::string user;
    std::string secret;  ///< the password, or the access token for XOAUTH2
    AuthMechanism mechanism = AuthMechanism::Automatic;
};

struct MailboxStatus {
    std::uint32_t message_count = 0;
    std::uint64_t total_bytes = 0;
};

/// A message of the maildrop: its number in this session and its unique id (UIDL), which stays
/// the same across sessions.
struct MessageId {
    std::uint32_t number = 0;
    std::string unique_id;
};

struct MessageSize {
    std::uint32_t number = 0;
    std::uint64_t size = 0;  ///< as the server counts it (with CRLF line ends)
};

struct RetrievedMessage {
    std::uint32_t number = 0;
    /// The message as the server sent it, dot-stuffing undone: CRLF lines, exactly what the
    /// server stores (Dovecot serves a stored bare LF as CRLF). A message that does not end
    /// with a line end gets one from the server (RFC 1939 requires the CRLF before ".").
    std::string bytes;
};

/// A message the server refused to send (-ERR to RETR); the rest of the run went on.
struct RetrieveFailure {
    std::uint32_t number = 0;
    std::string reason;
};

struct RetrieveReport {
    std::size_t retrieved = 0;
    std::vector<RetrieveFailure> failures;
};

struct RetrieveOptions {
    /// RETR commands sent before the first answer is read, when the server advertises
    /// PIPELINING (RFC 2449): the server streams one message while the next commands already
    /// wait, so there is no round trip per message. Without PIPELINING: one at a time.
    std::size_t commands_in_flight = 8;
};

/// Called for each message as it arrives, in the order asked; return false to stop.
using RetrievedCallback = std::function<bool(RetrievedMessage&&)>;

/// A POP3 client over one connection, for archiving.
///
/// Deletion: DELE only marks a message; the server removes marked messages when the session
/// ends with QUIT (the UPDATE state, RFC 1939 §6). A connection that drops, or a session ended
/// without quit(), deletes nothing, and reset() (RSET) unmarks everything.
///
/// Errors: Unavailable for network failures and a dropped connection, or a server that is
/// temporarily unable ([SYS/TEMP], [IN-USE]: the maildrop is locked by another session);
/// PermissionDenied when the server refuses the login (naming the user, never the secret);
/// CryptoFailure for an untrusted certificate (see net::Connection); InvalidArgument for a
/// password that would go unencrypted; Unsupported for a missing capability (STLS); InvalidData
/// for something that is not POP3; Cancelled. After Unavailable, Cancelled or InvalidData the
/// client is unusable: discard it and connect again (every later call fails).
/// Not thread-safe.
class Pop3Client {
public:
    ~Pop3Client();
    Pop3Client(const Pop3Client&) = delete;
    Pop3Client& operator=(const Pop3Client&) = delete;

    /// Connects, reads the greeting, asks for the capabilities (CAPA) and upgrades with STLS
    /// when asked.
    [[nodiscard]] static Result<std::unique_ptr<Pop3Client>> connect(const ConnectOptions& options);

    /// Signs in. Asks for the capabilities again afterwards (servers may offer more then).
    [[nodiscard]] Result<void> authenticate(const Credentials& credentials);

    /// Upper-case capability lines as last advertised ("UIDL", "PIPELINING", "SASL PLAIN LOGIN").
    const std::vector<std::string>& capabilities() const { return m_capabilities; }
    /// Whether a capability line starts with NAME (any case): "SASL" matches "SASL PLAIN".
    bool has_capability(std::string_view name) const;
    /// Whether the SASL capability lists MECHANISM.
    bool has_sasl_mechanism(std::string_view mechanism) const;
    /// Whether RETR commands are pipelined (the server advertises PIPELINING).
    bool pipelining() const { return has_capability("PIPELINING"); }

    /// STAT: message count and total size, messages marked deleted left out.
    [[nodiscard]] Result<MailboxStatus> status();
    /// UIDL: every message's number and unique id, in message number order.
    [[nodiscard]] Result<std::vector<MessageId>> unique_ids();
    /// LIST: every message's size.
    [[nodiscard]] Result<std::vector<MessageSize>> sizes();
    /// RETR of each of NUMBERS, pipelined when the server allows, calling ON_MESSAGE as each
    /// arrives. A message the server refuses is listed in the report; the run goes on.
    /// Cancelled when the token is cancelled or ON_MESSAGE returns false (the client is then
    /// unusable, since answers are still in flight).
    [[nodiscard]] Result<RetrieveReport> retrieve(std::span<const std::uint32_t> numbers,
                                                  const RetrievedCallback& on_message,
                                                  const RetrieveOptions& options = {});
    /// One message; NotFound when the server refuses it.
    [[nodiscard]] Result<std::string> retrieve(std::uint32_t number);
    /// DELE: marks the message; it is removed only at quit().
    [[nodiscard]] Result<void> mark_deleted(std::uint32_t number);
    /// RSET: unmarks every message marked in this session.
    [[nodiscard]] Result<void> reset();
    /// QUIT: the server removes the marked messages and closes. An error means the deletions
    /// may not have happened (the server answered -ERR, or the connection dropped first).
    [[nodiscard]] Result<void> quit();

    /// The server's certificate fingerprint ("AB:CD:..."), empty without TLS.
    const std::string& certificate_sha256() const;
    bool is_encrypted() const;

private:
    Pop3Client(std::unique_ptr<net::Connection> connection, ConnectOptions options);

    Result<void> read_greeting();
    Result<void> refresh_capabilities();
    Result<void> start_tls();
    Result<StatusLine> read_status();
    Result<StatusLine> run_command(std::string_view command);
    Result<std::string> read_multi_line();
    Result<void> send(std::string_view bytes);
    Result<void> authenticate_user_pass(const Credentials& credentials);
    Result<void> authenticate_sasl(std::string_view mechanism, const std::string& initial_response,
                                   const Credentials& credentials);
    std::unexpected<Error> fail(ErrorCode code, std::string problem);
    std::unexpected<Error> broken(Error error);
    std::unexpected<Error> refused(std::string_view what, const StatusLine& status);
    std::unexpected<Error> login_refused(const Credentials& credentials, std::string_view how, const StatusLine& status);
    Result<void> check_usable() const;

    std::unique_ptr<net::Connection> m_connection;
    ConnectOptions m_options;
    std::vector<std::string> m_capabilities;
    bool m_failed = false;
};

}  // namespace cairn::sources::pop3
