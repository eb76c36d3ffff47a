// SPDX-License-Identifier: GPL-3.0-or-later
// POP3 accounts through the import pipeline. POP3 knows one maildrop and, per message, only a
// unique id (UIDL) and a size: the archive remembers each archived UIDL, and when it first
// archived it, since a POP3 server gives no dates for the delete-after-archive rule to use.

#include "core/archive/pop3_fetch.h"

#include <chrono>
#include <map>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "core/sources/pop3/account_reader.h"

namespace cairn {
namespace {

namespace pop3 = sources::pop3;

/// POP3 has no UIDVALIDITY: a UIDL is meant to stay valid for good.
constexpr std::uint32_t NoUidValidity = 0;

pop3::Pop3Security pop3_security(accounts::Security security) {
    switch (security) {
    case accounts::Security::Tls: return pop3::Pop3Security::Tls;
    case accounts::Security::StartTls: return pop3::Pop3Security::StartTls;
    case accounts::Security::None: return pop3::Pop3Security::Plain;
    }
    return pop3::Pop3Security::Tls;
}

Result<pop3::AccountReadOptions> pop3_read_options(const accounts::AccountSettings& settings,
                                                   const AccountSecret& secret, double reconnect_seconds) {
    if (settings.sign_in != accounts::SignIn::Password)
        return make_error(ErrorCode::Unsupported,
                          "signing in to POP3 with Google or Microsoft is not available in this version of Cairn yet",
                          settings.name);
    pop3::AccountReadOptions options;
    options.connect.host = settings.host;
    options.connect.port = accounts::effective_port(settings);
    options.connect.security = pop3_security(settings.security);
    options.connect.tls.trusted_certificate_sha256 = settings.trusted_certificate_sha256;
    options.connect.allow_plaintext = settings.allow_plaintext_password;
    options.credentials = [login = settings.login, password = secret.password]() -> Result<pop3::Credentials> {
        return pop3::Credentials{login, password, pop3::AuthMechanism::Automatic};
    };
    options.source_name = fmt::format("pop3://{}@{}", settings.login, settings.host);
    options.reconnect.give_up_after_seconds = reconnect_seconds;
    if (const char* pause = std::getenv("CAIRN_TEST_RECONNECT_PAUSE"); pause && *pause)
        options.reconnect.first_pause_seconds = std::atof(pause);
    return options;
}

/// The archive's half of a POP3 fetch: which UIDL each archived message had.
class Pop3Recorder {
public:
    explicit Pop3Recorder(std::int64_t account_id) : m_account_id(account_id) {}

    Result<void> record_checkpoint(store::Catalog& catalog, const std::any& position) {
        const auto* fetched = std::any_cast<pop3::Pop3MessageFetched>(&position);
        if (!fetched)
            return {};
        if (!m_folder_id)
            m_folder_id = CAIRN_TRY(catalog.ensure_remote_folder(m_account_id, pop3::InboxFolder));
        // The writer handles items in the order the reader passed them, so the message that
        // follows this checkpoint is the one with this number.
        m_unique_ids[fetched->number] = fetched->unique_id;
        return {};
    }

    Result<void> after_message(store::Catalog& catalog, const sources::RawMessage& origin, const store::Added& added) {
        auto found = m_unique_ids.find(static_cast<std::uint32_t>(origin.offset));
        if (found == m_unique_ids.end() || !m_folder_id)
            return make_error(ErrorCode::Internal, "a fetched message came without its unique id", origin.source_path);
        auto recorded = catalog.record_remote_message(*m_folder_id, NoUidValidity, found->second, added.message_id);
        m_unique_ids.erase(found);
        return recorded;
    }

private:
    std::int64_t m_account_id;
    std::optional<std::int64_t> m_folder_id;
    std::map<std::uint32_t, std::string> m_unique_ids;
};

std::string date_text(std::int64_t epoch_seconds) {
    return fmt::format("{:%Y-%m-%d}", fmt::gmtime(static_cast<std::time_t>(epoch_seconds)));
}

/// The delete rule: a message leaves the server only when its UIDL maps to an archived message
/// that reads back intact (MessageReader checks the SHA-256) and that was first archived at
/// least the rule's days ago. DELE marks them; QUIT removes them. A dry run lists them.
Result<void> clean_up_pop3_server(Archive::Impl& archive, std::int64_t account_id,
                                  const accounts::AccountSettings& settings, const pop3::AccountReadOptions& read_options,
                                  bool dry_run, AccountFetchReport& report, const CancellationToken* cancel) {
    std::optional<std::int64_t> folder_id;
    for (const auto& folder : CAIRN_TRY(archive.catalog->remote_folders(account_id)))
        if (folder.server_name == pop3::InboxFolder)
            folder_id = folder.id;
    if (!folder_id)
        return {};  // nothing archived from this account yet
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::int64_t cutoff = now - static_cast<std::int64_t>(settings.cleanup.older_than_days) * 86400;
    std::map<std::string, store::Catalog::RemoteMessageRow> old_enough;
    for (auto& row : CAIRN_TRY(archive.catalog->remote_messages(*folder_id, NoUidValidity)))
        if (row.fetched && *row.fetched <= cutoff)
            old_enough.emplace(row.remote_key, std::move(row));
    if (old_enough.empty())
        return {};  // no need to bother the server

    auto options = read_options;
    options.connect.cancellation = cancel;
    auto client = CAIRN_TRY(pop3::connect_and_sign_in(options));
    store::MessageReader reader(*archive.catalog, archive.directory, archive.keys);
    std::vector<std::string> deleted;
    for (const auto& id : CAIRN_TRY(client->unique_ids())) {
        if (cancel && cancel->is_cancelled())
            return make_error(ErrorCode::Cancelled, "cancelled; nothing was deleted", settings.name);
        auto found = old_enough.find(id.unique_id);
        if (found == old_enough.end())
            continue;  // not archived, or archived too recently
        const auto& row = found->second;
        if (auto bytes = reader.read(row.message_id); !bytes) {
            report.import.warnings.push_back(fmt::format(
                "INBOX: UIDL {} stays on the server: its archived copy (message {}) does not read back: {}",
                id.unique_id, row.message_id, bytes.error().describe()));
            continue;
        }
        if (dry_run) {
            report.cleanup_candidates.push_back(fmt::format("INBOX: UIDL {} (archived as message {} on {})",
                                                            id.unique_id, row.message_id, date_text(*row.fetched)));
            continue;
        }
        CAIRN_TRY_VOID(client->mark_deleted(id.number));
        deleted.push_back(id.unique_id);
    }
    // Without QUIT the server forgets the marks: a dry run, or nothing to delete, ends so.
    if (dry_run || deleted.empty())
        return {};
    CAIRN_TRY_VOID(client->quit());
    auto transaction = CAIRN_TRY(db::Transaction::begin(archive.catalog->database()));
    for (const auto& unique_id : deleted)
        CAIRN_TRY_VOID(archive.catalog->forget_remote_message(*folder_id, NoUidValidity, unique_id));
    CAIRN_TRY_VOID(transaction.commit());
    report.removed_from_server += deleted.size();
    return {};
}

}  // namespace

Result<void> fetch_pop3_account(Archive::Impl& archive, std::int64_t account_id,
                                const accounts::AccountSettings& settings, const AccountSecret& secret,
                                const FetchOptions& options, AccountFetchReport& report, ProgressObserver* observer,
                                const CancellationToken* cancel) {
    auto read_options = CAIRN_TRY(pop3_read_options(settings, secret, options.reconnect_seconds));
    for (const auto& folder : CAIRN_TRY(archive.catalog->remote_folders(account_id)))
        if (folder.server_name == pop3::InboxFolder)
            for (auto& row : CAIRN_TRY(archive.catalog->remote_messages(folder.id, NoUidValidity)))
                read_options.archived_unique_ids.insert(std::move(row.remote_key));

    Pop3Recorder recorder(account_id);
    pop3::AccountReadSummary summary;
    ImportSource source;
    source.read = [&](sources::MessageSink& sink, const CancellationToken* stop) {
        summary = pop3::read_pop3_account(read_options, sink, stop);
    };
    source.record_checkpoint = [&](store::Catalog& catalog, const std::any& position) {
        return recorder.record_checkpoint(catalog, position);
    };
    source.after_message = [&](store::Catalog& catalog, const sources::RawMessage& origin, const store::Added& added) {
        return recorder.after_message(catalog, origin, added);
    };
    ImportOptions import_options;
    import_options.user = settings.user;
    import_options.folder_prefix = accounts::archive_folder(settings);
    import_options.worker_threads = options.worker_threads;
    report.import = CAIRN_TRY(run_import(archive, source, import_options, observer, cancel));
    report.folders = 1;
    report.reconnections = summary.reconnections;
    if (report.import.fatal_error)
        return std::unexpected(*report.import.fatal_error);
    if (summary.error)
        return std::unexpected(*summary.error);
    if (report.import.cancelled || settings.cleanup.action != accounts::ServerCleanup::Action::Delete)
        return {};
    return clean_up_pop3_server(archive, account_id, settings, read_options, options.cleanup_dry_run, report, cancel);
}

}  // namespace cairn
