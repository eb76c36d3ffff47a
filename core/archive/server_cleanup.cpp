// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/archive/server_cleanup.h"

#include <algorithm>
#include <chrono>
#include <map>

#include <fmt/format.h>

namespace cairn {
namespace {

namespace imap = sources::imap;

std::chrono::year_month_day cutoff_date(std::uint32_t older_than_days) {
    auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return std::chrono::year_month_day(today - std::chrono::days(older_than_days));
}

}  // namespace

Result<void> clean_up_server(Archive::Impl& archive, std::int64_t account_id, const accounts::AccountSettings& settings,
                             const imap::AccountReadOptions& read_options, bool dry_run, AccountFetchReport& report,
                             const CancellationToken* cancel) {
    const auto& rule = settings.cleanup;
    auto options = read_options;
    options.connect.cancellation = cancel;
    auto client = CAIRN_TRY(imap::connect_and_sign_in(options));
    if (rule.action == accounts::ServerCleanup::Action::Move && client->has_capability("X-GM-EXT-1"))
        return make_error(ErrorCode::InvalidArgument,
                          "Gmail keeps every message in All Mail: moving one to a folder only adds a label and frees "
                          "nothing. Remove the account and add it again with --delete-after instead of --move-after",
                          settings.name);
    std::map<std::string, store::Catalog::RemoteFolderRow> known;
    for (auto& row : CAIRN_TRY(archive.catalog->remote_folders(account_id)))
        known.emplace(row.server_name, std::move(row));
    store::MessageReader reader(*archive.catalog, archive.directory, archive.keys);
    const auto before = cutoff_date(rule.older_than_days);

    auto folders = CAIRN_TRY(client->list_folders());
    std::string move_destination;
    if (rule.action == accounts::ServerCleanup::Action::Move) {
        auto destination = std::find_if(folders.begin(), folders.end(), [&](const imap::Folder& folder) {
            return folder.display_path == rule.move_to || folder.server_name == rule.move_to;
        });
        if (destination == folders.end())
            return make_error(ErrorCode::NotFound,
                              fmt::format("the folder '{}' that archived mail is to be moved to is not on the server; "
                                          "create it there or change the account's --move-to",
                                          rule.move_to),
                              settings.name);
        move_destination = destination->server_name;
    }

    for (const auto& folder : folders) {
        if (cancel && cancel->is_cancelled())
            return make_error(ErrorCode::Cancelled, "cancelled", settings.name);
        if (!folder.selectable || (options.include_folder && !options.include_folder(folder)))
            continue;
        if (folder.server_name == move_destination)
            continue;
        auto row = known.find(folder.server_name);
        if (row == known.end())
            continue;  // never archived from: nothing in it can be verified
        auto status = CAIRN_TRY(dry_run ? client->examine(folder.server_name) : client->select(folder.server_name));
        // Under another UIDVALIDITY the recorded UIDs name other messages (or none).
        if (status.uid_validity != row->second.uid_validity)
            continue;
        std::vector<std::uint32_t> verified;
        auto old_enough = rule.older_than_days == 0 ? CAIRN_TRY(client->uids_from(1)) : CAIRN_TRY(client->uids_before(before));
        for (auto uid : old_enough) {
            if (uid > row->second.highest_uid)
                continue;
            auto message_id = CAIRN_TRY(
                archive.catalog->remote_message(row->second.id, status.uid_validity, std::to_string(uid)));
            if (!message_id)
                continue;
            // Reading the archived copy checks its SHA-256: only a message that reads back
            // intact may leave the server.
            if (auto bytes = reader.read(*message_id); !bytes) {
                report.import.warnings.push_back(fmt::format(
                    "{}: UID {} stays on the server: its archived copy (message {}) does not read back: {}",
                    folder.display_path, uid, *message_id, bytes.error().describe()));
                continue;
            }
            verified.push_back(uid);
            if (dry_run)
                report.cleanup_candidates.push_back(
                    fmt::format("{}: UID {} (archived as message {})", folder.display_path, uid, *message_id));
        }
        if (dry_run || verified.empty())
            continue;
        if (rule.action == accounts::ServerCleanup::Action::Move) {
            CAIRN_TRY_VOID(client->move(verified, move_destination));
        } else {
            CAIRN_TRY_VOID(client->store_deleted(verified));
            if (client->has_capability("UIDPLUS")) {
                CAIRN_TRY_VOID(client->uid_expunge(verified));
            } else {
                // Without UID EXPUNGE, EXPUNGE removes every message flagged \Deleted, also those
                // someone else flagged and may still want back: only when ours are all there are.
                auto flagged = CAIRN_TRY(client->uids_flagged_deleted());
                std::sort(verified.begin(), verified.end());
                bool only_ours = std::all_of(flagged.begin(), flagged.end(), [&](std::uint32_t uid) {
                    return std::binary_search(verified.begin(), verified.end(), uid);
                });
                if (!only_ours) {
                    report.import.warnings.push_back(fmt::format(
                        "{}: {} archived messages are flagged deleted but not expunged: the server lacks UIDPLUS and "
                        "other messages in this folder are flagged deleted too, which expunging would remove",
                        folder.display_path, verified.size()));
                    continue;
                }
                CAIRN_TRY_VOID(client->expunge());
            }
        }
        auto transaction = CAIRN_TRY(db::Transaction::begin(archive.catalog->database()));
        for (auto uid : verified)
            CAIRN_TRY_VOID(archive.catalog->forget_remote_message(row->second.id, status.uid_validity, std::to_string(uid)));
        CAIRN_TRY_VOID(transaction.commit());
        report.removed_from_server += verified.size();
    }
    (void)client->logout();
    return {};
}

}  // namespace cairn
