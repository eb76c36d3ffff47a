// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/pop3/pop3_client.h"

#include <algorithm>

#include "core/base/text.h"

namespace cairn::sources::pop3 {
namespace {

constexpr ResponseLimits Limits{};
/// A message line may be long (a base64 attachment without line breaks from a broken mailer);
/// past this the server is broken or hostile.
constexpr std::size_t MaxMessageLineBytes = 64 * 1024 * 1024;
/// RFC 5034 §4: a command with its initial response may be at most 255 octets; a longer SASL
/// response (an OAuth token) goes after the server's go-ahead instead.
constexpr std::size_t MaxAuthCommandBytes = 255;

std::string upper(std::string_view text) {
    std::string result(text);
    for (char& character : result)
        if (character >= 'a' && character <= 'z')
            character = static_cast<char>(character - 'a' + 'A');
    return result;
}

std::string_view without_line_end(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

/// The lines of a multi-line response's body, without their line ends.
std::vector<std::string_view> lines_of(std::string_view body) {
    std::vector<std::string_view> lines;
    while (!body.empty()) {
        auto end = body.find('\n');
        auto line = body.substr(0, end == std::string_view::npos ? body.size() : end + 1);
        body.remove_prefix(line.size());
        lines.push_back(without_line_end(line));
    }
    return lines;
}

}  // namespace

Pop3Client::Pop3Client(std::unique_ptr<net::Connection> connection, ConnectOptions options)
    : m_connection(std::move(connection)), m_options(std::move(options)) {}

// No QUIT here on purpose: a session that ends without QUIT deletes nothing (RFC 1939 §6).
Pop3Client::~Pop3Client() = default;

Result<std::unique_ptr<Pop3Client>> Pop3Client::connect(const ConnectOptions& options) {
    net::Security security = options.security == Pop3Security::Tls        ? net::Security::Tls
                             : options.security == Pop3Security::StartTls ? net::Security::StartTlsLater
                                                                          : net::Security::Plain;
    auto connection = CAIRN_TRY(net::Connection::connect(options.host, options.port, security, options.tls,
                                                         options.timeout, options.cancellation));
    std::unique_ptr<Pop3Client> client(new Pop3Client(std::move(connection), options));
    CAIRN_TRY_VOID(client->read_greeting());
    CAIRN_TRY_VOID(client->refresh_capabilities());
    if (options.security == Pop3Security::StartTls)
        CAIRN_TRY_VOID(client->start_tls());
    return client;
}

std::unexpected<Error> Pop3Client::fail(ErrorCode code, std::string problem) {
    return make_error(code, m_connection->endpoint() + ": " + problem);
}

std::unexpected<Error> Pop3Client::broken(Error error) {
    m_failed = true;
    return std::unexpected(std::move(error));
}

std::unexpected<Error> Pop3Client::refused(std::string_view what, const StatusLine& status) {
    // [SYS/TEMP] and [IN-USE] (RFC 2449, 3206) say trying later may work.
    const bool temporary = status.code == "SYS/TEMP" || status.code == "IN-USE";
    return fail(temporary ? ErrorCode::Unavailable : ErrorCode::InvalidArgument,
                std::string(what) + " was refused by the server: " + status.text);
}

std::unexpected<Error> Pop3Client::login_refused(const Credentials& credentials, std::string_view how,
                                                 const StatusLine& status) {
    if (status.code == "SYS/TEMP" || status.code == "IN-USE")
        return fail(ErrorCode::Unavailable,
                    "the server cannot open the mailbox of \"" + credentials.user + "\" now (" + status.code +
                        "): " + status.text + "; another program may be reading it, try again later");
    return fail(ErrorCode::PermissionDenied, "the server refused the login of \"" + credentials.user + "\" (" +
                                                 std::string(how) + "): " + status.text +
                                                 "; check the login and password");
}

Result<void> Pop3Client::check_usable() const {
    if (m_failed)
        return make_error(ErrorCode::Unavailable,
                          m_connection->endpoint() + ": the connection failed or was closed earlier; connect again");
    return {};
}

bool Pop3Client::has_capability(std::string_view name) const {
    const std::string wanted = upper(name);
    return std::any_of(m_capabilities.begin(), m_capabilities.end(), [&](const std::string& line) {
        return line.compare(0, wanted.size(), wanted) == 0 && (line.size() == wanted.size() || line[wanted.size()] == ' ');
    });
}

bool Pop3Client::has_sasl_mechanism(std::string_view mechanism) const {
    const std::string wanted = upper(mechanism);
    for (const auto& line : m_capabilities) {
        if (line.rfind("SASL ", 0) != 0)
            continue;
        std::string_view rest(line);
        rest.remove_prefix(5);
        while (!rest.empty()) {
            auto end = std::min(rest.find(' '), rest.size());
            if (rest.substr(0, end) == wanted)
                return true;
            rest.remove_prefix(std::min(end + 1, rest.size()));
        }
    }
    return false;
}

const std::string& Pop3Client::certificate_sha256() const {
    return m_connection->peer_certificate_sha256();
}

bool Pop3Client::is_encrypted() const {
    return m_connection->is_encrypted();
}

Result<void> Pop3Client::send(std::string_view bytes) {
    if (auto written = m_connection->write_all(bytes); !written)
        return broken(written.error());
    return {};
}

Result<StatusLine> Pop3Client::read_status() {
    if (m_options.cancellation != nullptr && m_options.cancellation->is_cancelled())
        return broken(Error{ErrorCode::Cancelled, m_connection->endpoint() + ": cancelled", {}});
    auto line = m_connection->read_line(Limits.max_status_line_bytes);
    if (!line) {
        if (line.error().code == ErrorCode::LimitExceeded)
            return broken(Error{ErrorCode::InvalidData,
                                m_connection->endpoint() + ": the server sent an overlong status line", {}});
        return broken(line.error());
    }
    StatusLine status;
    if (auto problem = parse_status_line(*line, status, Limits))
        return broken(Error{ErrorCode::InvalidData,
                            m_connection->endpoint() + ": the server's answer is not POP3 (" + problem->message + ")",
                            {}});
    return status;
}

Result<StatusLine> Pop3Client::run_command(std::string_view command) {
    CAIRN_TRY_VOID(check_usable());
    CAIRN_TRY_VOID(send(std::string(command) + "\r\n"));
    return read_status();
}

Result<std::string> Pop3Client::read_multi_line() {
    MultiLineDecoder decoder(Limits);
    std::string line;
    while (decoder.state() == MultiLineDecoder::State::InProgress) {
        line.clear();
        if (auto read = m_connection->read_line_into(line, MaxMessageLineBytes); !read) {
            if (read.error().code == ErrorCode::LimitExceeded)
                return broken(Error{ErrorCode::InvalidData,
                                    m_connection->endpoint() + ": the server sent a line longer than " +
                                        std::to_string(MaxMessageLineBytes) + " bytes",
                                    {}});
            return broken(read.error());
        }
        decoder.add_line(line);
    }
    if (decoder.state() == MultiLineDecoder::State::Failed)
        return broken(Error{ErrorCode::InvalidData, m_connection->endpoint() + ": " + decoder.problem(), {}});
    return decoder.take_content();
}

Result<void> Pop3Client::read_greeting() {
    auto greeting = CAIRN_TRY(read_status());
    if (greeting.kind == StatusKind::Error)
        return broken(Error{ErrorCode::Unavailable,
                            m_connection->endpoint() + ": the server refused the connection: " + greeting.text, {}});
    if (greeting.kind != StatusKind::Ok)
        return broken(Error{ErrorCode::InvalidData,
                            m_connection->endpoint() + ": this is not a POP3 server (unexpected greeting)", {}});
    return {};
}

Result<void> Pop3Client::refresh_capabilities() {
    auto status = CAIRN_TRY(run_command("CAPA"));
    m_capabilities.clear();
    // A server from before RFC 2449 answers -ERR: it has USER/PASS and nothing we can rely on.
    if (status.kind != StatusKind::Ok)
        return {};
    auto body = CAIRN_TRY(read_multi_line());
    for (auto line : lines_of(body))
        if (!line.empty())
            m_capabilities.push_back(upper(line));
    return {};
}

Result<void> Pop3Client::start_tls() {
    // Old servers without CAPA may still know STLS: asking costs nothing.
    if (!m_capabilities.empty() && !has_capability("STLS"))
        return broken(Error{ErrorCode::Unsupported,
                            m_connection->endpoint() +
                                ": the server does not offer STLS, so the connection cannot be encrypted; use POP3S "
                                "(port 995) instead",
                            {}});
    auto status = CAIRN_TRY(run_command("STLS"));
    if (status.kind != StatusKind::Ok)
        return broken(Error{ErrorCode::Unsupported,
                            m_connection->endpoint() + ": the server refused STLS (" + status.text +
                                "), so the connection cannot be encrypted; use POP3S (port 995) instead",
                            {}});
    if (auto upgraded = m_connection->start_tls(); !upgraded)
        return broken(upgraded.error());
    // What the server said before TLS could have been forged by an attacker; ask again.
    return refresh_capabilities();
}

Result<void> Pop3Client::authenticate(const Credentials& credentials) {
    CAIRN_TRY_VOID(check_usable());
    if (!m_connection->is_encrypted() && !m_options.allow_plaintext)
        return fail(ErrorCode::InvalidArgument,
                    "refusing to send the password of \"" + credentials.user +
                        "\" over an unencrypted connection; use POP3S (port 995) or STLS (port 110)");
    AuthMechanism mechanism = credentials.mechanism;
    if (mechanism == AuthMechanism::Automatic)
        mechanism = has_sasl_mechanism("PLAIN") ? AuthMechanism::Plain : AuthMechanism::UserPass;
    switch (mechanism) {
    case AuthMechanism::Automatic:
    case AuthMechanism::UserPass:
        CAIRN_TRY_VOID(authenticate_user_pass(credentials));
        break;
    case AuthMechanism::Plain:
        CAIRN_TRY_VOID(authenticate_sasl(
            "PLAIN", std::string("\0", 1) + credentials.user + std::string("\0", 1) + credentials.secret, credentials));
        break;
    case AuthMechanism::XOAuth2:
        CAIRN_TRY_VOID(authenticate_sasl(
            "XOAUTH2", "user=" + credentials.user + "\x01" "auth=Bearer " + credentials.secret + "\x01\x01",
            credentials));
        break;
    }
    return refresh_capabilities();
}

Result<void> Pop3Client::authenticate_user_pass(const Credentials& credentials) {
    if (credentials.user.find_first_of("\r\n") != std::string::npos ||
        credentials.secret.find_first_of("\r\n") != std::string::npos)
        return fail(ErrorCode::InvalidArgument,
                    "the login or password of \"" + credentials.user + "\" contains a line break, which POP3 cannot send");
    auto user = CAIRN_TRY(run_command("USER " + credentials.user));
    if (user.kind != StatusKind::Ok)
        return login_refused(credentials, "USER", user);
    auto password = CAIRN_TRY(run_command("PASS " + credentials.secret));
    if (password.kind != StatusKind::Ok)
        return login_refused(credentials, "USER/PASS", password);
    return {};
}

Result<void> Pop3Client::authenticate_sasl(std::string_view mechanism, const std::string& initial_response,
                                           const Credentials& credentials) {
    CAIRN_TRY_VOID(check_usable());
    const std::string encoded = base64_encode(initial_response);
    std::string command = "AUTH " + std::string(mechanism) + " " + (encoded.empty() ? std::string("=") : encoded);
    bool initial_sent = command.size() + 2 <= MaxAuthCommandBytes;
    if (!initial_sent)
        command = "AUTH " + std::string(mechanism);
    CAIRN_TRY_VOID(send(command + "\r\n"));
    for (;;) {
        auto status = CAIRN_TRY(read_status());
        if (status.kind == StatusKind::Ok)
            return {};
        if (status.kind == StatusKind::Error)
            return login_refused(credentials, "AUTH " + std::string(mechanism), status);
        // A go-ahead: for the initial response when it did not fit the command; after it, a
        // challenge these mechanisms do not have (XOAUTH2 sends its error details so): "*"
        // cancels the exchange and brings the final -ERR.
        CAIRN_TRY_VOID(send((initial_sent ? std::string("*") : encoded) + "\r\n"));
        initial_sent = true;
    }
}

Result<MailboxStatus> Pop3Client::status() {
    auto status = CAIRN_TRY(run_command("STAT"));
    if (status.kind != StatusKind::Ok)
        return refused("STAT", status);
    auto counts = parse_number_and_size(status.text);
    if (!counts)
        return broken(Error{ErrorCode::InvalidData,
                            m_connection->endpoint() + ": the server's STAT answer cannot be read: " + status.text, {}});
    return MailboxStatus{counts->number, counts->size};
}

Result<std::vector<MessageId>> Pop3Client::unique_ids() {
    auto status = CAIRN_TRY(run_command("UIDL"));
    if (status.kind != StatusKind::Ok)
        return fail(ErrorCode::Unsupported,
                    "the server does not give messages unique ids (UIDL: " + status.text +
                        "); without them Cairn cannot tell which messages are archived");
    auto body = CAIRN_TRY(read_multi_line());
    std::vector<MessageId> ids;
    for (auto line : lines_of(body)) {
        auto parsed = parse_unique_id_line(line);
        if (!parsed)
            return broken(Error{ErrorCode::InvalidData,
                                m_connection->endpoint() + ": a UIDL line cannot be read: " + std::string(line.substr(0, 200)),
                                {}});
        ids.push_back(MessageId{parsed->number, std::move(parsed->unique_id)});
    }
    return ids;
}

Result<std::vector<MessageSize>> Pop3Client::sizes() {
    auto status = CAIRN_TRY(run_command("LIST"));
    if (status.kind != StatusKind::Ok)
        return refused("LIST", status);
    auto body = CAIRN_TRY(read_multi_line());
    std::vector<MessageSize> sizes;
    for (auto line : lines_of(body)) {
        auto parsed = parse_number_and_size(line);
        if (!parsed)
            return broken(Error{ErrorCode::InvalidData,
                                m_connection->endpoint() + ": a LIST line cannot be read: " + std::string(line.substr(0, 200)),
                                {}});
        sizes.push_back(MessageSize{parsed->number, parsed->size});
    }
    return sizes;
}

Result<RetrieveReport> Pop3Client::retrieve(std::span<const std::uint32_t> numbers, const RetrievedCallback& on_message,
                                            const RetrieveOptions& options) {
    CAIRN_TRY_VOID(check_usable());
    const std::size_t window = pipelining() ? std::max<std::size_t>(1, options.commands_in_flight) : 1;
    RetrieveReport report;
    std::size_t sent = 0;
    std::size_t answered = 0;
    while (answered < numbers.size()) {
        // Keep WINDOW commands ahead of the answers; they go out in one write.
        std::string commands;
        for (; sent < numbers.size() && sent - answered < window; ++sent)
            commands += "RETR " + std::to_string(numbers[sent]) + "\r\n";
        if (!commands.empty())
            CAIRN_TRY_VOID(send(commands));
        auto status = CAIRN_TRY(read_status());
        const std::uint32_t number = numbers[answered++];
        if (status.kind == StatusKind::Error) {
            report.failures.push_back(RetrieveFailure{number, status.text});
            continue;
        }
        if (status.kind != StatusKind::Ok)
            return broken(Error{ErrorCode::InvalidData,
                                m_connection->endpoint() + ": unexpected answer to RETR " + std::to_string(number), {}});
        auto bytes = CAIRN_TRY(read_multi_line());
        ++report.retrieved;
        if (!on_message(RetrievedMessage{number, std::move(bytes)}))
            return broken(Error{ErrorCode::Cancelled, m_connection->endpoint() + ": stopped", {}});
    }
    return report;
}

Result<std::string> Pop3Client::retrieve(std::uint32_t number) {
    auto status = CAIRN_TRY(run_command("RETR " + std::to_string(number)));
    if (status.kind != StatusKind::Ok)
        return fail(ErrorCode::NotFound, "message " + std::to_string(number) + " cannot be read: " + status.text);
    return read_multi_line();
}

Result<void> Pop3Client::mark_deleted(std::uint32_t number) {
    auto status = CAIRN_TRY(run_command("DELE " + std::to_string(number)));
    if (status.kind != StatusKind::Ok)
        return fail(ErrorCode::NotFound,
                    "message " + std::to_string(number) + " cannot be marked for deletion: " + status.text);
    return {};
}

Result<void> Pop3Client::reset() {
    auto status = CAIRN_TRY(run_command("RSET"));
    if (status.kind != StatusKind::Ok)
        return refused("RSET", status);
    return {};
}

Result<void> Pop3Client::quit() {
    auto status = CAIRN_TRY(run_command("QUIT"));
    // The server closes the connection after QUIT either way.
    m_failed = true;
    if (status.kind != StatusKind::Ok)
        return fail(ErrorCode::Unavailable,
                    "the server could not remove the messages marked for deletion: " + status.text +
                        "; they stay on the server and are tried again next time");
    return {};
}

}  // namespace cairn::sources::pop3
