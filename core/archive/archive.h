// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/accounts/account_settings.h"
#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/export/export_writer.h"
#include "core/mime/html_sanitizer.h"
#include "core/mime/message_view.h"
#include "core/oauth/sign_in.h"
#include "core/search/search_index.h"
#include "core/store/catalog.h"

/// The facade every front end uses: create or open an archive, import, list, read, export, verify.
namespace cairn {

using store::ListFilter;
using store::MessageListing;

enum class Access { ReadOnly, ReadWrite };

struct CreateOptions {
    /// A store is closed and a new one begun when it reaches this many bytes (0: no limit).
    std::uint64_t store_byte_limit = 0;
    /// ... or this many messages (0: no limit).
    std::uint64_t store_message_limit = 0;
    /// Keep the new archive's keys in the key cache (see Unlock).
    bool use_key_cache = false;
};

struct CreatedArchive;

struct ImportOptions {
    std::string user;
    /// Archive folder the import root maps to; sub-folders go below it.
    std::string folder_prefix;
    /// Worker threads for hashing and compression (0: one per core).
    unsigned worker_threads = 0;
    /// A batch is committed after this many messages, bytes or seconds, whichever comes first.
    std::uint64_t batch_messages = 2000;
    std::uint64_t batch_bytes = 64ull << 20;
    double batch_seconds = 2.0;
};

struct ItemFailure {
    std::string source_path;
    std::uint64_t offset = 0;
    std::string reason;
};

struct ImportReport {
    std::uint64_t messages_seen = 0;
    std::uint64_t messages_stored = 0;      ///< new content
    std::uint64_t messages_linked = 0;      ///< content already archived, now also in this folder
    std::uint64_t messages_unchanged = 0;   ///< already in this folder
    std::uint64_t bytes_read = 0;
    std::uint64_t files_skipped_unchanged = 0;  ///< imported completely before, not read again
    std::uint64_t files_passed_over = 0;        ///< not mail by name (.msf indexes, dot files)
    std::vector<ItemFailure> failures;
    /// Things the user should know that cost no message (attachment text unavailable).
    std::vector<std::string> warnings;
    bool cancelled = false;
    /// Set when the import had to stop (disk full, write error); what was committed before stays.
    std::optional<Error> fatal_error;
    double seconds = 0;
};

struct DamagedMessage {
    std::int64_t message_id = 0;
    std::string user;
    std::string folder;
    std::string subject;
    std::string problem;
};

struct VerifyReport {
    std::uint64_t blocks_checked = 0;
    std::uint64_t messages_checked = 0;
    std::uint64_t bytes_checked = 0;
    std::vector<std::string> damaged_blocks;  ///< "pack path at offset N: problem"
    std::vector<DamagedMessage> damaged_messages;
    bool cancelled = false;
    bool ok() const { return damaged_blocks.empty() && damaged_messages.empty() && !cancelled; }
};

/// One folder of a user's archive and how many messages it holds itself (its sub-folders
/// are folders of their own).
struct FolderSummary {
    std::string path;  ///< "/"-separated, as ListFilter::folder and the query's folder: take it
    std::uint64_t message_count = 0;
};

struct ArchiveStatistics {
    store::CatalogStatistics catalog;
    std::uint64_t pack_file_bytes = 0;
    std::uint64_t catalog_file_bytes = 0;
    std::uint64_t index_file_bytes = 0;
};

struct ExportOptions {
    ExportFormat format = ExportFormat::Eml;
    std::filesystem::path out;
    ListFilter filter;
    /// When not empty, only these messages, in this order, each once under its first
    /// placement the filter allows (a selection in a viewer); a message no longer listed is a
    /// failure of the report. Empty: every placement the filter selects.
    std::vector<std::int64_t> message_ids;
};

struct ExportReport {
    std::uint64_t messages = 0;
    std::uint64_t bytes = 0;
    std::vector<ItemFailure> failures;
    bool cancelled = false;
};

/// What signs in to a mail account: a password, or OAuth tokens. Sealed in the archive with a
/// key derived from the archive's own, never written anywhere in plain text.
struct AccountSecret {
    std::string password;
    std::string refresh_token;
    std::string access_token;
    std::int64_t access_token_expires = 0;  ///< seconds since the epoch
};

/// The OAuth clients used for Google and Microsoft accounts that name none of their own
/// (AccountSettings::oauth_client_id empty). Core reads no configuration: the front end fills
/// this in (the CLI from CAIRN_GOOGLE_CLIENT_ID, CAIRN_GOOGLE_CLIENT_SECRET and
/// CAIRN_MICROSOFT_CLIENT_ID). Empty fields mean no default: signing in then stops with an
/// InvalidArgument error that says how to configure one.
struct OAuthClientDefaults {
    std::string google_client_id;
    std::string google_client_secret;
    std::string microsoft_client_id;
};

enum class SignInFlow {
    Browser,     ///< authorization code with PKCE and a loopback redirect (Google and Microsoft)
    DeviceCode,  ///< a code entered on any device (Microsoft only: Google refuses it for mail)
};

/// How Archive::sign_in_account talks to the user; the front end supplies the interaction.
struct AccountSignInOptions {
    SignInFlow flow = SignInFlow::Browser;
    OAuthClientDefaults client_defaults;
    /// Browser: shows the provider's page (opens a browser, or prints the URL) and returns at
    /// once; the sign-in then waits for the browser's visit to the loopback address.
    std::function<Result<void>(const std::string& url)> open_browser;
    /// Browser: how long the user has to finish.
    std::chrono::milliseconds browser_timeout = std::chrono::minutes(5);
    /// DeviceCode: shows the code and the address to enter it at; called once before polling.
    std::function<void(const oauth::DeviceCodePrompt& prompt)> show_code;
    const CancellationToken* cancellation = nullptr;
};

struct AccountSummary {
    accounts::AccountSettings settings;
    bool has_secret = false;
    std::optional<std::int64_t> last_fetch;
    std::string last_fetch_summary;
};

struct FetchOptions {
    unsigned worker_threads = 0;
    /// Delete-after-archive rules only list what they would remove.
    bool cleanup_dry_run = false;
    /// Seconds to keep trying when a server drops the connection (reconnecting with backoff).
    double reconnect_seconds = 60;
    /// For Google and Microsoft accounts that name no OAuth client of their own.
    OAuthClientDefaults oauth_clients;
};

/// One account's fetch.
struct AccountFetchReport {
    std::string account;
    ImportReport import;
    std::uint64_t folders = 0;
    std::uint64_t reconnections = 0;  ///< times the server dropped the connection and it was made again
    std::uint64_t removed_from_server = 0;  ///< deleted or moved by the account's cleanup rule
    /// With cleanup_dry_run: what the rule would remove ("folder: UID n, date, subject").
    std::vector<std::string> cleanup_candidates;
    /// Set when the account could not be fetched at all or stopped part-way (cannot sign in,
    /// server unreachable); what was archived before stays.
    std::optional<Error> error;
};

struct FetchReport {
    std::vector<AccountFetchReport> accounts;
    bool cancelled = false;
};

/// How to unlock an archive.
struct Unlock {
    /// The passphrase when the caller has it already (a file, the environment).
    std::optional<std::string> passphrase;
    /// Asked only when the passphrase is needed and not given (a terminal prompt).
    std::function<Result<std::string>()> ask;
    /// Keep the unlocked keys in the user's kernel keyring for a while and use them from there:
    /// a given passphrase is still checked against them (cheaply), so a wrong one never opens.
    bool use_key_cache = true;
};

enum class IndexCondition {
    Current,
    Missing,   ///< the user has mail but no index file
    Outdated,  ///< built by another version's tokenizer or columns
    Damaged,   ///< SQLite reports the file corrupt or not a database
    Lagging,   ///< the catalog has import batches the index does not (a crash between commits)
};

struct IndexHealth {
    IndexCondition condition = IndexCondition::Current;
    std::string description;  ///< for the user: what is wrong, naming the file
};

/// True when ERROR is SQLite reporting a user's index file damaged (then repair_index helps).
bool is_damaged_index_error(const Error& error);

class Archive {
public:
    /// Creates an archive in `directory` (which must not hold one already).
    static Result<CreatedArchive> create(const std::filesystem::path& directory, std::string_view passphrase,
                                         const CreateOptions& options);
    /// Opens an archive. ReadWrite takes the archive's writer lock (Busy when another process
    /// holds it) and cuts off what an interrupted run left uncommitted.
    static Result<Archive> open(const std::filesystem::path& directory, std::string_view passphrase, Access access);
    static Result<Archive> open(const std::filesystem::path& directory, const Unlock& unlock, Access access);
    /// Wraps the archive's key under a new passphrase, unlocking it with the current passphrase
    /// or the recovery key. Nothing is re-encrypted. Takes the writer lock.
    static Result<void> change_passphrase(const std::filesystem::path& directory, std::string_view current,
                                          bool current_is_recovery_key, std::string_view new_passphrase);
    /// Removes this archive's keys from the key cache (the next command asks again).
    static Result<void> forget_cached_keys(const std::filesystem::path& directory);

    Archive(Archive&&) noexcept;
    Archive& operator=(Archive&&) noexcept;
    ~Archive();

    const std::filesystem::path& directory() const;

    /// Imports mail files and folders. Per-item failures are in the report; Cancel stops at the
    /// next message and commits what is done. Only errors before anything could start are returned.
    Result<ImportReport> import(const std::vector<std::filesystem::path>& paths, const ImportOptions& options,
                                ProgressObserver* observer, const CancellationToken* cancel);

    Result<std::vector<MessageListing>> list(const ListFilter& filter);
    /// The envelope a journal report gave for the message (empty for other messages).
    Result<std::vector<store::Catalog::EnvelopeAddress>> envelope(std::int64_t message_id);
    /// The exact original bytes (SHA-256 checked).
    Result<std::string> message_bytes(std::int64_t message_id);
    /// The message prepared for reading (decoded headers, text, HTML, attachments). Its `html`
    /// is not safe to display as it is: pass it through mime::sanitize_html.
    Result<mime::MessageView> message_view(std::int64_t message_id);
    /// The message's HTML ready to show (mime::displayable_html: sanitised, cid: images
    /// inlined); empty html when it has no HTML part.
    Result<mime::SanitizedHtml> message_html(std::int64_t message_id, bool allow_remote_images);
    /// The decoded bytes of one attachment (index from MessageView::attachments); NotFound when
    /// the message has no such attachment.
    Result<std::string> attachment_data(std::int64_t message_id, std::size_t attachment_index);
    Result<ExportReport> export_messages(const ExportOptions& options, ProgressObserver* observer,
                                         const CancellationToken* cancel);
    Result<VerifyReport> verify(ProgressObserver* observer, const CancellationToken* cancel);
    Result<ArchiveStatistics> statistics();

    /// The users that have mail in the archive.
    Result<std::vector<std::string>> users();
    /// USER's folders that hold mail, sorted by path, each with its own message count; empty
    /// for a user with no mail (or none of that name).
    Result<std::vector<FolderSummary>> folders(const std::string& user);
    /// Searches one user's mail (DESIGN.md §5). InvalidArgument, pointing at the problem, when
    /// the query cannot be read.
    Result<std::vector<search::SearchHit>> search(const std::string& user, const search::SearchRequest& request);
    Result<std::uint64_t> count(const std::string& user, const std::string& query);
    /// Rebuilds a user's index from the store (needs the archive opened for writing).
    Result<std::uint64_t> reindex(const std::string& user, ProgressObserver* observer, const CancellationToken* cancel);
    /// Whether a user's index can answer searches completely; cheap enough to ask before each.
    Result<IndexHealth> index_health(const std::string& user);
    /// Makes a user's index current (needs the archive opened for writing): rebuilt when
    /// missing, damaged or of another version, caught up when lagging. Returns messages indexed.
    Result<std::uint64_t> repair_index(const std::string& user, ProgressObserver* observer,
                                       const CancellationToken* cancel);

    /// Mail accounts (DESIGN.md §4 sources). The secret is sealed in the archive.
    Result<void> add_account(const accounts::AccountSettings& settings, const AccountSecret& secret);
    Result<std::vector<AccountSummary>> accounts();
    /// Replaces an account's settings (found by settings.name; InvalidArgument when invalid,
    /// NotFound when there is no such account). The secret and sync positions stay.
    Result<void> update_account(const accounts::AccountSettings& settings);
    /// Replaces the secret of an account (a password, or OAuth tokens), sealed. NotFound when
    /// there is no such account.
    Result<void> set_account_secret(const std::string& name, const AccountSecret& secret);
    /// Signs in to a Google or Microsoft account (core/oauth's browser or device-code flow) and
    /// keeps the tokens sealed in the archive, replacing any earlier sign-in. Blocks until the
    /// user has finished (or declined, or the time ran out), holding the writer lock; call it
    /// from a worker thread in a GUI. Errors: NotFound (no such account), InvalidArgument (not
    /// an OAuth account, or no client id configured: the message says how), and the errors of
    /// oauth::sign_in_with_browser / sign_in_with_device_code. Never puts a token in an error.
    Result<void> sign_in_account(const std::string& name, const AccountSignInOptions& options);
    /// The account's definition and sync positions go; the mail archived from it stays.
    Result<void> remove_account(const std::string& name);
    /// Fetches new mail from the named accounts (all when NAMES is empty) and applies their
    /// cleanup rules. Errors of one account are in its report; the others are fetched anyway.
    Result<FetchReport> fetch(const std::vector<std::string>& names, const FetchOptions& options,
                              ProgressObserver* observer, const CancellationToken* cancel);

    struct Impl;

private:
    explicit Archive(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

struct CreatedArchive {
    Archive archive;
    std::string recovery_key;
};

/// The default archive location: $CAIRN_ARCHIVE, else $XDG_DATA_HOME/cairn/archive,
/// else ~/.local/share/cairn/archive.
std::filesystem::path default_archive_directory();

}  // namespace cairn
