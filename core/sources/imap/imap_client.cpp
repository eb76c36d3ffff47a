// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/imap/imap_client.h"

#include <algorithm>
#include <array>
#include <deque>
#include <unordered_map>

#include "core/base/text.h"
#include "core/sources/common/modified_utf7.h"
#include "core/sources/imap/response_parser.h"

namespace cairn::sources::imap {
namespace {

/// Search results for a million-message folder fit in a few megabytes; anything far longer is
/// a broken or hostile server.
constexpr ParserLimits Limits{};

/// Whether TEXT can go in a quoted string: 7-bit, no CR, LF or NUL.
bool quotable(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char character) {
        auto byte = static_cast<unsigned char>(character);
        return byte != 0 && byte != '\r' && byte != '\n' && byte < 0x80;
    });
}

std::string quoted(std::string_view text) {
    std::string result = "\"";
    for (char character : text) {
        if (character == '"' || character == '\\')
            result += '\\';
        result += character;
    }
    result += '"';
    return result;
}

std::vector<std::uint32_t> sorted_unique(std::span<const std::uint32_t> uids) {
    std::vector<std::uint32_t> sorted(uids.begin(), uids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    sorted.erase(std::remove(sorted.begin(), sorted.end(), 0u), sorted.end());
    return sorted;
}

std::string month_name(unsigned month) {
    static constexpr std::array<const char*, 12> Names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return Names[(month - 1) % 12];
}

constexpr std::array<std::string_view, 7> SpecialUses{"\\All", "\\Archive", "\\Drafts", "\\Flagged",
                                                       "\\Junk", "\\Sent", "\\Trash"};

bool equals_ignoring_case(std::string_view left, std::string_view right) {
    return to_upper_ascii(left) == to_upper_ascii(right);
}

}  // namespace

std::string compress_uid_set(std::span<const std::uint32_t> uids) {
    std::string set;
    for (std::size_t index = 0; index < uids.size();) {
        std::size_t end = index;
        while (end + 1 < uids.size() && uids[end + 1] == uids[end] + 1)
            ++end;
        if (!set.empty())
            set += ',';
        set += std::to_string(uids[index]);
        if (end > index)
            set += ':' + std::to_string(uids[end]);
        index = end + 1;
    }
    return set;
}

ImapClient::ImapClient(std::unique_ptr<net::Connection> connection, ConnectOptions options)
    : m_connection(std::move(connection)), m_options(std::move(options)) {}

ImapClient::~ImapClient() = default;

Result<std::unique_ptr<ImapClient>> ImapClient::connect(const ConnectOptions& options) {
    net::Security security = options.security == ImapSecurity::Tls        ? net::Security::Tls
                             : options.security == ImapSecurity::StartTls ? net::Security::StartTlsLater
                                                                          : net::Security::Plain;
    auto connection = CAIRN_TRY(net::Connection::connect(options.host, options.port, security, options.tls,
                                                         options.timeout, options.cancellation));
    std::unique_ptr<ImapClient> client(new ImapClient(std::move(connection), options));
    CAIRN_TRY_VOID(client->read_greeting());
    if (options.security == ImapSecurity::StartTls)
        CAIRN_TRY_VOID(client->start_tls());
    if (client->m_capabilities.empty())
        CAIRN_TRY_VOID(client->refresh_capabilities());
    return client;
}

std::unexpected<Error> ImapClient::fail(ErrorCode code, std::string problem) {
    return make_error(code, m_connection->endpoint() + ": " + problem);
}

std::unexpected<Error> ImapClient::broken(Error error) {
    m_failed = true;
    if (error.code == ErrorCode::Unavailable && !m_bye_text.empty() &&
        error.message.find("closed by the server") != std::string::npos)
        error.message = m_connection->endpoint() + ": the server closed the connection: " + m_bye_text;
    return std::unexpected(std::move(error));
}

std::unexpected<Error> ImapClient::refused(std::string_view what, const Response& tagged) {
    return fail(tagged.keyword == "BAD" ? ErrorCode::InvalidArgument : ErrorCode::Unavailable,
                std::string(what) + " was refused by the server: " + tagged.text);
}

Result<void> ImapClient::check_usable() const {
    if (m_failed)
        return make_error(ErrorCode::Unavailable,
                          m_connection->endpoint() + ": the connection failed earlier; connect again");
    return {};
}

bool ImapClient::has_capability(std::string_view name) const {
    std::string upper = to_upper_ascii(name);
    return std::find(m_capabilities.begin(), m_capabilities.end(), upper) != m_capabilities.end();
}

const std::string& ImapClient::certificate_sha256() const {
    return m_connection->peer_certificate_sha256();
}

bool ImapClient::is_encrypted() const {
    return m_connection->is_encrypted();
}

std::string ImapClient::next_tag() {
    return "C" + std::to_string(++m_tag_counter);
}

Result<Response> ImapClient::read_response() {
    if (m_options.cancellation != nullptr && m_options.cancellation->is_cancelled())
        return broken(Error{ErrorCode::Cancelled, m_connection->endpoint() + ": cancelled", {}});
    std::string frame;
    bool first_line = true;
    for (;;) {
        std::size_t line_start = frame.size();
        if (auto read = m_connection->read_line_into(frame, Limits.max_line_bytes); !read)
            return broken(read.error());
        std::optional<ParseError> literal_error;
        auto literal = literal_size_at_line_end(std::string_view(frame).substr(line_start), first_line, Limits,
                                                literal_error);
        first_line = false;
        if (literal_error)
            return broken(Error{ErrorCode::InvalidData, m_connection->endpoint() + ": " + literal_error->message, {}});
        if (!literal)
            break;
        frame.reserve(frame.size() + static_cast<std::size_t>(*literal) + 256);
        if (auto read = m_connection->read_exact_into(frame, static_cast<std::size_t>(*literal)); !read)
            return broken(read.error());
    }
    Response response;
    if (auto error = parse_response(frame, response, Limits))
        return broken(Error{ErrorCode::InvalidData,
                            m_connection->endpoint() + ": the server sent a response that cannot be parsed (" +
                                error->message + " at byte " + std::to_string(error->offset) + ")",
                            {}});
    if (response.kind == ResponseKind::Untagged)
        note_untagged(response);
    return response;
}

void ImapClient::note_untagged(const Response& response) {
    if (response.keyword == "CAPABILITY") {
        m_capabilities.clear();
        for (const Value& value : response.data)
            m_capabilities.push_back(to_upper_ascii(value.text));
    } else if (response.code.name == "CAPABILITY") {
        m_capabilities.clear();
        for (const Value& value : response.code.arguments)
            m_capabilities.push_back(to_upper_ascii(value.text));
    } else if (response.keyword == "EXISTS" && response.number) {
        m_exists = static_cast<std::uint32_t>(std::min<std::uint64_t>(*response.number, UINT32_MAX));
    } else if (response.keyword == "BYE") {
        m_bye_text = response.text;
    }
}

Result<void> ImapClient::read_greeting() {
    auto greeting = CAIRN_TRY(read_response());
    if (greeting.keyword == "BYE")
        return broken(Error{ErrorCode::Unavailable,
                            m_connection->endpoint() + ": the server refused the connection: " + greeting.text, {}});
    if (greeting.kind != ResponseKind::Untagged || (greeting.keyword != "OK" && greeting.keyword != "PREAUTH"))
        return broken(Error{ErrorCode::InvalidData,
                            m_connection->endpoint() + ": this is not an IMAP server (unexpected greeting)", {}});
    return {};
}

Result<void> ImapClient::start_tls() {
    if (m_capabilities.empty())
        CAIRN_TRY_VOID(refresh_capabilities());
    if (!has_capability("STARTTLS"))
        return broken(Error{ErrorCode::Unsupported,
                            m_connection->endpoint() +
                                ": the server does not offer STARTTLS, so the connection cannot be encrypted; "
                                "use IMAPS (port 993) instead",
                            {}});
    auto tagged = CAIRN_TRY(run_command("STARTTLS"));
    if (tagged.keyword != "OK")
        return broken(refused("STARTTLS", tagged).error());
    if (auto upgraded = m_connection->start_tls(); !upgraded)
        return broken(upgraded.error());
    // What the server said before TLS could have been forged by an attacker; ask again.
    m_capabilities.clear();
    return refresh_capabilities();
}

Result<void> ImapClient::send_command(const std::string& tag, const std::vector<CommandPart>& parts) {
    std::string pending = tag + " ";
    bool literal_plus = has_capability("LITERAL+");
    for (const CommandPart& part : parts) {
        if (!part.literal) {
            pending += part.text;
            continue;
        }
        if (literal_plus) {
            pending += "{" + std::to_string(part.text.size()) + "+}\r\n";
            pending += part.text;
            continue;
        }
        pending += "{" + std::to_string(part.text.size()) + "}\r\n";
        if (auto written = m_connection->write_all(pending); !written)
            return broken(written.error());
        pending.clear();
        for (;;) {
            auto response = CAIRN_TRY(read_response());
            if (response.kind == ResponseKind::Continuation)
                break;
            if (response.kind == ResponseKind::Tagged && response.tag == tag)
                return refused("a command", response);
        }
        pending += part.text;
    }
    pending += "\r\n";
    if (auto written = m_connection->write_all(pending); !written)
        return broken(written.error());
    return {};
}

Result<Response> ImapClient::run_command(const std::vector<CommandPart>& parts,
                                         const std::function<void(Response&)>& on_untagged) {
    CAIRN_TRY_VOID(check_usable());
    std::string tag = next_tag();
    CAIRN_TRY_VOID(send_command(tag, parts));
    for (;;) {
        auto response = CAIRN_TRY(read_response());
        if (response.kind == ResponseKind::Tagged) {
            if (response.tag == tag)
                return response;
            continue;
        }
        if (response.kind == ResponseKind::Untagged && on_untagged)
            on_untagged(response);
    }
}

Result<Response> ImapClient::run_command(std::string text, const std::function<void(Response&)>& on_untagged) {
    return run_command(std::vector<CommandPart>{CommandPart{std::move(text), false}}, on_untagged);
}

namespace {

/// Appends an astring argument: quoted when it can be, a literal otherwise.
void append_astring(std::vector<CommandPart>& parts, std::string_view value) {
    if (parts.empty() || parts.back().literal)
        parts.push_back(CommandPart{});
    if (quotable(value)) {
        parts.back().text += quoted(value);
        return;
    }
    parts.push_back(CommandPart{std::string(value), true});
    parts.push_back(CommandPart{});
}

void append_text(std::vector<CommandPart>& parts, std::string_view text) {
    if (parts.empty() || parts.back().literal)
        parts.push_back(CommandPart{});
    parts.back().text += text;
}

}  // namespace

Result<void> ImapClient::refresh_capabilities() {
    auto tagged = CAIRN_TRY(run_command("CAPABILITY"));
    if (tagged.keyword != "OK")
        return refused("CAPABILITY", tagged);
    return {};
}

Result<void> ImapClient::authenticate(const Credentials& credentials) {
    CAIRN_TRY_VOID(check_usable());
    m_user = credentials.user;
    if (!m_connection->is_encrypted() && !m_options.allow_plaintext)
        return fail(ErrorCode::InvalidArgument,
                    "refusing to send the password of \"" + credentials.user +
                        "\" over an unencrypted connection; use IMAPS (port 993) or STARTTLS (port 143)");
    AuthMechanism mechanism = credentials.mechanism;
    if (mechanism == AuthMechanism::Automatic)
        mechanism = has_capability("AUTH=PLAIN") ? AuthMechanism::Plain : AuthMechanism::Login;
    // Google and Microsoft speak XOAUTH2; a server offering only the standard OAUTHBEARER gets
    // that, with the same token.
    if (mechanism == AuthMechanism::XOAuth2 && !has_capability("AUTH=XOAUTH2") && has_capability("AUTH=OAUTHBEARER"))
        mechanism = AuthMechanism::OAuthBearer;
    Result<void> outcome;
    switch (mechanism) {
    case AuthMechanism::Automatic:
    case AuthMechanism::Plain:
        outcome = authenticate_sasl("PLAIN", std::string("\0", 1) + credentials.user + std::string("\0", 1) +
                                                 credentials.secret,
                                    "*", credentials);
        break;
    case AuthMechanism::XOAuth2:
        outcome = authenticate_sasl("XOAUTH2",
                                    "user=" + credentials.user + "\x01" "auth=Bearer " + credentials.secret + "\x01\x01",
                                    "", credentials);
        break;
    case AuthMechanism::OAuthBearer:
        outcome = authenticate_sasl("OAUTHBEARER",
                                    "n,a=" + credentials.user + ",\x01" "host=" + m_options.host + "\x01" "port=" +
                                        std::to_string(m_options.port) + "\x01" "auth=Bearer " + credentials.secret +
                                        "\x01\x01",
                                    base64_encode("\x01"), credentials);
        break;
    case AuthMechanism::Login: {
        if (has_capability("LOGINDISABLED"))
            return fail(ErrorCode::Unsupported, "the server does not allow LOGIN here (LOGINDISABLED) for \"" +
                                                    credentials.user + "\"; it needs an encrypted connection or SASL");
        std::vector<CommandPart> parts;
        append_text(parts, "LOGIN ");
        append_astring(parts, credentials.user);
        append_text(parts, " ");
        append_astring(parts, credentials.secret);
        auto tagged = CAIRN_TRY(run_command(parts));
        if (tagged.keyword != "OK")
            outcome = fail(ErrorCode::PermissionDenied,
                           "the server refused the login of \"" + credentials.user + "\": " + tagged.text);
        break;
    }
    }
    if (!outcome)
        return outcome;
    // Servers advertise more after login (Dovecot: MOVE, UIDPLUS, SPECIAL-USE...).
    return refresh_capabilities();
}

Result<void> ImapClient::authenticate_sasl(std::string_view mechanism, const std::string& initial_response,
                                           std::string_view failure_reply, const Credentials& credentials) {
    std::string tag = next_tag();
    std::string encoded = base64_encode(initial_response);
    bool initial_in_command = has_capability("SASL-IR");
    std::string command = tag + " AUTHENTICATE " + std::string(mechanism);
    if (initial_in_command)
        command += " " + (encoded.empty() ? std::string("=") : encoded);
    command += "\r\n";
    if (auto written = m_connection->write_all(command); !written)
        return broken(written.error());
    bool initial_sent = initial_in_command;
    for (;;) {
        auto response = CAIRN_TRY(read_response());
        if (response.kind == ResponseKind::Continuation) {
            // The first go-ahead asks for the initial response; a later one carries the
            // server's error details (XOAUTH2/OAUTHBEARER), answered to get the final NO.
            std::string reply = initial_sent ? std::string(failure_reply) : encoded;
            initial_sent = true;
            if (auto written = m_connection->write_all(reply + "\r\n"); !written)
                return broken(written.error());
            continue;
        }
        if (response.kind != ResponseKind::Tagged || response.tag != tag)
            continue;
        if (response.keyword == "OK")
            return {};
        return fail(ErrorCode::PermissionDenied, "the server refused the login of \"" + credentials.user + "\" (" +
                                                     std::string(mechanism) + "): " + response.text);
    }
}

Result<std::vector<Folder>> ImapClient::list_folders() {
    if (has_capability("NAMESPACE")) {
        auto tagged = CAIRN_TRY(run_command("NAMESPACE", [&](Response& response) {
            // * NAMESPACE (("" "/")) NIL NIL: personal, other users', shared.
            if (response.keyword == "NAMESPACE" && !response.data.empty() && response.data[0].is_list() &&
                !response.data[0].children.empty() && response.data[0].children[0].is_list() &&
                !response.data[0].children[0].children.empty())
                m_personal_prefix = response.data[0].children[0].children[0].text;
        }));
        if (tagged.keyword != "OK")
            return refused("NAMESPACE", tagged);
    }
    bool special_use = has_capability("SPECIAL-USE") && has_capability("LIST-EXTENDED");
    std::vector<Folder> folders;
    auto tagged = CAIRN_TRY(run_command(
        special_use ? "LIST \"\" \"*\" RETURN (SPECIAL-USE)" : "LIST \"\" \"*\"", [&](Response& response) {
            if (response.keyword != "LIST" || response.data.size() < 3 || !response.data[0].is_list())
                return;
            Folder folder;
            for (const Value& attribute : response.data[0].children) {
                folder.attributes.push_back(attribute.text);
                if (equals_ignoring_case(attribute.text, "\\Noselect") ||
                    equals_ignoring_case(attribute.text, "\\NonExistent"))
                    folder.selectable = false;
                for (std::string_view use : SpecialUses)
                    if (equals_ignoring_case(attribute.text, use))
                        folder.special_use = std::string(use);
            }
            if (response.data[1].is_string() && response.data[1].text.size() == 1)
                folder.delimiter = response.data[1].text[0];
            folder.server_name = response.data[2].text;
            // Courier-style servers put every folder under "INBOX." (their personal namespace):
            // the user knows them as "Sent" and "Archive/2024", not "INBOX/Sent".
            std::string_view shown_name = folder.server_name;
            if (m_personal_prefix.size() > 1 && shown_name.size() > m_personal_prefix.size() &&
                equals_ignoring_case(shown_name.substr(0, m_personal_prefix.size()), m_personal_prefix))
                shown_name.remove_prefix(m_personal_prefix.size());
            std::string decoded = display_mailbox_name(shown_name);
            if (equals_ignoring_case(decoded, "INBOX"))
                decoded = "INBOX";
            if (folder.delimiter && *folder.delimiter != '/')
                std::replace(decoded.begin(), decoded.end(), *folder.delimiter, '/');
            folder.display_path = std::move(decoded);
            folders.push_back(std::move(folder));
        }));
    if (tagged.keyword != "OK")
        return refused("LIST", tagged);
    return folders;
}

Result<FolderStatus> ImapClient::open_folder(std::string_view verb, std::string_view server_name) {
    FolderStatus status;
    std::vector<CommandPart> parts;
    append_text(parts, std::string(verb) + " ");
    append_astring(parts, server_name);
    auto tagged = CAIRN_TRY(run_command(parts, [&](Response& response) {
        if (response.keyword == "EXISTS" && response.number)
            status.exists = static_cast<std::uint32_t>(std::min<std::uint64_t>(*response.number, UINT32_MAX));
        const ResponseCode& code = response.code;
        std::optional<std::uint64_t> argument =
            code.arguments.empty() ? std::nullopt : code.arguments[0].number();
        if (code.name == "UIDVALIDITY" && argument)
            status.uid_validity = static_cast<std::uint32_t>(*argument);
        else if (code.name == "UIDNEXT" && argument)
            status.uid_next = static_cast<std::uint32_t>(*argument);
        else if (code.name == "HIGHESTMODSEQ" && argument)
            status.highest_modseq = argument;
    }));
    if (tagged.keyword != "OK")
        return fail(ErrorCode::NotFound,
                    "the folder \"" + display_mailbox_name(server_name) + "\" cannot be opened: " + tagged.text);
    status.read_only = tagged.code.name == "READ-ONLY";
    return status;
}

Result<FolderStatus> ImapClient::examine(std::string_view server_name) {
    return open_folder("EXAMINE", server_name);
}

Result<FolderStatus> ImapClient::select(std::string_view server_name) {
    return open_folder("SELECT", server_name);
}

Result<std::vector<std::uint32_t>> ImapClient::search(std::string criteria, std::uint32_t minimum_uid) {
    std::vector<std::uint32_t> uids;
    auto tagged = CAIRN_TRY(run_command("UID SEARCH " + criteria, [&](Response& response) {
        if (response.keyword != "SEARCH")
            return;
        for (const Value& value : response.data)
            if (auto uid = value.number(); uid && *uid >= minimum_uid && *uid > 0 && *uid <= UINT32_MAX)
                uids.push_back(static_cast<std::uint32_t>(*uid));
    }));
    if (tagged.keyword != "OK")
        return refused("UID SEARCH " + criteria, tagged);
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    return uids;
}

Result<std::vector<std::uint32_t>> ImapClient::uids_from(std::uint32_t first_uid) {
    first_uid = std::max<std::uint32_t>(first_uid, 1);
    return search("UID " + std::to_string(first_uid) + ":*", first_uid);
}

Result<std::vector<std::uint32_t>> ImapClient::uids_before(std::chrono::year_month_day date) {
    if (!date.ok())
        return fail(ErrorCode::InvalidArgument, "an invalid date for UID SEARCH BEFORE");
    return search("BEFORE " + std::to_string(static_cast<unsigned>(date.day())) + "-" +
                  month_name(static_cast<unsigned>(date.month())) + "-" +
                  std::to_string(static_cast<int>(date.year())));
}

Result<std::vector<std::uint32_t>> ImapClient::uids_flagged_deleted() {
    return search("DELETED");
}

Result<FetchReport> ImapClient::fetch_messages(std::span<const std::uint32_t> uids,
                                               const MessageCallback& on_message, const FetchOptions& options) {
    CAIRN_TRY_VOID(check_usable());
    std::vector<std::uint32_t> wanted = sorted_unique(uids);
    std::string items = "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]";
    if (has_capability("X-GM-EXT-1"))
        items += " X-GM-MSGID X-GM-LABELS";
    items += ")";

    struct Batch {
        std::string tag;
        std::span<const std::uint32_t> uids;
    };
    std::size_t per_command = std::max<std::size_t>(options.max_uids_per_command, 1);
    std::size_t in_flight_limit = std::max<std::size_t>(options.commands_in_flight, 1);
    std::deque<Batch> in_flight;
    std::unordered_map<std::uint32_t, bool> pending;  // uid -> delivered
    pending.reserve(wanted.size());
    for (std::uint32_t uid : wanted)
        pending.emplace(uid, false);
    std::size_t next = 0;
    FetchReport report;

    auto send_next = [&]() -> Result<void> {
        std::size_t count = std::min(per_command, wanted.size() - next);
        Batch batch{next_tag(), std::span<const std::uint32_t>(wanted).subspan(next, count)};
        next += count;
        std::string command = batch.tag + " UID FETCH " + compress_uid_set(batch.uids) + " " + items + "\r\n";
        if (auto written = m_connection->write_all(command); !written)
            return broken(written.error());
        in_flight.push_back(batch);
        return {};
    };

    while (next < wanted.size() && in_flight.size() < in_flight_limit)
        CAIRN_TRY_VOID(send_next());
    while (!in_flight.empty()) {
        auto response = CAIRN_TRY(read_response());
        if (response.kind == ResponseKind::Untagged && response.keyword == "FETCH") {
            FetchAttributes attributes;
            if (auto error = parse_fetch_attributes(response, attributes))
                return broken(Error{ErrorCode::InvalidData,
                                    m_connection->endpoint() + ": a FETCH response that cannot be read: " +
                                        error->message,
                                    {}});
            if (!attributes.uid || (!attributes.body && !attributes.body_was_nil))
                continue;  // a flag change announced for another message
            auto found = pending.find(*attributes.uid);
            if (found == pending.end() || found->second)
                continue;
            found->second = true;
            if (!attributes.body) {
                report.failures.push_back({*attributes.uid, "the server sent no content (BODY[] NIL)"});
                continue;
            }
            FetchedMessage message;
            message.uid = *attributes.uid;
            message.bytes = std::move(*attributes.body);
            if (attributes.flags)
                message.flags = std::move(*attributes.flags);
            if (attributes.internal_date)
                message.internal_date = parse_internal_date(*attributes.internal_date);
            message.size = attributes.size;
            message.gmail_message_id = attributes.gmail_message_id;
            if (attributes.gmail_labels)
                message.gmail_labels = std::move(*attributes.gmail_labels);
            ++report.fetched;
            if (!on_message(std::move(message)))
                return broken(Error{ErrorCode::Cancelled, m_connection->endpoint() + ": the fetch was stopped", {}});
            continue;
        }
        if (response.kind != ResponseKind::Tagged)
            continue;
        auto batch = std::find_if(in_flight.begin(), in_flight.end(),
                                  [&](const Batch& candidate) { return candidate.tag == response.tag; });
        if (batch == in_flight.end())
            continue;
        std::string reason = response.keyword == "OK"
                                 ? std::string("the server returned nothing for this UID (expunged meanwhile?)")
                                 : "the server refused to fetch it: " + response.text;
        for (std::uint32_t uid : batch->uids) {
            auto found = pending.find(uid);
            if (!found->second) {
                found->second = true;
                report.failures.push_back({uid, reason});
            }
        }
        in_flight.erase(batch);
        if (next < wanted.size())
            CAIRN_TRY_VOID(send_next());
    }
    return report;
}

Result<std::vector<ImapClient::GmailIdentity>> ImapClient::gmail_identities(std::span<const std::uint32_t> uids) {
    CAIRN_TRY_VOID(check_usable());
    if (!has_capability("X-GM-EXT-1"))
        return fail(ErrorCode::Unsupported, "the server has no Gmail extensions (X-GM-EXT-1)");
    std::vector<std::uint32_t> sorted = sorted_unique(uids);
    std::vector<GmailIdentity> identities;
    std::optional<Error> unreadable;
    constexpr std::size_t UidsPerCommand = 1000;
    for (std::size_t start = 0; start < sorted.size(); start += UidsPerCommand) {
        auto chunk = std::span<const std::uint32_t>(sorted).subspan(start, std::min(UidsPerCommand, sorted.size() - start));
        const std::string command =
            "UID FETCH " + compress_uid_set(chunk) + " (UID X-GM-MSGID X-GM-LABELS FLAGS INTERNALDATE)";
        auto tagged = CAIRN_TRY(run_command(command, [&](Response& response) {
            if (response.keyword != "FETCH" || unreadable)
                return;
            FetchAttributes attributes;
            if (auto error = parse_fetch_attributes(response, attributes)) {
                unreadable = Error{ErrorCode::InvalidData,
                                   m_connection->endpoint() + ": a FETCH response that cannot be read: " + error->message,
                                   {}};
                return;
            }
            if (!attributes.uid || !attributes.gmail_message_id)
                return;
            GmailIdentity identity{*attributes.uid, *attributes.gmail_message_id, {}, {}, std::nullopt};
            if (attributes.gmail_labels)
                identity.gmail_labels = std::move(*attributes.gmail_labels);
            if (attributes.flags)
                identity.flags = std::move(*attributes.flags);
            if (attributes.internal_date)
                identity.internal_date = parse_internal_date(*attributes.internal_date);
            identities.push_back(std::move(identity));
        }));
        if (unreadable)
            return broken(*unreadable);
        if (tagged.keyword != "OK")
            return refused("UID FETCH", tagged);
    }
    return identities;
}

Result<void> ImapClient::uid_command_in_chunks(std::string_view command_before_set,
                                               std::span<const std::uint32_t> uids,
                                               std::string_view command_after_set) {
    std::vector<std::uint32_t> sorted = sorted_unique(uids);
    // Servers limit command lines (Dovecot: 64 KiB); 1000 UIDs stay well below that.
    constexpr std::size_t UidsPerCommand = 1000;
    for (std::size_t start = 0; start < sorted.size(); start += UidsPerCommand) {
        auto chunk = std::span<const std::uint32_t>(sorted).subspan(start, std::min(UidsPerCommand, sorted.size() - start));
        std::vector<CommandPart> parts;
        append_text(parts, std::string(command_before_set) + compress_uid_set(chunk));
        if (!command_after_set.empty()) {
            append_text(parts, " ");
            if (command_after_set.front() == '\x01')
                append_astring(parts, command_after_set.substr(1));
            else
                append_text(parts, command_after_set);
        }
        auto tagged = CAIRN_TRY(run_command(parts));
        if (tagged.keyword != "OK")
            return refused(std::string(command_before_set), tagged);
    }
    return {};
}

Result<void> ImapClient::store_deleted(std::span<const std::uint32_t> uids) {
    return uid_command_in_chunks("UID STORE ", uids, "+FLAGS.SILENT (\\Deleted)");
}

Result<void> ImapClient::uid_expunge(std::span<const std::uint32_t> uids) {
    CAIRN_TRY_VOID(check_usable());
    if (!has_capability("UIDPLUS"))
        return fail(ErrorCode::Unsupported,
                    "the server does not support UIDPLUS, so it cannot expunge only the given messages");
    return uid_command_in_chunks("UID EXPUNGE ", uids, "");
}

Result<void> ImapClient::expunge() {
    auto tagged = CAIRN_TRY(run_command("EXPUNGE"));
    if (tagged.keyword != "OK")
        return refused("EXPUNGE", tagged);
    return {};
}

Result<void> ImapClient::move(std::span<const std::uint32_t> uids, std::string_view destination) {
    CAIRN_TRY_VOID(check_usable());
    // '\x01' marks the destination as an astring to quote (or send as a literal).
    std::string destination_argument = "\x01" + std::string(destination);
    if (has_capability("MOVE"))
        return uid_command_in_chunks("UID MOVE ", uids, destination_argument);
    CAIRN_TRY_VOID(uid_command_in_chunks("UID COPY ", uids, destination_argument));
    CAIRN_TRY_VOID(store_deleted(uids));
    if (has_capability("UIDPLUS"))
        return uid_expunge(uids);
    return {};
}

Result<void> ImapClient::logout() {
    CAIRN_TRY_VOID(check_usable());
    auto tagged = run_command("LOGOUT");
    m_failed = true;
    if (!tagged && tagged.error().code != ErrorCode::Unavailable)
        return std::unexpected(tagged.error());
    return {};
}

}  // namespace cairn::sources::imap
