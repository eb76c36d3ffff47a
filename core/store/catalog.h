// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <array>
#include <filesystem>
#include <memory>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/crypto/crypto.h"
#include "core/db/database.h"

/// catalog.db: users, folders, messages, the parts they are made of, where each sealed record
/// lives, and which source files were imported completely. All SQL of the store is here.
namespace cairn::store {

inline constexpr int CatalogSchemaVersion = 1;

/// What the catalog keeps of a content HMAC: 128 bits identify content among billions of
/// parts with negligible collision odds, and a collision could not go unnoticed (every read
/// checks the message's full SHA-256).
using ContentKey = std::array<std::uint8_t, 16>;
ContentKey content_key(const crypto::Digest& keyed_hash);

/// A sealed, compressed block in a pack: several entries (skeletons, part bodies) compressed
/// together, so that similar messages share one compression context.
struct BlockRow {
    std::int64_t id = 0;
    std::uint32_t store = 0;
    std::uint32_t pack = 0;
    std::uint64_t offset = 0;
    std::uint64_t sealed_size = 0;
    std::uint64_t content_size = 0;
};

/// One stored entry (a message skeleton or a part body): a slice of a block's content.
struct BlobRow {
    std::int64_t id = 0;
    std::int64_t block_id = 0;
    std::uint64_t offset = 0;  ///< in the block's decompressed content
    std::uint64_t length = 0;
    ContentKey key{};
};

struct PackRow {
    std::int64_t id = 0;
    std::uint32_t store = 0;
    std::uint32_t number = 0;
    std::uint64_t committed_size = 0;
    bool sealed = false;
};

struct StoreRow {
    std::uint32_t number = 0;
    bool sealed = false;
    std::uint64_t byte_limit = 0;     ///< 0: none
    std::uint64_t message_limit = 0;  ///< 0: none
};

/// One message as the catalog shows it, in one folder of one user.
struct MessageListing {
    std::int64_t message_id = 0;
    std::string user;
    std::string folder;
    std::optional<std::int64_t> date;
    std::string from;
    std::string to;
    std::string subject;
    std::string header_message_id;
    std::uint64_t size = 0;
    std::string flags;
    std::string source_path;
    std::uint64_t source_offset = 0;
};

/// Where a listing page ends, so the next one starts after it (listings are ordered by user,
/// folder, message id).
struct ListPosition {
    std::string user;
    std::string folder;
    std::int64_t message_id = 0;
};

struct ListFilter {
    std::optional<std::string> user;
    std::optional<std::string> folder;  ///< this folder and its sub-folders
    std::optional<std::int64_t> message_id;
    std::optional<ListPosition> after;
    std::optional<std::uint64_t> limit;
};

struct CatalogStatistics {
    std::uint64_t messages = 0;
    std::uint64_t placements = 0;
    std::uint64_t users = 0;
    std::uint64_t folders = 0;
    std::uint64_t raw_bytes = 0;          ///< sum of the sizes of the distinct messages
    std::uint64_t placed_bytes = 0;       ///< sum over placements (what a naive copy would cost)
    std::uint64_t stored_content_bytes = 0;  ///< distinct entry contents before compression
    /// Part bodies referenced by several messages, counted once more for every extra reference.
    std::uint64_t shared_part_bytes = 0;
    std::uint64_t block_bytes = 0;        ///< sealed bytes of all blocks
    std::uint64_t blocks = 0;
    std::uint64_t stores = 0;
    std::uint64_t packs = 0;
};

class Catalog {
public:
    static Result<Catalog> open(const std::filesystem::path& path, db::OpenMode mode);

    db::Database& database() { return m_database; }

    // -- stores and packs
    Result<std::vector<StoreRow>> stores();
    Result<void> insert_store(const StoreRow& store);
    Result<void> seal_store(std::uint32_t store);
    Result<std::vector<PackRow>> packs();
    Result<PackRow> insert_pack(std::uint32_t store, std::uint32_t number);
    Result<void> set_pack_size(std::int64_t pack_id, std::uint64_t committed_size, bool sealed);
    Result<std::uint64_t> store_message_count(std::uint32_t store);

    // -- settings that travel with the archive
    Result<std::optional<std::string>> setting(const std::string& key);
    Result<void> set_setting(const std::string& key, const std::string& value);

    /// A counter per user that every import batch advances in its catalog transaction; a search
    /// index records the value it is complete for, so an index that lags behind the catalog
    /// (a crash between the two commits) is told from a current one without counting rows.
    /// 0 for a user never imported.
    Result<std::int64_t> index_generation(const std::string& user);
    Result<std::int64_t> advance_index_generation(const std::string& user);

    // -- users and folders
    Result<std::int64_t> ensure_user(const std::string& name);
    Result<std::int64_t> ensure_folder(std::int64_t user_id, const std::string& path);

    // -- content
    Result<std::optional<std::int64_t>> find_message(const ContentKey& key);
    /// The message's Date header as Unix seconds; nullopt when it has none (or no such message).
    Result<std::optional<std::int64_t>> message_date(std::int64_t message_id);
    Result<std::optional<BlobRow>> find_blob(const ContentKey& key);
    Result<std::int64_t> insert_blob(const BlobRow& row);
    /// A block row whose location is filled in by set_block_location once it is written.
    Result<std::int64_t> insert_block();
    Result<void> set_block_location(const BlockRow& block);
    Result<std::optional<BlockRow>> block(std::int64_t block_id);
    Result<std::vector<BlockRow>> all_blocks();
    struct NewMessage {
        ContentKey key{};
        std::uint64_t size = 0;
        std::int64_t skeleton_blob_id = 0;
        std::uint32_t store = 0;
        std::optional<std::int64_t> date;
        std::string from, to, subject, header_message_id;
        std::uint32_t attachment_count = 0;
        std::string attachment_names;  ///< one per line
    };
    Result<std::int64_t> insert_message(const NewMessage& message);
    Result<void> insert_message_part(std::int64_t message_id, std::uint32_t position, std::int64_t blob_id);
    /// The skeleton record and the part records of a message, parts in position order.
    struct MessageRecords {
        BlobRow skeleton;
        std::vector<BlobRow> parts;
        std::uint64_t size = 0;
    };
    Result<MessageRecords> message_records(std::int64_t message_id);
    Result<std::vector<std::int64_t>> all_message_ids();

    // -- placements: a message in a user's folder
    struct Placement {
        std::int64_t message_id = 0;
        std::int64_t folder_id = 0;
        std::string flags;
        std::optional<std::int64_t> received_time;
        std::int64_t source_file_id = 0;
        std::uint64_t source_offset = 0;
    };
    /// False when the message is already in that folder.
    Result<bool> insert_placement(const Placement& placement);

    // -- source files: where messages came from, and which files were imported completely.
    // folder: the archive folder the file was imported under (importing it elsewhere is new work).
    Result<std::int64_t> ensure_source_file(std::int64_t user_id, const std::string& folder, const std::string& path);
    Result<bool> is_file_imported(const std::string& user, const std::string& folder, const std::string& path,
                                  std::uint64_t size, std::int64_t modified_ns);
    Result<void> mark_file_imported(std::int64_t source_file_id, std::uint64_t size, std::int64_t modified_ns);

    // -- mail accounts and their sync positions (account_catalog.cpp)
    struct AccountRow {
        std::int64_t id = 0;
        std::string name;
        std::string settings;       ///< JSON, no secrets
        std::string sealed_secret;  ///< empty when none is kept
        std::optional<std::int64_t> last_fetch;
        std::string last_fetch_summary;
    };
    /// AlreadyExists when an account of that name exists.
    Result<std::int64_t> insert_account(const std::string& name, const std::string& settings,
                                        const std::string& sealed_secret);
    Result<std::vector<AccountRow>> accounts();
    Result<std::optional<AccountRow>> account(const std::string& name);
    Result<void> set_account_secret(std::int64_t account_id, const std::string& sealed_secret);
    /// Replaces the account's settings (JSON); the name stays.
    Result<void> set_account_settings(std::int64_t account_id, const std::string& settings);
    Result<void> record_account_fetch(std::int64_t account_id, std::int64_t time, const std::string& summary);
    /// Removes the account and its sync positions; the mail archived from it stays. False when
    /// there is no such account.
    Result<bool> delete_account(const std::string& name);

    struct RemoteFolderRow {
        std::int64_t id = 0;
        std::string server_name;
        std::uint32_t uid_validity = 0;
        std::uint32_t highest_uid = 0;
    };
    Result<std::vector<RemoteFolderRow>> remote_folders(std::int64_t account_id);
    Result<std::int64_t> ensure_remote_folder(std::int64_t account_id, const std::string& server_name);
    /// The folder is being read under UID_VALIDITY: when it was recorded under another one (or
    /// none), its position starts again from 0 under this one; otherwise nothing changes.
    Result<void> begin_remote_folder_numbering(std::int64_t remote_folder_id, std::uint32_t uid_validity);
    Result<void> set_remote_folder_position(std::int64_t remote_folder_id, std::uint32_t uid_validity,
                                            std::uint32_t highest_uid);
    /// STABLE_ID: an id the server keeps for the message across folders and renumbering
    /// (Gmail's X-GM-MSGID); empty when it has none (an existing one is then kept).
    Result<void> record_remote_message(std::int64_t remote_folder_id, std::uint32_t uid_validity,
                                       const std::string& remote_key, std::int64_t message_id,
                                       const std::string& stable_id = {});
    /// Stable id -> archived message, over every folder of the account.
    Result<std::vector<std::pair<std::string, std::int64_t>>> remote_stable_ids(std::int64_t account_id);
    /// The archived message a server message was stored as, if it was.
    Result<std::optional<std::int64_t>> remote_message(std::int64_t remote_folder_id, std::uint32_t uid_validity,
                                                       const std::string& remote_key);
    struct RemoteMessageRow {
        std::string remote_key;  ///< IMAP: the UID; POP3: the UIDL
        std::int64_t message_id = 0;
        /// When it was first fetched (epoch seconds); unknown for rows from before it was kept.
        std::optional<std::int64_t> fetched;
    };
    /// IMAP: the UIDs archived from a folder above its recorded position (a run stopped between
    /// two position checkpoints), ascending.
    Result<std::vector<std::uint32_t>> remote_uids_above(std::int64_t remote_folder_id, std::uint32_t uid_validity,
                                                         std::uint32_t highest_uid);
    /// Every server message of a remote folder recorded as archived, by remote key.
    Result<std::vector<RemoteMessageRow>> remote_messages(std::int64_t remote_folder_id, std::uint32_t uid_validity);
    /// After the server deleted it: the mapping goes, the archived message stays.
    Result<void> forget_remote_message(std::int64_t remote_folder_id, std::uint32_t uid_validity,
                                       const std::string& remote_key);

    /// From a journal report: one of the message's envelope addresses (kept once per kind).
    Result<void> record_envelope_address(std::int64_t message_id, const std::string& address, const std::string& kind,
                                         const std::string& note);
    struct EnvelopeAddress {
        std::string address, kind, note;
    };
    Result<std::vector<EnvelopeAddress>> envelope_addresses(std::int64_t message_id);

    // -- reading
    Result<std::vector<MessageListing>> list(const ListFilter& filter);
    /// How many rows list() would give without a limit.
    Result<std::uint64_t> list_count(const ListFilter& filter);
    Result<CatalogStatistics> statistics();

private:
    explicit Catalog(db::Database database) : m_database(std::move(database)) {}
    Result<void> migrate();
    Result<std::int64_t> ensure_source_directory(std::string_view path);
    /// A prepared statement kept for the catalog's lifetime, lent out ready to bind and reset
    /// when the lease ends: a statement left mid-result would hold its read transaction open,
    /// pinning an old snapshot and keeping the WAL from being checkpointed.
    class StatementLease {
    public:
        explicit StatementLease(db::Statement* statement) : m_statement(statement) {}
        StatementLease(StatementLease&& other) noexcept : m_statement(other.m_statement) { other.m_statement = nullptr; }
        StatementLease& operator=(StatementLease&&) = delete;
        ~StatementLease() {
            if (m_statement)
                m_statement->reset();
        }
        db::Statement* operator->() const { return m_statement; }
        db::Statement& operator*() const { return *m_statement; }

    private:
        db::Statement* m_statement;
    };
    Result<StatementLease> statement(const char* sql);
    db::Database m_database;
    std::unordered_map<const char*, std::unique_ptr<db::Statement>> m_statements;
};

}  // namespace cairn::store
