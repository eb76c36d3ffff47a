// SPDX-License-Identifier: GPL-3.0-or-later
// Fetching mail accounts: each account's new mail goes through the same pipeline as an import
// (core/archive/import_job.cpp); the account's sync positions are recorded in the batches that
// hold the messages, so a crash never skips a message and never stores one twice.

#include <charconv>
#include <chrono>
#include <map>

#include <fmt/format.h>

#include "core/archive/account_secrets.h"
#include "core/archive/archive_impl.h"
#include "core/archive/oauth_accounts.h"
#include "core/archive/pop3_fetch.h"
#include "core/archive/server_cleanup.h"
#include "core/sources/imap/account_reader.h"

namespace cairn {
namespace {

namespace imap = sources::imap;

imap::ImapSecurity imap_security(accounts::Security security) {
    switch (security) {
    case accounts::Security::Tls: return imap::ImapSecurity::Tls;
    case accounts::Security::StartTls: return imap::ImapSecurity::StartTls;
    case accounts::Security::None: return imap::ImapSecurity::Plain;
    }
    return imap::ImapSecurity::Tls;
}

/// The archive's half of a fetch: which remote folder the messages in the queue come from.
class RemoteFolderRecorder {
public:
    /// ARCHIVED_BY_GMAIL_ID: for Gmail, the archived message of each X-GM-MSGID fetched before.
    RemoteFolderRecorder(std::int64_t account_id, std::string user, std::string folder_prefix,
                         std::map<std::uint64_t, std::int64_t> archived_by_gmail_id)
        : m_account_id(account_id),
          m_user(std::move(user)),
          m_folder_prefix(std::move(folder_prefix)),
          m_archived_by_gmail_id(std::move(archived_by_gmail_id)) {}

    Result<void> record_checkpoint(store::Catalog& catalog, const std::any& position) {
        if (const auto* opened = std::any_cast<imap::FolderOpened>(&position)) {
            auto id = CAIRN_TRY(catalog.ensure_remote_folder(m_account_id, opened->server_name));
            // Recorded at once, not with the first position: UIDs archived before that position
            // is reached are only recognised by the next run under the numbering they belong to.
            CAIRN_TRY_VOID(catalog.begin_remote_folder_numbering(id, opened->uid_validity));
            m_folders_by_source[opened->source_path] = {id, opened->uid_validity};
            m_folder_ids[opened->server_name] = id;
            return {};
        }
        if (const auto* reached = std::any_cast<imap::FolderPosition>(&position)) {
            auto found = m_folder_ids.find(reached->server_name);
            auto id = found != m_folder_ids.end() ? found->second
                                                  : CAIRN_TRY(catalog.ensure_remote_folder(m_account_id, reached->server_name));
            return catalog.set_remote_folder_position(id, reached->uid_validity, reached->highest_uid);
        }
        // What belongs to the message that follows waits for it: after_message records it in
        // the same step as the message, so no commit can fall in between.
        if (const auto* gmail = std::any_cast<imap::GmailMessage>(&position)) {
            if (gmail->archived_before)
                return record_archived_gmail_message(catalog, *gmail);
            m_pending_gmail = *gmail;
            return {};
        }
        if (const auto* envelope = std::any_cast<imap::JournalEnvelope>(&position)) {
            m_pending_envelope = *envelope;
            return {};
        }
        return {};
    }

    Result<void> after_message(store::Catalog& catalog, const sources::RawMessage& origin, const store::Added& added) {
        auto found = m_folders_by_source.find(origin.source_path);
        if (found == m_folders_by_source.end())
            return make_error(ErrorCode::Internal, "a fetched message came before its folder", origin.source_path);
        const auto uid = static_cast<std::uint32_t>(origin.offset);
        // A pending record for another message belonged to one that could not be placed.
        auto belongs_here = [&](const auto& pending) {
            return pending && pending->source_path == origin.source_path && pending->uid == uid;
        };
        std::optional<imap::GmailMessage> gmail;
        std::optional<imap::JournalEnvelope> envelope;
        if (belongs_here(m_pending_gmail))
            gmail = std::move(m_pending_gmail);
        if (belongs_here(m_pending_envelope))
            envelope = std::move(m_pending_envelope);
        m_pending_gmail.reset();
        m_pending_envelope.reset();

        const std::string stable_id = gmail && gmail->gmail_message_id ? std::to_string(gmail->gmail_message_id) : "";
        CAIRN_TRY_VOID(catalog.record_remote_message(found->second.first, found->second.second, std::to_string(uid),
                                                     added.message_id, stable_id));
        if (gmail) {
            if (gmail->gmail_message_id)
                m_archived_by_gmail_id[gmail->gmail_message_id] = added.message_id;
            CAIRN_TRY_VOID(place_in_folders(catalog, added.message_id, gmail->folders, flags_text(origin.flags),
                                            origin.received_time, origin.source_path, uid));
        }
        if (envelope) {
            if (!envelope->sender.empty())
                CAIRN_TRY_VOID(catalog.record_envelope_address(added.message_id, envelope->sender, "sender", ""));
            for (const auto& recipient : envelope->recipients)
                CAIRN_TRY_VOID(catalog.record_envelope_address(added.message_id, recipient.address, recipient.kind,
                                                               recipient.note));
        }
        return {};
    }

private:
    /// Gmail: a new UID whose message the archive holds by its X-GM-MSGID: its new UID, and the
    /// folders of its current labels.
    Result<void> record_archived_gmail_message(store::Catalog& catalog, const imap::GmailMessage& gmail) {
        auto folder = m_folders_by_source.find(gmail.source_path);
        if (folder == m_folders_by_source.end())
            return make_error(ErrorCode::Internal, "a Gmail message came before its folder", gmail.source_path);
        auto known = m_archived_by_gmail_id.find(gmail.gmail_message_id);
        if (known == m_archived_by_gmail_id.end())
            return make_error(ErrorCode::Internal, "a Gmail message id the archive does not know", gmail.source_path);
        CAIRN_TRY_VOID(catalog.record_remote_message(folder->second.first, folder->second.second,
                                                     std::to_string(gmail.uid), known->second,
                                                     std::to_string(gmail.gmail_message_id)));
        return place_in_folders(catalog, known->second, gmail.folders, flags_text(gmail.flags), gmail.received_time,
                                gmail.source_path, gmail.uid);
    }

    Result<void> place_in_folders(store::Catalog& catalog, std::int64_t message_id, const std::vector<std::string>& folders,
                                  const std::string& flags, std::optional<std::int64_t> received_time,
                                  const std::string& source_path, std::uint32_t uid) {
        if (folders.empty())
            return {};
        auto user_id = CAIRN_TRY(catalog.ensure_user(m_user));
        auto source_file_id = CAIRN_TRY(catalog.ensure_source_file(user_id, m_folder_prefix, source_path));
        for (const auto& path : folders) {
            auto folder_id = CAIRN_TRY(catalog.ensure_folder(user_id, join_folder(m_folder_prefix, path)));
            CAIRN_TRY(catalog.insert_placement({message_id, folder_id, flags, received_time, source_file_id, uid}));
        }
        return {};
    }

    std::int64_t m_account_id;
    std::string m_user;
    std::string m_folder_prefix;
    std::map<std::uint64_t, std::int64_t> m_archived_by_gmail_id;
    std::map<std::string, std::pair<std::int64_t, std::uint32_t>> m_folders_by_source;
    std::map<std::string, std::int64_t> m_folder_ids;
    std::optional<imap::GmailMessage> m_pending_gmail;
    std::optional<imap::JournalEnvelope> m_pending_envelope;
};

std::string fetch_summary_text(const AccountFetchReport& report) {
    if (report.error)
        return fmt::format("failed: {}", report.error->describe());
    std::string text = fmt::format("{} new, {} already archived, {} failed", report.import.messages_stored,
                                   report.import.messages_linked + report.import.messages_unchanged,
                                   report.import.failures.size());
    if (report.removed_from_server)
        text += fmt::format(", {} removed from the server", report.removed_from_server);
    return text;
}

Result<sources::imap::AccountReadOptions> imap_read_options(const accounts::AccountSettings& settings,
                                                            const AccountSecret& secret, double reconnect_seconds) {
    imap::AccountReadOptions options;
    options.connect.host = settings.host;
    options.connect.port = accounts::effective_port(settings);
    options.connect.security = imap_security(settings.security);
    options.connect.tls.trusted_certificate_sha256 = settings.trusted_certificate_sha256;
    options.connect.allow_plaintext = settings.allow_plaintext_password;
    // Google and Microsoft accounts get theirs from an OAuthSession (use_oauth_credentials).
    options.credentials = [login = settings.login, password = secret.password]() -> Result<imap::Credentials> {
        return imap::Credentials{login, password, imap::AuthMechanism::Automatic};
    };
    options.include_folder = [settings](const imap::Folder& folder) {
        std::vector<std::string> special_use;
        if (!folder.special_use.empty())
            special_use.push_back(folder.special_use);
        return accounts::is_folder_included(settings, folder.display_path, special_use);
    };
    options.source_name = fmt::format("imap://{}@{}", settings.login, settings.host);
    options.unwrap_journal_reports = settings.journal;
    options.reconnect.give_up_after_seconds = reconnect_seconds;
    if (const char* pause = std::getenv("CAIRN_TEST_RECONNECT_PAUSE"); pause && *pause)
        options.reconnect.first_pause_seconds = std::atof(pause);
    return options;
}

/// For a Google or Microsoft account: refreshes its access token now (storing the new tokens)
/// and lets every (re)connection of the run take a current token from the session. Null for a
/// password account.
Result<std::shared_ptr<OAuthSession>> use_oauth_credentials(Archive::Impl& archive, std::int64_t account_id,
                                                            const accounts::AccountSettings& settings,
                                                            const AccountSecret& secret, const FetchOptions& options,
                                                            imap::AccountReadOptions& read_options,
                                                            const CancellationToken* cancel) {
    if (settings.sign_in == accounts::SignIn::Password)
        return std::shared_ptr<OAuthSession>();
    auto session = CAIRN_TRY(OAuthSession::start(archive, account_id, settings, secret, options.oauth_clients, cancel));
    read_options.credentials = [session] { return session->credentials(); };
    return session;
}

}  // namespace

Result<FetchReport> Archive::fetch(const std::vector<std::string>& names, const FetchOptions& options,
                                   ProgressObserver* observer, const CancellationToken* cancel) {
    if (m_impl->access != Access::ReadWrite)
        return make_error(ErrorCode::Internal, "fetch needs the archive opened for writing");
    auto rows = CAIRN_TRY(m_impl->catalog->accounts());
    std::vector<store::Catalog::AccountRow> chosen;
    if (names.empty()) {
        chosen = rows;
    } else {
        for (const auto& name : names) {
            auto found = std::find_if(rows.begin(), rows.end(), [&](const auto& row) { return row.name == name; });
            if (found == rows.end())
                return make_error(ErrorCode::NotFound, "no such account; `cairn account list` shows them", name);
            chosen.push_back(*found);
        }
    }
    FetchReport report;
    for (const auto& row : chosen) {
        if (cancel && cancel->is_cancelled()) {
            report.cancelled = true;
            break;
        }
        AccountFetchReport account;
        account.account = row.name;
        std::shared_ptr<OAuthSession> oauth_session;
        auto outcome = [&]() -> Result<void> {
            auto settings = CAIRN_TRY(accounts::from_json(row.settings));
            auto secret = CAIRN_TRY(open_account_secret(m_impl->keys, row.name, row.sealed_secret));
            if (settings.protocol == accounts::Protocol::Pop3)
                return fetch_pop3_account(*m_impl, row.id, settings, secret, options, account, observer, cancel);
            auto read_options = CAIRN_TRY(imap_read_options(settings, secret, options.reconnect_seconds));
            oauth_session =
                CAIRN_TRY(use_oauth_credentials(*m_impl, row.id, settings, secret, options, read_options, cancel));
            for (const auto& folder : CAIRN_TRY(m_impl->catalog->remote_folders(row.id)))
                read_options.known_folders[folder.server_name] = {
                    folder.uid_validity, folder.highest_uid,
                    CAIRN_TRY(m_impl->catalog->remote_uids_above(folder.id, folder.uid_validity, folder.highest_uid))};

            std::map<std::uint64_t, std::int64_t> archived_by_gmail_id;
            for (const auto& [stable_id, message_id] : CAIRN_TRY(m_impl->catalog->remote_stable_ids(row.id))) {
                std::uint64_t gmail_id = 0;
                auto parsed = std::from_chars(stable_id.data(), stable_id.data() + stable_id.size(), gmail_id);
                if (parsed.ec == std::errc() && parsed.ptr == stable_id.data() + stable_id.size()) {
                    archived_by_gmail_id[gmail_id] = message_id;
                    read_options.archived_gmail_message_ids.insert(gmail_id);
                }
            }
            RemoteFolderRecorder recorder(row.id, settings.user, accounts::archive_folder(settings),
                                          std::move(archived_by_gmail_id));
            imap::AccountReadSummary summary;
            ImportSource source;
            source.read = [&](sources::MessageSink& sink, const CancellationToken* stop) {
                summary = imap::read_imap_account(read_options, sink, stop);
            };
            source.record_checkpoint = [&](store::Catalog& catalog, const std::any& position) {
                return recorder.record_checkpoint(catalog, position);
            };
            source.after_message = [&](store::Catalog& catalog, const sources::RawMessage& origin,
                                       const store::Added& added) { return recorder.after_message(catalog, origin, added); };
            ImportOptions import_options;
            import_options.user = settings.user;
            import_options.folder_prefix = accounts::archive_folder(settings);
            import_options.worker_threads = options.worker_threads;
            account.import = CAIRN_TRY(run_import(*m_impl, source, import_options, observer, cancel));
            account.folders = summary.folders;
            account.reconnections = summary.reconnections;
            if (account.import.fatal_error)
                return std::unexpected(*account.import.fatal_error);
            if (summary.error)
                return std::unexpected(*summary.error);
            if (account.import.cancelled || settings.cleanup.action == accounts::ServerCleanup::Action::Keep)
                return {};
            return clean_up_server(*m_impl, row.id, settings, read_options, options.cleanup_dry_run, account, cancel);
        }();
        if (!outcome)
            account.error = outcome.error();
        // Tokens refreshed during the run are stored whatever became of it: the old refresh
        // token may no longer work.
        if (oauth_session)
            if (auto stored = oauth_session->store_rotated(*m_impl); !stored && !account.error)
                account.error = stored.error();
        if (account.import.cancelled)
            report.cancelled = true;
        auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
        if (auto recorded = m_impl->catalog->record_account_fetch(row.id, now.count(), fetch_summary_text(account));
            !recorded && !account.error)
            account.error = recorded.error();
        report.accounts.push_back(std::move(account));
    }
    return report;
}

}  // namespace cairn
