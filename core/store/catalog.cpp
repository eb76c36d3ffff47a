// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/catalog.h"

#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace cairn::store {
ContentKey content_key(const crypto::Digest& keyed_hash) {
    ContentKey key{};
    std::memcpy(key.data(), keyed_hash.data(), key.size());
    return key;
}

namespace {

constexpr const char* Schema = R"sql(
CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stores(
  number INTEGER PRIMARY KEY,
  sealed INTEGER NOT NULL DEFAULT 0,
  byte_limit INTEGER NOT NULL DEFAULT 0,
  message_limit INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT (unixepoch()));
CREATE TABLE IF NOT EXISTS packs(
  id INTEGER PRIMARY KEY,
  store INTEGER NOT NULL REFERENCES stores(number),
  number INTEGER NOT NULL,
  committed_size INTEGER NOT NULL DEFAULT 0,
  sealed INTEGER NOT NULL DEFAULT 0,
  UNIQUE(store, number));
-- A block: entries compressed together and sealed, at a place in a pack.
CREATE TABLE IF NOT EXISTS blocks(
  id INTEGER PRIMARY KEY,
  store INTEGER NOT NULL DEFAULT 0,
  pack INTEGER NOT NULL DEFAULT 0,
  offset INTEGER NOT NULL DEFAULT 0,
  sealed_size INTEGER NOT NULL DEFAULT 0,
  content_size INTEGER NOT NULL DEFAULT 0);
-- An entry (a message skeleton or a part body): a slice of a block's content. key is a
-- truncated HMAC of the content under the archive's dedup key, so the catalog does not reveal
-- which well-known files it holds.
CREATE TABLE IF NOT EXISTS blobs(
  id INTEGER PRIMARY KEY,
  key BLOB NOT NULL UNIQUE,
  block_id INTEGER NOT NULL REFERENCES blocks(id),
  offset INTEGER NOT NULL,
  length INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS folders(
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  path TEXT NOT NULL,
  UNIQUE(user_id, path));
CREATE TABLE IF NOT EXISTS messages(
  id INTEGER PRIMARY KEY,
  key BLOB NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  skeleton_blob_id INTEGER NOT NULL REFERENCES blobs(id),
  store INTEGER NOT NULL,
  date INTEGER,
  sender TEXT NOT NULL DEFAULT '',
  recipients TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  header_message_id TEXT NOT NULL DEFAULT '',
  attachment_count INTEGER NOT NULL DEFAULT 0,
  attachment_names TEXT NOT NULL DEFAULT '',  -- one per line
  archived INTEGER NOT NULL DEFAULT (unixepoch()));
CREATE INDEX IF NOT EXISTS messages_by_date ON messages(date);
-- larger:/smaller: find the few big messages without reading every row.
CREATE INDEX IF NOT EXISTS messages_by_size ON messages(size);
-- has:attachment (a condition the search compiler writes exactly so) newest first, and counted.
CREATE INDEX IF NOT EXISTS messages_with_attachments ON messages(date) WHERE attachment_count > 0;
CREATE TABLE IF NOT EXISTS message_parts(
  message_id INTEGER NOT NULL REFERENCES messages(id),
  position INTEGER NOT NULL,
  blob_id INTEGER NOT NULL REFERENCES blobs(id),
  PRIMARY KEY(message_id, position)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS placements(
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  folder_id INTEGER NOT NULL REFERENCES folders(id),
  flags TEXT NOT NULL DEFAULT '',
  received INTEGER,
  source_file_id INTEGER REFERENCES source_files(id),
  source_offset INTEGER NOT NULL DEFAULT 0,
  UNIQUE(folder_id, message_id));
CREATE INDEX IF NOT EXISTS placements_by_message ON placements(message_id);
-- Files messages were read from; complete = 1 once a file was imported to its end, so an
-- unchanged file (same size and time) is not read again. Looked up by a hash of the path to
-- keep the path itself out of the index.
CREATE TABLE IF NOT EXISTS source_directories(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS source_files(
  id INTEGER PRIMARY KEY,
  path_hash INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  folder TEXT NOT NULL,
  directory_id INTEGER NOT NULL REFERENCES source_directories(id),
  name TEXT NOT NULL,
  size INTEGER,
  modified_ns INTEGER,
  complete INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS source_files_by_path ON source_files(path_hash);
-- A mail account Cairn fetches from. settings is JSON without secrets; the password or the
-- OAuth tokens are sealed under the archive's account-secret key (account_catalog.cpp).
CREATE TABLE IF NOT EXISTS accounts(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  settings TEXT NOT NULL,
  sealed_secret BLOB NOT NULL DEFAULT x'',
  created INTEGER NOT NULL DEFAULT (unixepoch()),
  last_fetch INTEGER,
  last_fetch_summary TEXT NOT NULL DEFAULT '');
-- A server folder's sync position: every message up to highest_uid under uid_validity is archived.
CREATE TABLE IF NOT EXISTS remote_folders(
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  server_name TEXT NOT NULL,
  uid_validity INTEGER NOT NULL DEFAULT 0,
  highest_uid INTEGER NOT NULL DEFAULT 0,
  UNIQUE(account_id, server_name));
-- Which archived message a server message is (IMAP: the UID under uid_validity; POP3: the
-- UIDL, uid_validity 0): what delete-after-archive rules check before anything leaves the
-- server. fetched: when it was first archived from the server (epoch seconds), the age POP3
-- cleanup goes by since POP3 servers give no dates; NULL in rows older than the column.
-- stable_id: the server's own lasting id for the message, where it has one (Gmail's X-GM-MSGID).
CREATE TABLE IF NOT EXISTS remote_messages(
  remote_folder_id INTEGER NOT NULL REFERENCES remote_folders(id),
  uid_validity INTEGER NOT NULL,
  remote_key TEXT NOT NULL,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  fetched INTEGER,
  stable_id TEXT,
  PRIMARY KEY(remote_folder_id, uid_validity, remote_key)) WITHOUT ROWID;
-- The envelope an Exchange journal report gave for a message it carried: the sender and every
-- recipient, Bcc and distribution-list members included (kind: sender, to, cc, bcc, recipient).
CREATE TABLE IF NOT EXISTS envelope_recipients(
  message_id INTEGER NOT NULL REFERENCES messages(id),
  address TEXT NOT NULL,
  kind TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(message_id, address, kind)) WITHOUT ROWID;
)sql";

ContentKey key_from(const std::string& bytes) {
    ContentKey key{};
    std::memcpy(key.data(), bytes.data(), std::min(bytes.size(), key.size()));
    return key;
}

std::string_view key_view(const ContentKey& key) { return {reinterpret_cast<const char*>(key.data()), key.size()}; }

// Columns: id, block_id, offset, length, key
BlobRow blob_from(const db::Statement& row, int first) {
    BlobRow blob;
    blob.id = row.column_int(first);
    blob.block_id = row.column_int(first + 1);
    blob.offset = static_cast<std::uint64_t>(row.column_int(first + 2));
    blob.length = static_cast<std::uint64_t>(row.column_int(first + 3));
    blob.key = key_from(row.column_blob(first + 4));
    return blob;
}

// Columns: id, store, pack, offset, sealed_size, content_size
BlockRow block_from(const db::Statement& row) {
    return BlockRow{row.column_int(0),
                    static_cast<std::uint32_t>(row.column_int(1)),
                    static_cast<std::uint32_t>(row.column_int(2)),
                    static_cast<std::uint64_t>(row.column_int(3)),
                    static_cast<std::uint64_t>(row.column_int(4)),
                    static_cast<std::uint64_t>(row.column_int(5))};
}

/// Directory and file name; file names are kept apart so a directory's path is stored once.
std::pair<std::string_view, std::string_view> split_path(std::string_view path) {
    auto slash = path.rfind('/');
    if (slash == std::string_view::npos)
        return {"", path};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

std::int64_t path_hash(std::string_view folder, std::string_view path) {
    std::string input;
    input.append(folder).push_back('\0');
    input.append(path);
    auto digest = crypto::sha256(input);
    std::int64_t value = 0;
    std::memcpy(&value, digest.data(), sizeof value);
    return value;
}

std::string index_generation_key(const std::string& user) { return "index_generation:" + user; }

}  // namespace

Result<Catalog> Catalog::open(const std::filesystem::path& path, db::OpenMode mode) {
    auto database = CAIRN_TRY(db::Database::open(path, mode));
    Catalog catalog(std::move(database));
    if (mode == db::OpenMode::ReadWrite)
        CAIRN_TRY_VOID(catalog.migrate());
    return catalog;
}

Result<void> Catalog::migrate() {
    CAIRN_TRY_VOID(m_database.execute(Schema));
    // Added after schema 1 shipped in development builds: an additive column, so the schema
    // version stays (an older Cairn names its columns and leaves this one NULL).
    for (const auto& [column, type] : {std::pair{"fetched", "INTEGER"}, std::pair{"stable_id", "TEXT"}}) {
        auto has_column = CAIRN_TRY(
            m_database.prepare("SELECT COUNT(*) FROM pragma_table_info('remote_messages') WHERE name = ?"));
        has_column.bind(1, std::string(column));
        if (CAIRN_TRY(has_column.step()) && has_column.column_int(0) == 0)
            CAIRN_TRY_VOID(m_database.execute(fmt::format("ALTER TABLE remote_messages ADD COLUMN {} {}", column, type)));
    }
    auto version = CAIRN_TRY(setting("schema_version"));
    if (!version)
        return set_setting("schema_version", std::to_string(CatalogSchemaVersion));
    int found = 0;
    auto parsed = std::from_chars(version->data(), version->data() + version->size(), found);
    if (parsed.ec != std::errc() || found > CatalogSchemaVersion)
        return make_error(ErrorCode::Unsupported,
                          fmt::format("the catalog was written by a newer Cairn (schema {}); upgrade Cairn", *version),
                          m_database.path().string());
    return {};
}

Result<Catalog::StatementLease> Catalog::statement(const char* sql) {
    auto found = m_statements.find(sql);
    if (found != m_statements.end())
        return StatementLease(found->second.get());
    auto prepared = CAIRN_TRY(m_database.prepare(sql));
    auto stored = std::make_unique<db::Statement>(std::move(prepared));
    auto* pointer = stored.get();
    m_statements.emplace(sql, std::move(stored));
    return StatementLease(pointer);
}

Result<std::vector<StoreRow>> Catalog::stores() {
    auto query = CAIRN_TRY(statement("SELECT number, sealed, byte_limit, message_limit FROM stores ORDER BY number"));
    std::vector<StoreRow> rows;
    while (CAIRN_TRY(query->step()))
        rows.push_back(StoreRow{static_cast<std::uint32_t>(query->column_int(0)), query->column_int(1) != 0,
                                static_cast<std::uint64_t>(query->column_int(2)),
                                static_cast<std::uint64_t>(query->column_int(3))});
    return rows;
}

Result<void> Catalog::insert_store(const StoreRow& store) {
    auto insert = CAIRN_TRY(statement("INSERT INTO stores(number, sealed, byte_limit, message_limit) VALUES(?,?,?,?)"));
    insert->bind(1, static_cast<std::int64_t>(store.number))
        .bind(2, static_cast<std::int64_t>(store.sealed))
        .bind(3, static_cast<std::int64_t>(store.byte_limit))
        .bind(4, static_cast<std::int64_t>(store.message_limit));
    return insert->run();
}

Result<void> Catalog::seal_store(std::uint32_t store) {
    auto update = CAIRN_TRY(statement("UPDATE stores SET sealed = 1 WHERE number = ?"));
    update->bind(1, static_cast<std::int64_t>(store));
    return update->run();
}

Result<std::vector<PackRow>> Catalog::packs() {
    auto query = CAIRN_TRY(statement("SELECT id, store, number, committed_size, sealed FROM packs ORDER BY store, number"));
    std::vector<PackRow> rows;
    while (CAIRN_TRY(query->step()))
        rows.push_back(PackRow{query->column_int(0), static_cast<std::uint32_t>(query->column_int(1)),
                               static_cast<std::uint32_t>(query->column_int(2)),
                               static_cast<std::uint64_t>(query->column_int(3)), query->column_int(4) != 0});
    return rows;
}

Result<PackRow> Catalog::insert_pack(std::uint32_t store, std::uint32_t number) {
    auto insert = CAIRN_TRY(statement("INSERT INTO packs(store, number) VALUES(?, ?)"));
    insert->bind(1, static_cast<std::int64_t>(store)).bind(2, static_cast<std::int64_t>(number));
    CAIRN_TRY_VOID(insert->run());
    return PackRow{m_database.last_insert_id(), store, number, 0, false};
}

Result<void> Catalog::set_pack_size(std::int64_t pack_id, std::uint64_t committed_size, bool sealed) {
    auto update = CAIRN_TRY(statement("UPDATE packs SET committed_size = ?, sealed = ? WHERE id = ?"));
    update->bind(1, static_cast<std::int64_t>(committed_size)).bind(2, static_cast<std::int64_t>(sealed)).bind(3, pack_id);
    return update->run();
}

Result<std::uint64_t> Catalog::store_message_count(std::uint32_t store) {
    auto query = CAIRN_TRY(statement("SELECT count(*) FROM messages WHERE store = ?"));
    query->bind(1, static_cast<std::int64_t>(store));
    CAIRN_TRY(query->step());
    return static_cast<std::uint64_t>(query->column_int(0));
}

Result<std::optional<std::string>> Catalog::setting(const std::string& key) {
    auto query = CAIRN_TRY(statement("SELECT value FROM settings WHERE key = ?"));
    query->bind(1, key);
    if (!CAIRN_TRY(query->step()))
        return std::optional<std::string>();
    return std::optional<std::string>(query->column_text(0));
}

Result<void> Catalog::set_setting(const std::string& key, const std::string& value) {
    auto upsert = CAIRN_TRY(statement("INSERT INTO settings(key, value) VALUES(?, ?) "
                                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    upsert->bind(1, key).bind(2, value);
    return upsert->run();
}

Result<std::int64_t> Catalog::index_generation(const std::string& user) {
    auto value = CAIRN_TRY(setting(index_generation_key(user)));
    if (!value)
        return 0;
    std::int64_t generation = 0;
    auto parsed = std::from_chars(value->data(), value->data() + value->size(), generation);
    if (parsed.ec != std::errc())
        return make_error(ErrorCode::Corrupt, fmt::format("the setting {} is not a number", index_generation_key(user)),
                          m_database.path().string());
    return generation;
}

Result<std::int64_t> Catalog::advance_index_generation(const std::string& user) {
    const std::int64_t generation = CAIRN_TRY(index_generation(user)) + 1;
    CAIRN_TRY_VOID(set_setting(index_generation_key(user), std::to_string(generation)));
    return generation;
}

Result<std::int64_t> Catalog::ensure_user(const std::string& name) {
    auto query = CAIRN_TRY(statement("SELECT id FROM users WHERE name = ?"));
    query->bind(1, name);
    if (CAIRN_TRY(query->step()))
        return query->column_int(0);
    auto insert = CAIRN_TRY(statement("INSERT INTO users(name) VALUES(?)"));
    insert->bind(1, name);
    CAIRN_TRY_VOID(insert->run());
    return m_database.last_insert_id();
}

Result<std::int64_t> Catalog::ensure_folder(std::int64_t user_id, const std::string& path) {
    auto query = CAIRN_TRY(statement("SELECT id FROM folders WHERE user_id = ? AND path = ?"));
    query->bind(1, user_id).bind(2, path);
    if (CAIRN_TRY(query->step()))
        return query->column_int(0);
    auto insert = CAIRN_TRY(statement("INSERT INTO folders(user_id, path) VALUES(?, ?)"));
    insert->bind(1, user_id).bind(2, path);
    CAIRN_TRY_VOID(insert->run());
    return m_database.last_insert_id();
}

Result<std::optional<std::int64_t>> Catalog::find_message(const ContentKey& key) {
    auto query = CAIRN_TRY(statement("SELECT id FROM messages WHERE key = ?"));
    query->bind_blob(1, key_view(key));
    if (!CAIRN_TRY(query->step()))
        return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(query->column_int(0));
}

Result<std::optional<std::int64_t>> Catalog::message_date(std::int64_t message_id) {
    auto query = CAIRN_TRY(statement("SELECT date FROM messages WHERE id = ?"));
    query->bind(1, message_id);
    if (!CAIRN_TRY(query->step()) || query->column_is_null(0))
        return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(query->column_int(0));
}

Result<std::optional<BlobRow>> Catalog::find_blob(const ContentKey& key) {
    auto query = CAIRN_TRY(statement("SELECT id, block_id, offset, length, key FROM blobs WHERE key = ?"));
    query->bind_blob(1, key_view(key));
    if (!CAIRN_TRY(query->step()))
        return std::optional<BlobRow>();
    return std::optional<BlobRow>(blob_from(*query, 0));
}

Result<std::int64_t> Catalog::insert_blob(const BlobRow& row) {
    auto insert = CAIRN_TRY(statement("INSERT INTO blobs(key, block_id, offset, length) VALUES(?,?,?,?)"));
    insert->bind_blob(1, key_view(row.key))
        .bind(2, row.block_id)
        .bind(3, static_cast<std::int64_t>(row.offset))
        .bind(4, static_cast<std::int64_t>(row.length));
    CAIRN_TRY_VOID(insert->run());
    return m_database.last_insert_id();
}

Result<std::int64_t> Catalog::insert_block() {
    auto insert = CAIRN_TRY(statement("INSERT INTO blocks DEFAULT VALUES"));
    CAIRN_TRY_VOID(insert->run());
    return m_database.last_insert_id();
}

Result<void> Catalog::set_block_location(const BlockRow& block) {
    auto update = CAIRN_TRY(statement(
        "UPDATE blocks SET store = ?, pack = ?, offset = ?, sealed_size = ?, content_size = ? WHERE id = ?"));
    update->bind(1, static_cast<std::int64_t>(block.store))
        .bind(2, static_cast<std::int64_t>(block.pack))
        .bind(3, static_cast<std::int64_t>(block.offset))
        .bind(4, static_cast<std::int64_t>(block.sealed_size))
        .bind(5, static_cast<std::int64_t>(block.content_size))
        .bind(6, block.id);
    return update->run();
}

Result<std::optional<BlockRow>> Catalog::block(std::int64_t block_id) {
    auto query = CAIRN_TRY(
        statement("SELECT id, store, pack, offset, sealed_size, content_size FROM blocks WHERE id = ?"));
    query->bind(1, block_id);
    if (!CAIRN_TRY(query->step()))
        return std::optional<BlockRow>();
    return std::optional<BlockRow>(block_from(*query));
}

Result<std::vector<BlockRow>> Catalog::all_blocks() {
    auto query = CAIRN_TRY(statement(
        "SELECT id, store, pack, offset, sealed_size, content_size FROM blocks ORDER BY store, pack, offset"));
    std::vector<BlockRow> rows;
    while (CAIRN_TRY(query->step()))
        rows.push_back(block_from(*query));
    return rows;
}

Result<std::int64_t> Catalog::insert_message(const NewMessage& message) {
    auto insert = CAIRN_TRY(statement(
        "INSERT INTO messages(key, size, skeleton_blob_id, store, date, sender, recipients, subject, "
        "header_message_id, attachment_count, attachment_names) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
    insert->bind_blob(1, key_view(message.key))
        .bind(2, static_cast<std::int64_t>(message.size))
        .bind(3, message.skeleton_blob_id)
        .bind(4, static_cast<std::int64_t>(message.store))
        .bind(5, message.date)
        .bind(6, message.from)
        .bind(7, message.to)
        .bind(8, message.subject)
        .bind(9, message.header_message_id)
        .bind(10, static_cast<std::int64_t>(message.attachment_count))
        .bind(11, message.attachment_names);
    CAIRN_TRY_VOID(insert->run());
    return m_database.last_insert_id();
}

Result<void> Catalog::insert_message_part(std::int64_t message_id, std::uint32_t position, std::int64_t blob_id) {
    auto insert = CAIRN_TRY(statement("INSERT INTO message_parts(message_id, position, blob_id) VALUES(?,?,?)"));
    insert->bind(1, message_id).bind(2, static_cast<std::int64_t>(position)).bind(3, blob_id);
    return insert->run();
}

Result<Catalog::MessageRecords> Catalog::message_records(std::int64_t message_id) {
    MessageRecords records;
    auto skeleton = CAIRN_TRY(statement(
        "SELECT b.id, b.block_id, b.offset, b.length, b.key, m.size "
        "FROM messages m JOIN blobs b ON b.id = m.skeleton_blob_id WHERE m.id = ?"));
    skeleton->bind(1, message_id);
    if (!CAIRN_TRY(skeleton->step()))
        return make_error(ErrorCode::NotFound, fmt::format("no message with id {} in this archive", message_id));
    records.skeleton = blob_from(*skeleton, 0);
    records.size = static_cast<std::uint64_t>(skeleton->column_int(5));
    auto parts = CAIRN_TRY(statement(
        "SELECT b.id, b.block_id, b.offset, b.length, b.key "
        "FROM message_parts p JOIN blobs b ON b.id = p.blob_id WHERE p.message_id = ? ORDER BY p.position"));
    parts->bind(1, message_id);
    while (CAIRN_TRY(parts->step()))
        records.parts.push_back(blob_from(*parts, 0));
    return records;
}

Result<std::vector<std::int64_t>> Catalog::all_message_ids() {
    auto query = CAIRN_TRY(statement("SELECT id FROM messages ORDER BY id"));
    std::vector<std::int64_t> ids;
    while (CAIRN_TRY(query->step()))
        ids.push_back(query->column_int(0));
    return ids;
}

Result<bool> Catalog::insert_placement(const Placement& placement) {
    auto insert = CAIRN_TRY(statement(
        "INSERT OR IGNORE INTO placements(message_id, folder_id, flags, received, source_file_id, source_offset) "
        "VALUES(?,?,?,?,?,?)"));
    insert->bind(1, placement.message_id)
        .bind(2, placement.folder_id)
        .bind(3, placement.flags)
        .bind(4, placement.received_time)
        .bind(5, placement.source_file_id ? std::optional<std::int64_t>(placement.source_file_id) : std::nullopt)
        .bind(6, static_cast<std::int64_t>(placement.source_offset));
    CAIRN_TRY_VOID(insert->run());
    return m_database.changes() > 0;
}

Result<std::int64_t> Catalog::ensure_source_file(std::int64_t user_id, const std::string& folder,
                                               const std::string& path) {
    auto hash = path_hash(folder, path);
    auto [directory, name] = split_path(path);
    auto query = CAIRN_TRY(statement(
        "SELECT s.id FROM source_files s JOIN source_directories d ON d.id = s.directory_id "
        "WHERE s.path_hash = ? AND s.user_id = ? AND s.folder = ? AND d.path = ? AND s.name = ?"));
    query->bind(1, hash).bind(2, user_id).bind(3, folder).bind(4, directory).bind(5, name);
    if (CAIRN_TRY(query->step()))
        return query->column_int(0);
    auto directory_id = CAIRN_TRY(ensure_source_directory(directory));
    auto insert = CAIRN_TRY(
        statement("INSERT INTO source_files(path_hash, user_id, folder, directory_id, name) VALUES(?,?,?,?,?)"));
    insert->bind(1, hash).bind(2, user_id).bind(3, folder).bind(4, directory_id).bind(5, name);
    CAIRN_TRY_VOID(insert->run());
    return m_database.last_insert_id();
}

Result<std::int64_t> Catalog::ensure_source_directory(std::string_view path) {
    auto query = CAIRN_TRY(statement("SELECT id FROM source_directories WHERE path = ?"));
    query->bind(1, path);
    if (CAIRN_TRY(query->step()))
        return query->column_int(0);
    auto insert = CAIRN_TRY(statement("INSERT INTO source_directories(path) VALUES(?)"));
    insert->bind(1, path);
    CAIRN_TRY_VOID(insert->run());
    return m_database.last_insert_id();
}

Result<bool> Catalog::is_file_imported(const std::string& user, const std::string& folder, const std::string& path,
                                       std::uint64_t size, std::int64_t modified_ns) {
    auto [directory, name] = split_path(path);
    auto query = CAIRN_TRY(statement(
        "SELECT 1 FROM source_files s JOIN users u ON u.id = s.user_id JOIN source_directories d ON d.id = s.directory_id "
        "WHERE s.path_hash = ? AND u.name = ? AND s.folder = ? AND d.path = ? AND s.name = ? AND s.size = ? "
        "AND s.modified_ns = ? AND s.complete = 1"));
    query->bind(1, path_hash(folder, path))
        .bind(2, user)
        .bind(3, folder)
        .bind(4, directory)
        .bind(5, name)
        .bind(6, static_cast<std::int64_t>(size))
        .bind(7, modified_ns);
    return CAIRN_TRY(query->step());
}

Result<void> Catalog::mark_file_imported(std::int64_t source_file_id, std::uint64_t size, std::int64_t modified_ns) {
    auto update = CAIRN_TRY(statement("UPDATE source_files SET size = ?, modified_ns = ?, complete = 1 WHERE id = ?"));
    update->bind(1, static_cast<std::int64_t>(size)).bind(2, modified_ns).bind(3, source_file_id);
    return update->run();
}

namespace {

constexpr const char* ListFrom =
    " FROM placements p JOIN messages m ON m.id = p.message_id JOIN folders f ON f.id = p.folder_id"
    " JOIN users u ON u.id = f.user_id";

/// The WHERE of a listing (without the page position), and its bindings in the same order.
std::string list_conditions(const ListFilter& filter) {
    std::string sql = " WHERE 1";
    if (filter.user)
        sql += " AND u.name = :user";
    if (filter.folder)
        sql += " AND (f.path = :folder OR substr(f.path, 1, length(:folder) + 1) = :folder || '/')";
    if (filter.message_id)
        sql += " AND m.id = :id";
    return sql;
}

int bind_list_conditions(db::Statement& query, const ListFilter& filter) {
    int index = 1;
    if (filter.user)
        query.bind(index++, *filter.user);
    if (filter.folder)
        query.bind(index++, *filter.folder);
    if (filter.message_id)
        query.bind(index++, *filter.message_id);
    return index;
}

}  // namespace

Result<std::uint64_t> Catalog::list_count(const ListFilter& filter) {
    auto query = CAIRN_TRY(m_database.prepare(std::string("SELECT count(*)") + ListFrom + list_conditions(filter)));
    bind_list_conditions(query, filter);
    CAIRN_TRY(query.step());
    return static_cast<std::uint64_t>(query.column_int(0));
}

Result<std::vector<MessageListing>> Catalog::list(const ListFilter& filter) {
    std::string sql =
        std::string("SELECT m.id, u.name, f.path, m.date, m.sender, m.recipients, m.subject, m.header_message_id, "
                    "m.size, p.flags, coalesce(d.path || '/' || s.name, ''), p.source_offset") +
        ListFrom +
        " LEFT JOIN source_files s ON s.id = p.source_file_id"
        " LEFT JOIN source_directories d ON d.id = s.directory_id" +
        list_conditions(filter);
    if (filter.after)
        sql += " AND (u.name, f.path, m.id) > (:after_user, :after_folder, :after_id)";
    sql += " ORDER BY u.name, f.path, m.id";
    if (filter.limit)
        sql += " LIMIT :limit";
    auto query = CAIRN_TRY(m_database.prepare(sql));
    int index = bind_list_conditions(query, filter);
    if (filter.after) {
        query.bind(index++, filter.after->user);
        query.bind(index++, filter.after->folder);
        query.bind(index++, filter.after->message_id);
    }
    if (filter.limit)
        query.bind(index++, static_cast<std::int64_t>(*filter.limit));
    std::vector<MessageListing> rows;
    while (CAIRN_TRY(query.step())) {
        MessageListing row;
        row.message_id = query.column_int(0);
        row.user = query.column_text(1);
        row.folder = query.column_text(2);
        if (!query.column_is_null(3))
            row.date = query.column_int(3);
        row.from = query.column_text(4);
        row.to = query.column_text(5);
        row.subject = query.column_text(6);
        row.header_message_id = query.column_text(7);
        row.size = static_cast<std::uint64_t>(query.column_int(8));
        row.flags = query.column_text(9);
        row.source_path = query.column_text(10);
        row.source_offset = static_cast<std::uint64_t>(query.column_int(11));
        rows.push_back(std::move(row));
    }
    return rows;
}

Result<CatalogStatistics> Catalog::statistics() {
    CatalogStatistics stats;
    auto single = [&](const char* sql) -> Result<std::uint64_t> {
        auto query = CAIRN_TRY(statement(sql));
        CAIRN_TRY(query->step());
        return static_cast<std::uint64_t>(query->column_int(0));
    };
    stats.messages = CAIRN_TRY(single("SELECT count(*) FROM messages"));
    stats.raw_bytes = CAIRN_TRY(single("SELECT coalesce(sum(size), 0) FROM messages"));
    stats.placements = CAIRN_TRY(single("SELECT count(*) FROM placements"));
    stats.placed_bytes = CAIRN_TRY(single(
        "SELECT coalesce(sum(m.size), 0) FROM placements p JOIN messages m ON m.id = p.message_id"));
    stats.users = CAIRN_TRY(single("SELECT count(*) FROM users"));
    stats.folders = CAIRN_TRY(single("SELECT count(*) FROM folders"));
    stats.stored_content_bytes = CAIRN_TRY(single("SELECT coalesce(sum(length), 0) FROM blobs"));
    stats.shared_part_bytes = CAIRN_TRY(single(
        "SELECT coalesce(sum(b.length), 0) - (SELECT coalesce(sum(length), 0) FROM blobs "
        "WHERE id IN (SELECT blob_id FROM message_parts)) FROM message_parts p JOIN blobs b ON b.id = p.blob_id"));
    stats.block_bytes = CAIRN_TRY(single("SELECT coalesce(sum(sealed_size + 4), 0) FROM blocks"));
    stats.blocks = CAIRN_TRY(single("SELECT count(*) FROM blocks"));
    stats.stores = CAIRN_TRY(single("SELECT count(*) FROM stores"));
    stats.packs = CAIRN_TRY(single("SELECT count(*) FROM packs"));
    return stats;
}

}  // namespace cairn::store
