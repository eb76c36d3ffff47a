// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/net/connection.h"

namespace cairn::sources::imap {

struct Response;

/// A piece of a command: text sent as is, or a literal whose bytes may need the server's
/// go-ahead before they are sent. Internal to ImapClient.
struct CommandPart {
    std::string text;
    bool literal = false;
};

enum class ImapSecurity {
    Tls,       ///< IMAPS, usually port 993
    StartTls,  ///< plain connection upgraded with STARTTLS, usually port 143; refused if not offered
    Plain,     ///< never encrypted; logging in then needs ConnectOptions::allow_plaintext
};

struct ConnectOptions {
    std::string host;
    std::uint16_t port = 993;
    ImapSecurity security = ImapSecurity::Tls;
    net::TlsOptions tls;
    /// Bounds each network wait (connect, every read and write): the time allowed without progress.
    std::chrono::milliseconds timeout{60000};
    /// Lets authenticate() send credentials over an unencrypted connection (tests, or a server
    /// on localhost). Off by default: the password would cross the network readable.
    bool allow_plaintext = false;
    /// Checked at least every 200 ms while waiting and between fetched messages; may be null,
    /// otherwise it must outlive the client.
    const CancellationToken* cancellation = nullptr;
};

enum class AuthMechanism {
    Automatic,    ///< AUTHENTICATE PLAIN when advertised, else LOGIN
    Plain,        ///< SASL PLAIN (RFC 4616), with SASL-IR (RFC 4959) when advertised
    Login,        ///< the LOGIN command
    XOAuth2,      ///< Google/Microsoft XOAUTH2 with an OAuth access token (OAUTHBEARER when only that is offered)
    OAuthBearer,  ///< OAUTHBEARER (RFC 7628) with an OAuth access token
};

struct Credentials {
    std::string user;
    std::string secret;  ///< the password, or the access token for the OAuth mechanisms
    AuthMechanism mechanism = AuthMechanism::Automatic;
};

struct Folder {
    std::string server_name;   ///< raw (modified UTF-7) name, to pass back to examine(), move()...
    /// Decoded to UTF-8, hierarchy delimiter turned into '/', without a Courier-style personal
    /// namespace prefix ("INBOX.Sent" is shown as "Sent").
    std::string display_path;
    std::optional<char> delimiter;
    std::vector<std::string> attributes;  ///< as sent: "\\Noselect", "\\HasChildren", "\\Sent"...
    /// The RFC 6154 special use ("\\All" "\\Archive" "\\Drafts" "\\Flagged" "\\Junk" "\\Sent"
    /// "\\Trash"), or empty.
    std::string special_use;
    bool selectable = true;  ///< false for \Noselect and \NonExistent
};

/// What SELECT or EXAMINE reported about a folder.
struct FolderStatus {
    std::uint32_t uid_validity = 0;
    std::optional<std::uint32_t> uid_next;
    std::uint32_t exists = 0;
    std::optional<std::uint64_t> highest_modseq;  ///< with CONDSTORE
    bool read_only = false;
};

struct FetchedMessage {
    std::uint32_t uid = 0;
    std::string bytes;  ///< exactly the literal the server sent for BODY[]
    std::vector<std::string> flags;
    std::optional<std::int64_t> internal_date;  ///< seconds since the epoch, UTC
    std::optional<std::uint64_t> size;           ///< RFC822.SIZE as the server reported it
    std::optional<std::uint64_t> gmail_message_id;
    std::vector<std::string> gmail_labels;
};

/// A message that could not be fetched; the rest of the run went on.
struct FetchFailure {
    std::uint32_t uid = 0;
    std::string reason;
};

struct FetchReport {
    std::size_t fetched = 0;
    std::vector<FetchFailure> failures;
};

struct FetchOptions {
    std::size_t max_uids_per_command = 64;
    /// UID FETCH commands sent before waiting for the first to complete: the server streams
    /// one batch while the next is already queued, so there is no round trip per batch.
    std::size_t commands_in_flight = 4;
};

/// Called for each message as it arrives; return false to stop the fetch.
using MessageCallback = std::function<bool(FetchedMessage&&)>;

/// An IMAP4rev1 client over one connection, for archiving: read-only by default, BODY.PEEK so
/// fetching never sets \Seen, and message bytes kept exactly as the server sent them.
///
/// Errors: Unavailable for network failures and a dropped connection ("host:port: the
/// connection was closed by the server", or the server's BYE text), PermissionDenied when the
/// server refuses the login, CryptoFailure for an untrusted certificate (see net::Connection),
/// NotFound for a folder that cannot be opened, Unsupported for a missing capability, Cancelled.
/// After Unavailable, Cancelled or InvalidData the client is unusable: discard it and connect
/// again (every later call fails). Never puts passwords or tokens in messages.
/// Not thread-safe.
class ImapClient {
public:
    ~ImapClient();
    ImapClient(const ImapClient&) = delete;
    ImapClient& operator=(const ImapClient&) = delete;

    /// Connects, reads the greeting, upgrades with STARTTLS when asked and learns the
    /// capabilities.
    [[nodiscard]] static Result<std::unique_ptr<ImapClient>> connect(const ConnectOptions& options);

    /// Logs in. InvalidArgument when the connection is not encrypted and allow_plaintext is
    /// off; PermissionDenied (naming the user and quoting the server) when refused. Refreshes
    /// the capabilities afterwards, since servers advertise more after login.
    [[nodiscard]] Result<void> authenticate(const Credentials& credentials);

    /// Upper-case capability names as last advertised ("IMAP4REV1", "UIDPLUS", "AUTH=PLAIN").
    const std::vector<std::string>& capabilities() const { return m_capabilities; }
    bool has_capability(std::string_view name) const;
    /// Asks the server again (CAPABILITY).
    [[nodiscard]] Result<void> refresh_capabilities();

    /// Every folder (LIST "" "*", with RETURN (SPECIAL-USE) when the server supports it).
    /// Also reads NAMESPACE when advertised (personal_namespace_prefix()).
    [[nodiscard]] Result<std::vector<Folder>> list_folders();
    /// The personal namespace's prefix ("" on most servers, "INBOX." on Courier-style ones),
    /// known after list_folders() on servers with NAMESPACE.
    const std::string& personal_namespace_prefix() const { return m_personal_prefix; }

    /// Opens a folder read-only (EXAMINE): nothing in it can change through this client.
    [[nodiscard]] Result<FolderStatus> examine(std::string_view server_name);
    /// Opens a folder read-write (SELECT), needed for store_deleted(), expunge and move().
    [[nodiscard]] Result<FolderStatus> select(std::string_view server_name);

    /// UIDs >= FIRST_UID in the open folder, ascending. (UID SEARCH UID n:* returns the highest
    /// UID even when it is below n; such UIDs are dropped.)
    [[nodiscard]] Result<std::vector<std::uint32_t>> uids_from(std::uint32_t first_uid);
    /// UIDs of messages with an internal date before DATE (UID SEARCH BEFORE).
    [[nodiscard]] Result<std::vector<std::uint32_t>> uids_before(std::chrono::year_month_day date);
    /// UIDs flagged \Deleted (UID SEARCH DELETED).
    [[nodiscard]] Result<std::vector<std::uint32_t>> uids_flagged_deleted();

    /// Fetches UIDS from the open folder (pipelined UID FETCH of BODY.PEEK[], UID, FLAGS,
    /// INTERNALDATE, RFC822.SIZE, and X-GM-MSGID X-GM-LABELS with X-GM-EXT-1), calling
    /// ON_MESSAGE for each as it arrives, in the server's order. A UID the server omits, or
    /// whose command it answers NO, is listed in the report's failures; the run goes on.
    /// Cancelled when the token is cancelled or ON_MESSAGE returns false (the client is then
    /// unusable, since responses are still in flight).
    [[nodiscard]] Result<FetchReport> fetch_messages(std::span<const std::uint32_t> uids,
                                                     const MessageCallback& on_message,
                                                     const FetchOptions& options = {});

    /// Gmail (X-GM-EXT-1): the X-GM-MSGID, X-GM-LABELS, FLAGS and INTERNALDATE of UIDS in the
    /// open folder, without their content; UIDs the server does not answer for are left out. Unsupported without
    /// X-GM-EXT-1.
    struct GmailIdentity {
        std::uint32_t uid = 0;
        std::uint64_t gmail_message_id = 0;
        std::vector<std::string> gmail_labels;
        std::vector<std::string> flags;
        std::optional<std::int64_t> internal_date;  ///< seconds since the epoch, UTC
    };
    [[nodiscard]] Result<std::vector<GmailIdentity>> gmail_identities(std::span<const std::uint32_t> uids);
    /// Flags UIDS \Deleted (UID STORE +FLAGS.SILENT). Needs select().
    [[nodiscard]] Result<void> store_deleted(std::span<const std::uint32_t> uids);
    /// Expunges exactly UIDS (UID EXPUNGE, RFC 4315); Unsupported without UIDPLUS.
    [[nodiscard]] Result<void> uid_expunge(std::span<const std::uint32_t> uids);
    /// Expunges every message flagged \Deleted in the open folder, not only ours.
    [[nodiscard]] Result<void> expunge();
    /// Moves UIDS to DESTINATION (a server name): UID MOVE when advertised, else UID COPY, then
    /// \Deleted and, with UIDPLUS, UID EXPUNGE of exactly those; without UIDPLUS the originals
    /// stay flagged \Deleted until an expunge().
    [[nodiscard]] Result<void> move(std::span<const std::uint32_t> uids, std::string_view destination);

    /// Says goodbye; the client is closed afterwards.
    [[nodiscard]] Result<void> logout();

    /// The server's certificate fingerprint ("AB:CD:..."), empty without TLS.
    const std::string& certificate_sha256() const;
    bool is_encrypted() const;

private:
    ImapClient(std::unique_ptr<net::Connection> connection, ConnectOptions options);

    Result<void> read_greeting();
    Result<void> start_tls();
    Result<Response> read_response();
    Result<Response> run_command(const std::vector<CommandPart>& parts,
                                 const std::function<void(Response&)>& on_untagged = {});
    Result<Response> run_command(std::string text, const std::function<void(Response&)>& on_untagged = {});
    Result<void> send_command(const std::string& tag, const std::vector<CommandPart>& parts);
    void note_untagged(const Response& response);
    Result<FolderStatus> open_folder(std::string_view verb, std::string_view server_name);
    Result<std::vector<std::uint32_t>> search(std::string criteria, std::uint32_t minimum_uid = 0);
    Result<void> authenticate_sasl(std::string_view mechanism, const std::string& initial_response,
                                   std::string_view failure_reply, const Credentials& credentials);
    Result<void> uid_command_in_chunks(std::string_view command_before_set, std::span<const std::uint32_t> uids,
                                       std::string_view command_after_set);
    std::string next_tag();
    std::unexpected<Error> fail(ErrorCode code, std::string problem);
    std::unexpected<Error> broken(Error error);
    std::unexpected<Error> refused(std::string_view what, const Response& tagged);
    Result<void> check_usable() const;

    std::unique_ptr<net::Connection> m_connection;
    ConnectOptions m_options;
    std::vector<std::string> m_capabilities;
    std::string m_personal_prefix;
    std::string m_bye_text;
    std::string m_user;
    std::uint64_t m_tag_counter = 0;
    std::uint32_t m_exists = 0;
    bool m_failed = false;
};

/// "1:5,7,9:12" for sorted, unique UIDS.
std::string compress_uid_set(std::span<const std::uint32_t> sorted_unique_uids);

}  // namespace cairn::sources::imap
