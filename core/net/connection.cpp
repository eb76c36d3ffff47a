// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/net/connection.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cairn::net {

using Clock = std::chrono::steady_clock;

namespace {

/// How often a wait wakes to look at the cancellation token.
constexpr std::chrono::milliseconds CancellationPollInterval{200};
constexpr std::size_t ReadChunkBytes = 256 * 1024;

std::string openssl_error_text() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        std::array<char, 256> buffer{};
        ERR_error_string_n(code, buffer.data(), buffer.size());
        if (!text.empty())
            text += "; ";
        text += buffer.data();
    }
    return text.empty() ? std::string("unknown TLS error") : text;
}

bool is_ip_address(const std::string& host) {
    std::array<unsigned char, sizeof(in6_addr)> address{};
    return inet_pton(AF_INET, host.c_str(), address.data()) == 1 ||
           inet_pton(AF_INET6, host.c_str(), address.data()) == 1;
}

/// A socket BIO that writes with MSG_NOSIGNAL: a server that closes the connection must give
/// an error, not kill the process with SIGPIPE, and a library must not change signal handling.
int bio_write(BIO* bio, const char* data, int length) {
    int descriptor = static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio)));
    BIO_clear_retry_flags(bio);
    ssize_t written = ::send(descriptor, data, static_cast<std::size_t>(length), MSG_NOSIGNAL);
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_write(bio);
    return static_cast<int>(written);
}

int bio_read(BIO* bio, char* data, int length) {
    int descriptor = static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio)));
    BIO_clear_retry_flags(bio);
    ssize_t received = ::recv(descriptor, data, static_cast<std::size_t>(length), 0);
    if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_read(bio);
    return static_cast<int>(received);
}

long bio_control(BIO*, int command, long, void*) {
    return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int bio_create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}

BIO_METHOD* socket_bio_method() {
    static BIO_METHOD* method = [] {
        BIO_METHOD* created = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "cairn socket");
        BIO_meth_set_write(created, bio_write);
        BIO_meth_set_read(created, bio_read);
        BIO_meth_set_ctrl(created, bio_control);
        BIO_meth_set_create(created, bio_create);
        return created;
    }();
    return method;
}

std::string certificate_fingerprint(X509* certificate) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (X509_digest(certificate, EVP_sha256(), digest.data(), &length) != 1)
        return {};
    static constexpr char Hex[] = "0123456789ABCDEF";
    std::string hex;
    for (unsigned int index = 0; index < length; ++index) {
        hex += Hex[digest[index] >> 4];
        hex += Hex[digest[index] & 0xF];
    }
    return format_fingerprint(hex);
}

std::string certificate_names(X509* certificate) {
    std::string names;
    auto* alternative_names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    if (alternative_names != nullptr) {
        for (int index = 0; index < sk_GENERAL_NAME_num(alternative_names); ++index) {
            const GENERAL_NAME* name = sk_GENERAL_NAME_value(alternative_names, index);
            if (name->type != GEN_DNS)
                continue;
            const unsigned char* data = ASN1_STRING_get0_data(name->d.dNSName);
            if (!names.empty())
                names += ", ";
            names.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
        }
        GENERAL_NAMES_free(alternative_names);
    }
    if (names.empty()) {
        std::array<char, 256> common_name{};
        if (X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, common_name.data(),
                                      static_cast<int>(common_name.size())) > 0)
            names = common_name.data();
    }
    return names;
}

std::string asn1_time_text(const ASN1_TIME* time) {
    BIO* memory = BIO_new(BIO_s_mem());
    ASN1_TIME_print(memory, time);
    char* data = nullptr;
    long length = BIO_get_mem_data(memory, &data);
    std::string text(data, static_cast<std::size_t>(std::max(0L, length)));
    BIO_free(memory);
    return text;
}

}  // namespace

struct Connection::State {
    std::string host;
    std::string endpoint;
    int descriptor = -1;
    SSL_CTX* context = nullptr;
    SSL* ssl = nullptr;
    TlsOptions tls_options;
    std::chrono::milliseconds timeout{30000};
    const CancellationToken* cancellation = nullptr;
    std::string fingerprint;
    /// Read-ahead: bytes [input_start, size) are unread. Compacted when the front half is
    /// consumed, so reads stay linear.
    std::string input;
    std::size_t input_start = 0;

    ~State() {
        if (ssl != nullptr)
            SSL_free(ssl);
        if (context != nullptr)
            SSL_CTX_free(context);
        if (descriptor >= 0)
            ::close(descriptor);
    }

    std::unexpected<Error> fail(ErrorCode code, const std::string& problem) const {
        return make_error(code, endpoint + ": " + problem);
    }

    std::unexpected<Error> closed_error() const {
        return fail(ErrorCode::Unavailable, "the connection was closed by the server");
    }

    /// Waits until the socket is ready for EVENTS or the deadline passes.
    Result<void> wait_for(short events, Clock::time_point deadline, const char* doing) {
        for (;;) {
            if (cancellation != nullptr && cancellation->is_cancelled())
                return fail(ErrorCode::Cancelled, "cancelled");
            auto now = Clock::now();
            if (now >= deadline)
                return fail(ErrorCode::Unavailable,
                            std::string("timed out ") + doing + " after " +
                                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                                " seconds; the server or the network is not responding");
            auto slice = std::min<std::chrono::milliseconds>(
                CancellationPollInterval, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
                                              std::chrono::milliseconds(1));
            pollfd entry{descriptor, events, 0};
            int ready = ::poll(&entry, 1, static_cast<int>(slice.count()));
            if (ready < 0 && errno != EINTR)
                return fail(ErrorCode::Unavailable, std::string("poll failed: ") + std::strerror(errno));
            if (ready > 0)
                return {};
        }
    }

    /// Reads what is available (at least one byte) into the read-ahead buffer.
    Result<void> fill() {
        if (input_start > 0 && input_start * 2 >= input.size()) {
            input.erase(0, input_start);
            input_start = 0;
        }
        std::size_t old_size = input.size();
        input.resize(old_size + ReadChunkBytes);
        auto received = receive(input.data() + old_size, ReadChunkBytes);
        input.resize(old_size + (received ? *received : 0));
        if (!received)
            return std::unexpected(received.error());
        return {};
    }

    /// One read of up to LENGTH bytes into DATA; at least one byte, or an error.
    Result<std::size_t> receive(char* data, std::size_t length) {
        auto deadline = Clock::now() + timeout;
        for (;;) {
            if (ssl != nullptr) {
                ERR_clear_error();
                std::size_t got = 0;
                int status = SSL_read_ex(ssl, data, length, &got);
                if (status == 1)
                    return got;
                int error = SSL_get_error(ssl, status);
                if (error == SSL_ERROR_WANT_READ) {
                    CAIRN_TRY_VOID(wait_for(POLLIN, deadline, "waiting for the server"));
                    continue;
                }
                if (error == SSL_ERROR_WANT_WRITE) {
                    CAIRN_TRY_VOID(wait_for(POLLOUT, deadline, "waiting for the server"));
                    continue;
                }
                if (error == SSL_ERROR_ZERO_RETURN || (error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) ||
                    ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
                    ERR_clear_error();
                    return closed_error();
                }
                return fail(ErrorCode::Unavailable, "TLS read failed: " + openssl_error_text());
            }
            ssize_t got = ::recv(descriptor, data, length, 0);
            if (got > 0)
                return static_cast<std::size_t>(got);
            if (got == 0)
                return closed_error();
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                CAIRN_TRY_VOID(wait_for(POLLIN, deadline, "waiting for the server"));
                continue;
            }
            if (errno == ECONNRESET)
                return closed_error();
            return fail(ErrorCode::Unavailable, std::string("read failed: ") + std::strerror(errno));
        }
    }

    Result<void> send_all(std::string_view bytes) {
        auto deadline = Clock::now() + timeout;
        while (!bytes.empty()) {
            if (ssl != nullptr) {
                ERR_clear_error();
                std::size_t written = 0;
                int status = SSL_write_ex(ssl, bytes.data(), bytes.size(), &written);
                if (status == 1) {
                    bytes.remove_prefix(written);
                    deadline = Clock::now() + timeout;
                    continue;
                }
                int error = SSL_get_error(ssl, status);
                if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
                    CAIRN_TRY_VOID(wait_for(error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline,
                                            "sending to the server"));
                    continue;
                }
                if (error == SSL_ERROR_SYSCALL && (errno == EPIPE || errno == ECONNRESET))
                    return closed_error();
                return fail(ErrorCode::Unavailable, "TLS write failed: " + openssl_error_text());
            }
            ssize_t written = ::send(descriptor, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (written >= 0) {
                bytes.remove_prefix(static_cast<std::size_t>(written));
                deadline = Clock::now() + timeout;
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                CAIRN_TRY_VOID(wait_for(POLLOUT, deadline, "sending to the server"));
                continue;
            }
            if (errno == EPIPE || errno == ECONNRESET)
                return closed_error();
            return fail(ErrorCode::Unavailable, std::string("write failed: ") + std::strerror(errno));
        }
        return {};
    }

    Result<void> connect_socket(std::uint16_t port) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_ADDRCONFIG;
        addrinfo* addresses = nullptr;
        std::string service = std::to_string(port);
        int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &addresses);
        if (status != 0) {
            if (status == EAI_NONAME || status == EAI_NODATA || status == EAI_FAIL)
                return fail(ErrorCode::Unavailable, "the host name \"" + host +
                                                        "\" was not found (DNS); check the server name and your "
                                                        "network connection");
            return fail(ErrorCode::Unavailable,
                        "could not look up the host name \"" + host + "\": " + ::gai_strerror(status));
        }
        std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(addresses, ::freeaddrinfo);
        std::optional<Error> last_error;
        for (addrinfo* address = addresses; address != nullptr; address = address->ai_next) {
            int candidate = ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                                     address->ai_protocol);
            if (candidate < 0) {
                last_error = Error{ErrorCode::Unavailable, endpoint + ": socket failed: " + std::strerror(errno), {}};
                continue;
            }
            descriptor = candidate;
            auto connected = connect_one(address);
            if (connected) {
                int enable = 1;
                ::setsockopt(descriptor, IPPROTO_TCP, TCP_NODELAY, &enable, sizeof enable);
                return {};
            }
            ::close(descriptor);
            descriptor = -1;
            if (connected.error().code == ErrorCode::Cancelled)
                return std::unexpected(connected.error());
            last_error = connected.error();
        }
        if (last_error)
            return std::unexpected(*last_error);
        return fail(ErrorCode::Unavailable, "the host name has no usable address");
    }

    Result<void> connect_one(const addrinfo* address) {
        if (::connect(descriptor, address->ai_addr, address->ai_addrlen) != 0) {
            if (errno != EINPROGRESS)
                return connect_error(errno);
            auto waited = wait_for(POLLOUT, Clock::now() + timeout, "connecting");
            if (!waited)
                return waited;
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0)
                return connect_error(error);
        }
        return {};
    }

    std::unexpected<Error> connect_error(int error) const {
        if (error == ECONNREFUSED)
            return fail(ErrorCode::Unavailable,
                        "the connection was refused; check the port number and that the server is running");
        if (error == ENETUNREACH || error == EHOSTUNREACH)
            return fail(ErrorCode::Unavailable, "the server cannot be reached; check your network connection");
        if (error == ETIMEDOUT)
            return fail(ErrorCode::Unavailable, "timed out connecting; the server or the network is not responding");
        return fail(ErrorCode::Unavailable, std::string("could not connect: ") + std::strerror(error));
    }

    Result<void> handshake() {
        context = SSL_CTX_new(TLS_client_method());
        if (context == nullptr)
            return fail(ErrorCode::Internal, "cannot create a TLS context: " + openssl_error_text());
        SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
        SSL_CTX_set_default_verify_paths(context);
        // Verification runs during the handshake in either mode; VERIFY_NONE lets the handshake
        // finish so the result and the certificate can be inspected, which a precise error
        // message and fingerprint trust need. Nothing is sent before the check below passes.
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
        ssl = SSL_new(context);
        if (ssl == nullptr)
            return fail(ErrorCode::Internal, "cannot create a TLS session: " + openssl_error_text());
        BIO* bio = BIO_new(socket_bio_method());
        BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(descriptor)));
        SSL_set_bio(ssl, bio, bio);
        if (is_ip_address(host)) {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
        } else {
            SSL_set_tlsext_host_name(ssl, host.c_str());
            SSL_set1_host(ssl, host.c_str());
        }
        auto deadline = Clock::now() + timeout;
        for (;;) {
            ERR_clear_error();
            int status = SSL_connect(ssl);
            if (status == 1)
                break;
            int error = SSL_get_error(ssl, status);
            if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
                CAIRN_TRY_VOID(wait_for(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline,
                                        "during the TLS handshake"));
                continue;
            }
            if (error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
                return fail(ErrorCode::Unavailable,
                            "the server closed the connection during the TLS handshake; check that this port "
                            "expects TLS (IMAPS 993, POP3S 995) and not STARTTLS");
            return fail(ErrorCode::Unavailable,
                        "the TLS handshake failed (" + openssl_error_text() +
                            "); check that this port expects TLS and not STARTTLS");
        }
        return check_certificate();
    }

    Result<void> check_certificate() {
        X509* certificate = SSL_get0_peer_certificate(ssl);
        if (certificate == nullptr)
            return fail(ErrorCode::CryptoFailure, "the server sent no certificate");
        fingerprint = certificate_fingerprint(certificate);
        long verification = SSL_get_verify_result(ssl);
        if (verification == X509_V_OK)
            return {};
        std::string trust_hint = " If you trust it, add the account with --trust-certificate " + fingerprint;
        if (tls_options.trusted_certificate_sha256) {
            if (normalize_fingerprint(*tls_options.trusted_certificate_sha256) == normalize_fingerprint(fingerprint))
                return {};
            return fail(ErrorCode::CryptoFailure,
                        "the server's certificate (SHA-256 fingerprint " + fingerprint +
                            ") does not match the trusted fingerprint " +
                            format_fingerprint(normalize_fingerprint(*tls_options.trusted_certificate_sha256)) +
                            ". The certificate has changed, or someone is intercepting the connection; if the "
                            "server's administrator confirms the new fingerprint, trust it instead.");
        }
        std::string problem;
        switch (verification) {
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            problem = "the server's certificate is self-signed (SHA-256 fingerprint " + fingerprint + ").";
            break;
        case X509_V_ERR_CERT_HAS_EXPIRED:
            problem = "the server's certificate expired on " + asn1_time_text(X509_get0_notAfter(certificate)) +
                      " (SHA-256 fingerprint " + fingerprint + "); ask the server's administrator to renew it.";
            break;
        case X509_V_ERR_CERT_NOT_YET_VALID:
            problem = "the server's certificate is not valid before " +
                      asn1_time_text(X509_get0_notBefore(certificate)) + " (SHA-256 fingerprint " + fingerprint +
                      "); check this computer's clock.";
            break;
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            problem = "the server's certificate is for " + certificate_names(certificate) + ", not for " + host +
                      " (SHA-256 fingerprint " + fingerprint + "); check the server name.";
            break;
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            problem = "the server's certificate was issued by an authority this computer does not know "
                      "(SHA-256 fingerprint " + fingerprint + ").";
            break;
        default:
            problem = std::string("the server's certificate could not be verified: ") +
                      X509_verify_cert_error_string(verification) + " (SHA-256 fingerprint " + fingerprint + ").";
        }
        return fail(ErrorCode::CryptoFailure, problem + trust_hint);
    }
};

Connection::Connection(std::unique_ptr<State> state) : m_state(std::move(state)) {}
Connection::~Connection() = default;

Result<std::unique_ptr<Connection>> Connection::connect(std::string_view host, std::uint16_t port, Security security,
                                                        const TlsOptions& tls_options,
                                                        std::chrono::milliseconds timeout,
                                                        const CancellationToken* cancellation) {
    auto state = std::make_unique<State>();
    state->host = std::string(host);
    state->endpoint = (host.find(':') != std::string_view::npos ? "[" + state->host + "]" : state->host) + ":" +
                      std::to_string(port);
    state->tls_options = tls_options;
    state->timeout = timeout;
    state->cancellation = cancellation;
    CAIRN_TRY_VOID(state->connect_socket(port));
    if (security == Security::Tls)
        CAIRN_TRY_VOID(state->handshake());
    return std::unique_ptr<Connection>(new Connection(std::move(state)));
}

Result<void> Connection::start_tls() {
    if (m_state->ssl != nullptr)
        return m_state->fail(ErrorCode::InvalidArgument, "TLS is already active");
    m_state->input.clear();
    m_state->input_start = 0;
    return m_state->handshake();
}

Result<std::string> Connection::read_line(std::size_t max_length) {
    std::string line;
    CAIRN_TRY_VOID(read_line_into(line, max_length));
    return line;
}

Result<void> Connection::read_line_into(std::string& out, std::size_t max_length) {
    State& state = *m_state;
    std::size_t scanned = state.input_start;
    for (;;) {
        auto newline = state.input.find('\n', scanned);
        if (newline != std::string::npos) {
            std::size_t length = newline + 1 - state.input_start;
            if (length > max_length)
                break;
            out.append(state.input, state.input_start, length);
            state.input_start = newline + 1;
            return {};
        }
        if (state.input.size() - state.input_start > max_length)
            break;
        std::size_t offset_in_unread = state.input.size() - state.input_start;
        CAIRN_TRY_VOID(state.fill());
        scanned = state.input_start + offset_in_unread;
    }
    return state.fail(ErrorCode::LimitExceeded,
                      "the server sent a line longer than " + std::to_string(max_length) + " bytes");
}

Result<std::string> Connection::read_exact(std::size_t count) {
    std::string bytes;
    CAIRN_TRY_VOID(read_exact_into(bytes, count));
    return bytes;
}

Result<void> Connection::read_exact_into(std::string& out, std::size_t count) {
    State& state = *m_state;
    std::size_t buffered = std::min(count, state.input.size() - state.input_start);
    out.append(state.input, state.input_start, buffered);
    state.input_start += buffered;
    std::size_t remaining = count - buffered;
    if (remaining == 0)
        return {};
    std::size_t old_size = out.size();
    out.resize(old_size + remaining);
    std::size_t position = old_size;
    while (position < out.size()) {
        auto received = state.receive(out.data() + position, out.size() - position);
        if (!received) {
            out.resize(position);
            return std::unexpected(received.error());
        }
        position += *received;
    }
    return {};
}

Result<void> Connection::write_all(std::string_view bytes) {
    return m_state->send_all(bytes);
}

bool Connection::is_encrypted() const {
    return m_state->ssl != nullptr;
}

const std::string& Connection::peer_certificate_sha256() const {
    return m_state->fingerprint;
}

const std::string& Connection::endpoint() const {
    return m_state->endpoint;
}

void Connection::set_timeout(std::chrono::milliseconds timeout) {
    m_state->timeout = timeout;
}

std::string normalize_fingerprint(std::string_view fingerprint) {
    std::string hex;
    for (char character : fingerprint)
        if (std::isxdigit(static_cast<unsigned char>(character)))
            hex += static_cast<char>(std::toupper(static_cast<unsigned char>(character)));
    return hex;
}

std::string format_fingerprint(std::string_view hex) {
    std::string formatted;
    for (std::size_t index = 0; index < hex.size(); ++index) {
        if (index > 0 && index % 2 == 0)
            formatted += ':';
        formatted += hex[index];
    }
    return formatted;
}

}  // namespace cairn::net
