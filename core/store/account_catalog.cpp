// SPDX-License-Identifier: GPL-3.0-or-later
// The catalog's rows for mail accounts: what to fetch from where, and how far each server
// folder has been archived. Kept apart from catalog.cpp, which is about messages and storage.

#include "core/store/catalog.h"

namespace cairn::store {
namespace {

// Columns: id, name, settings, sealed_secret, last_fetch, last_fetch_summary
Catalog::AccountRow account_from(const db::Statement& row) {
    Catalog::AccountRow account;
    account.id = row.column_int(0);
    account.name = row.column_text(1);
    account.settings = row.column_text(2);
    account.sealed_secret = row.column_blob(3);
    if (!row.column_is_null(4))
        account.last_fetch = row.column_int(4);
    account.last_fetch_summary = row.column_text(5);
    return account;
}

constexpr const char* AccountColumns = "SELECT id, name, settings, sealed_secret, last_fetch, last_fetch_summary FROM accounts";

}  // namespace

Result<std::int64_t> Catalog::insert_account(const std::string& name, const std::string& settings,
                                             const std::string& sealed_secret) {
    auto insert = CAIRN_TRY(statement("INSERT INTO accounts(name, settings, sealed_secret) VALUES(?, ?, ?)"));
    insert->bind(1, name).bind(2, settings).bind_blob(3, sealed_secret);
    auto inserted = insert->run();
    if (!inserted) {
        if (inserted.error().code == ErrorCode::AlreadyExists)
            return make_error(ErrorCode::AlreadyExists,
                              "an account of this name exists; choose another name or remove it first", name);
        return std::unexpected(inserted.error());
    }
    return m_database.last_insert_id();
}

Result<std::vector<Catalog::AccountRow>> Catalog::accounts() {
    static const std::string sql = std::string(AccountColumns) + " ORDER BY name";
    auto query = CAIRN_TRY(statement(sql.c_str()));
    std::vector<AccountRow> rows;
    while (CAIRN_TRY(query->step()))
        rows.push_back(account_from(*query));
    return rows;
}

Result<std::optional<Catalog::AccountRow>> Catalog::account(const std::string& name) {
    static const std::string sql = std::string(AccountColumns) + " WHERE name = ?";
    auto query = CAIRN_TRY(statement(sql.c_str()));
    query->bind(1, name);
    if (!CAIRN_TRY(query->step()))
        return std::optional<AccountRow>();
    return std::optional<AccountRow>(account_from(*query));
}

Result<void> Catalog::set_account_secret(std::int64_t account_id, const std::string& sealed_secret) {
    auto update = CAIRN_TRY(statement("UPDATE accounts SET sealed_secret = ? WHERE id = ?"));
    update->bind_blob(1, sealed_secret).bind(2, account_id);
    return update->run();
}

Result<void> Catalog::set_account_settings(std::int64_t account_id, const std::string& settings) {
    auto update = CAIRN_TRY(statement("UPDATE accounts SET settings = ? WHERE id = ?"));
    update->bind(1, settings).bind(2, account_id);
    return update->run();
}

Result<void> Catalog::record_account_fetch(std::int64_t account_id, std::int64_t time, const std::string& summary) {
    auto update = CAIRN_TRY(statement("UPDATE accounts SET last_fetch = ?, last_fetch_summary = ? WHERE id = ?"));
    update->bind(1, time).bind(2, summary).bind(3, account_id);
    return update->run();
}

Result<bool> Catalog::delete_account(const std::string& name) {
    auto found = CAIRN_TRY(account(name));
    if (!found)
        return false;
    auto transaction = CAIRN_TRY(db::Transaction::begin(m_database));
    auto forget_messages = CAIRN_TRY(statement(
        "DELETE FROM remote_messages WHERE remote_folder_id IN (SELECT id FROM remote_folders WHERE account_id = ?)"));
    forget_messages->bind(1, found->id);
    CAIRN_TRY_VOID(forget_messages->run());
    auto forget_folders = CAIRN_TRY(statement("DELETE FROM remote_folders WHERE account_id = ?"));
    forget_folders->bind(1, found->id);
    CAIRN_TRY_VOID(forget_folders->run());
    auto forget_account = CAIRN_TRY(statement("DELETE FROM accounts WHERE id = ?"));
    forget_account->bind(1, found->id);
    CAIRN_TRY_VOID(forget_account->run());
    CAIRN_TRY_VOID(transaction.commit());
    return true;
}

Result<std::vector<Catalog::RemoteFolderRow>> Catalog::remote_folders(std::int64_t account_id) {
    auto query = CAIRN_TRY(statement(
        "SELECT id, server_name, uid_validity, highest_uid FROM remote_folders WHERE account_id = ? ORDER BY server_name"));
    query->bind(1, account_id);
    std::vector<RemoteFolderRow> rows;
    while (CAIRN_TRY(query->step()))
        rows.push_back(RemoteFolderRow{query->column_int(0), query->column_text(1),
                                       static_cast<std::uint32_t>(query->column_int(2)),
                                       static_cast<std::uint32_t>(query->column_int(3))});
    return rows;
}

Result<std::int64_t> Catalog::ensure_remote_folder(std::int64_t account_id, const std::string& server_name) {
    auto query = CAIRN_TRY(statement("SELECT id FROM remote_folders WHERE account_id = ? AND server_name = ?"));
    query->bind(1, account_id).bind(2, server_name);
    if (CAIRN_TRY(query->step()))
        return query->column_int(0);
    auto insert = CAIRN_TRY(statement("INSERT INTO remote_folders(account_id, server_name) VALUES(?, ?)"));
    insert->bind(1, account_id).bind(2, server_name);
    CAIRN_TRY_VOID(insert->run());
    return m_database.last_insert_id();
}

Result<void> Catalog::begin_remote_folder_numbering(std::int64_t remote_folder_id, std::uint32_t uid_validity) {
    auto update = CAIRN_TRY(
        statement("UPDATE remote_folders SET uid_validity = ?, highest_uid = 0 WHERE id = ? AND uid_validity != ?"));
    update->bind(1, static_cast<std::int64_t>(uid_validity))
        .bind(2, remote_folder_id)
        .bind(3, static_cast<std::int64_t>(uid_validity));
    return update->run();
}

Result<void> Catalog::set_remote_folder_position(std::int64_t remote_folder_id, std::uint32_t uid_validity,
                                                 std::uint32_t highest_uid) {
    auto update = CAIRN_TRY(statement("UPDATE remote_folders SET uid_validity = ?, highest_uid = ? WHERE id = ?"));
    update->bind(1, static_cast<std::int64_t>(uid_validity))
        .bind(2, static_cast<std::int64_t>(highest_uid))
        .bind(3, remote_folder_id);
    return update->run();
}

Result<void> Catalog::record_remote_message(std::int64_t remote_folder_id, std::uint32_t uid_validity,
                                            const std::string& remote_key, std::int64_t message_id,
                                            const std::string& stable_id) {
    // A message fetched again keeps the time it was first fetched: POP3 cleanup counts age from it.
    auto insert = CAIRN_TRY(statement(
        "INSERT INTO remote_messages(remote_folder_id, uid_validity, remote_key, message_id, fetched, stable_id) "
        "VALUES(?,?,?,?,unixepoch(),NULLIF(?,'')) ON CONFLICT(remote_folder_id, uid_validity, remote_key) "
        "DO UPDATE SET message_id = excluded.message_id, stable_id = COALESCE(excluded.stable_id, stable_id)"));
    insert->bind(1, remote_folder_id)
        .bind(2, static_cast<std::int64_t>(uid_validity))
        .bind(3, remote_key)
        .bind(4, message_id)
        .bind(5, stable_id);
    return insert->run();
}

Result<std::vector<std::uint32_t>> Catalog::remote_uids_above(std::int64_t remote_folder_id, std::uint32_t uid_validity,
                                                              std::uint32_t highest_uid) {
    auto query = CAIRN_TRY(statement(
        "SELECT CAST(remote_key AS INTEGER) AS uid FROM remote_messages WHERE remote_folder_id = ? AND uid_validity = ? "
        "AND CAST(remote_key AS INTEGER) > ? ORDER BY uid"));
    query->bind(1, remote_folder_id).bind(2, static_cast<std::int64_t>(uid_validity)).bind(3, static_cast<std::int64_t>(highest_uid));
    std::vector<std::uint32_t> uids;
    while (CAIRN_TRY(query->step()))
        uids.push_back(static_cast<std::uint32_t>(query->column_int(0)));
    return uids;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> Catalog::remote_stable_ids(std::int64_t account_id) {
    auto query = CAIRN_TRY(statement(
        "SELECT DISTINCT m.stable_id, m.message_id FROM remote_messages m JOIN remote_folders f "
        "ON f.id = m.remote_folder_id WHERE f.account_id = ? AND m.stable_id IS NOT NULL"));
    query->bind(1, account_id);
    std::vector<std::pair<std::string, std::int64_t>> ids;
    while (CAIRN_TRY(query->step()))
        ids.emplace_back(query->column_text(0), query->column_int(1));
    return ids;
}

Result<std::optional<std::int64_t>> Catalog::remote_message(std::int64_t remote_folder_id, std::uint32_t uid_validity,
                                                            const std::string& remote_key) {
    auto query = CAIRN_TRY(statement(
        "SELECT message_id FROM remote_messages WHERE remote_folder_id = ? AND uid_validity = ? AND remote_key = ?"));
    query->bind(1, remote_folder_id).bind(2, static_cast<std::int64_t>(uid_validity)).bind(3, remote_key);
    if (!CAIRN_TRY(query->step()))
        return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(query->column_int(0));
}

Result<std::vector<Catalog::RemoteMessageRow>> Catalog::remote_messages(std::int64_t remote_folder_id,
                                                                       std::uint32_t uid_validity) {
    auto query = CAIRN_TRY(statement(
        "SELECT remote_key, message_id, fetched FROM remote_messages WHERE remote_folder_id = ? AND uid_validity = ? "
        "ORDER BY remote_key"));
    query->bind(1, remote_folder_id).bind(2, static_cast<std::int64_t>(uid_validity));
    std::vector<RemoteMessageRow> rows;
    while (CAIRN_TRY(query->step())) {
        RemoteMessageRow row{query->column_text(0), query->column_int(1), std::nullopt};
        if (!query->column_is_null(2))
            row.fetched = query->column_int(2);
        rows.push_back(std::move(row));
    }
    return rows;
}

Result<void> Catalog::forget_remote_message(std::int64_t remote_folder_id, std::uint32_t uid_validity,
                                            const std::string& remote_key) {
    auto erase = CAIRN_TRY(statement(
        "DELETE FROM remote_messages WHERE remote_folder_id = ? AND uid_validity = ? AND remote_key = ?"));
    erase->bind(1, remote_folder_id).bind(2, static_cast<std::int64_t>(uid_validity)).bind(3, remote_key);
    return erase->run();
}

Result<void> Catalog::record_envelope_address(std::int64_t message_id, const std::string& address,
                                              const std::string& kind, const std::string& note) {
    auto insert = CAIRN_TRY(statement(
        "INSERT OR IGNORE INTO envelope_recipients(message_id, address, kind, note) VALUES(?, ?, ?, ?)"));
    insert->bind(1, message_id).bind(2, address).bind(3, kind).bind(4, note);
    return insert->run();
}

Result<std::vector<Catalog::EnvelopeAddress>> Catalog::envelope_addresses(std::int64_t message_id) {
    auto query = CAIRN_TRY(statement(
        "SELECT address, kind, note FROM envelope_recipients WHERE message_id = ? ORDER BY kind, address"));
    query->bind(1, message_id);
    std::vector<EnvelopeAddress> rows;
    while (CAIRN_TRY(query->step()))
        rows.push_back({query->column_text(0), query->column_text(1), query->column_text(2)});
    return rows;
}

}  // namespace cairn::store
