// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/progress.h"
#include "core/base/result.h"

/// Client network connections: the only module (with core/crypto) that talks to sockets and
/// OpenSSL's TLS.
namespace cairn::net {

enum class Security {
    Tls,            ///< TLS from the first byte (IMAPS 993, POP3S 995)
    StartTlsLater,  ///< plain now, the protocol upgrades with start_tls() (IMAP STARTTLS, POP3 STLS)
    Plain,          ///< never encrypted: only for tests or when the user insists
};

struct TlsOptions {
    /// Hex SHA-256 of the server's leaf certificate (DER), with or without ':' separators, any
    /// case. When set, a certificate that fails CA or host name verification is accepted only if
    /// its fingerprint matches exactly. A certificate that passes verification is always accepted.
    std::optional<std::string> trusted_certificate_sha256;
};

/// A blocking TCP connection, optionally with TLS, with buffered reads.
///
/// Every connect, read and write is bounded by the timeout given to connect() (the time allowed
/// without progress), and waits wake at least every 200 ms to check the cancellation token.
///
/// Errors (the message always names "host:port"):
/// - ErrorCode::Unavailable: DNS failure, connection refused, timeout, connection closed by the
///   server, TLS handshake failure that is not about the certificate. The caller may retry.
/// - ErrorCode::CryptoFailure: the server's certificate is not trusted (self-signed, expired,
///   wrong host name, unknown authority, fingerprint mismatch). Retrying will not help; the
///   message says what the user can do (e.g. trust the certificate's fingerprint).
/// - ErrorCode::Cancelled: the token was cancelled while waiting.
/// - ErrorCode::LimitExceeded: a line longer than the caller's limit.
/// After any error other than LimitExceeded the connection is unusable; discard it.
/// Not thread-safe: one thread uses a connection at a time.
class Connection {
public:
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Resolves HOST (IPv4 and IPv6), connects to the first address that answers and, for
    /// Security::Tls, performs the TLS handshake with certificate verification. CANCELLATION
    /// may be null; when given it must outlive the connection.
    [[nodiscard]] static Result<std::unique_ptr<Connection>> connect(std::string_view host, std::uint16_t port,
                                                                     Security security, const TlsOptions& tls_options,
                                                                     std::chrono::milliseconds timeout,
                                                                     const CancellationToken* cancellation = nullptr);

    /// Upgrades a Security::StartTlsLater connection to TLS, after the protocol's STARTTLS/STLS
    /// exchange. Any bytes the server sent before the handshake and that were read ahead are
    /// discarded (they would be a plaintext injection, CVE-2011-0411 style).
    [[nodiscard]] Result<void> start_tls();

    /// The next line including its CRLF (a bare LF also ends a line). LimitExceeded when no line
    /// end comes within MAX_LENGTH bytes.
    [[nodiscard]] Result<std::string> read_line(std::size_t max_length = 64 * 1024);
    /// Like read_line, but appends to OUT (no copy of what was read so far).
    [[nodiscard]] Result<void> read_line_into(std::string& out, std::size_t max_length);
    /// Exactly COUNT bytes.
    [[nodiscard]] Result<std::string> read_exact(std::size_t count);
    /// Appends exactly COUNT bytes to OUT, reading straight into it once the buffer is drained,
    /// so a large literal costs one pass over its bytes.
    [[nodiscard]] Result<void> read_exact_into(std::string& out, std::size_t count);
    [[nodiscard]] Result<void> write_all(std::string_view bytes);

    /// True once TLS is active.
    bool is_encrypted() const;
    /// The SHA-256 fingerprint of the server's leaf certificate as "AB:CD:...", or empty when
    /// the connection is not encrypted.
    const std::string& peer_certificate_sha256() const;
    /// "host:port", the prefix of every error message.
    const std::string& endpoint() const;
    void set_timeout(std::chrono::milliseconds timeout);

    struct State;

private:
    explicit Connection(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

/// "ab cd:EF..." -> "ABCDEF...": the form fingerprints are compared in.
std::string normalize_fingerprint(std::string_view fingerprint);
/// "ABCDEF..." -> "AB:CD:EF:...".
std::string format_fingerprint(std::string_view hex);

}  // namespace cairn::net
