// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/crypto/crypto.h"
#include "core/mime/message_structure.h"
#include "core/store/archive_keys.h"
#include "core/store/catalog.h"
#include "core/store/pack_file.h"

/// Messages in, messages out, byte for byte. A message becomes a skeleton record (its bytes with
/// large leaf bodies cut out, plus how to put them back) and one record per body, each body
/// stored once per archive (keyed by an HMAC of its content).
namespace cairn::store {

struct StoreOptions {
    int compression_level = 3;
    /// Leaf bodies at least this long become records of their own (and are deduplicated).
    std::size_t minimum_part_bytes = 2048;
    /// A pack is closed and a new one begun once it reaches this size.
    std::uint64_t pack_bytes = 8ull << 20;
};

/// A record's content, compressed on a worker thread, waiting to be sealed by the writer.
struct PreparedRecord {
    crypto::Digest keyed_hash{};
    std::string payload;  ///< compressed; empty when `known` (the archive holds it already)
    std::uint64_t content_size = 0;
    bool known = false;
};

struct PreparedMessage {
    crypto::Digest sha256{};
    crypto::Digest keyed_hash{};
    std::uint64_t size = 0;
    /// The archive held this exact message already when it was prepared: nothing to store.
    bool known = false;
    PreparedRecord skeleton;
    std::vector<PreparedRecord> parts;
    mime::HeaderSummary summary;
};

/// The CPU-heavy half of storing a message: hashing, splitting, compressing. One per worker
/// thread; each holds its own read-only catalog connection to skip work on known content.
class MessagePreparer {
public:
    static Result<MessagePreparer> open(const std::filesystem::path& archive, const ArchiveKeys& keys,
                                        const StoreOptions& options);
    MessagePreparer(MessagePreparer&&) = default;
    PreparedMessage prepare(std::string_view message);

private:
    MessagePreparer(Catalog catalog, ArchiveKeys keys, StoreOptions options)
        : m_catalog(std::make_unique<Catalog>(std::move(catalog))), m_keys(std::move(keys)), m_options(options) {}
    bool blob_known(const crypto::Digest& keyed_hash);
    std::unique_ptr<Catalog> m_catalog;
    ArchiveKeys m_keys;
    StoreOptions m_options;
};

enum class AddOutcome {
    Stored,           ///< new content, now in the archive
    AddedToFolder,    ///< content was archived before; now also in this folder
    AlreadyInFolder,  ///< nothing to do
};

struct PlacementOrigin {
    std::string flags;
    std::optional<std::int64_t> received_time;
    std::string source_path;
    std::uint64_t source_offset = 0;
};

/// The archive's single writer: seals records into packs and records them in the catalog.
/// Changes become durable in batches: commit() fsyncs the packs, then commits the catalog
/// transaction that references them. A crash before commit() loses only the open batch.
class MessageWriter {
public:
    static Result<MessageWriter> open(Catalog& catalog, const std::filesystem::path& archive, const ArchiveKeys& keys,
                                      const StoreOptions& options);
    MessageWriter(MessageWriter&&) = default;
    ~MessageWriter();

    Result<std::int64_t> ensure_folder(const std::string& user, const std::string& folder);
    Result<AddOutcome> add(PreparedMessage&& message, std::int64_t folder_id, const PlacementOrigin& origin);
    Result<void> mark_file_imported(const std::string& user, const std::string& folder, const std::string& path,
                                    std::uint64_t size, std::int64_t modified_ns);
    /// Makes everything added so far durable.
    Result<void> commit();
    /// Bytes and messages added since the last commit (to size batches).
    std::uint64_t pending_bytes() const { return m_pending_bytes; }
    std::uint64_t pending_messages() const { return m_pending_messages; }

private:
    MessageWriter(Catalog& catalog, std::filesystem::path archive, ArchiveKeys keys, StoreOptions options)
        : m_catalog(&catalog), m_archive(std::move(archive)), m_keys(std::move(keys)), m_options(options) {}
    Result<void> begin_if_needed();
    Result<std::int64_t> user_id(const std::string& user);
    Result<void> open_current_pack();
    Result<void> roll_over_if_full();
    Result<BlobRow> append_record(const PreparedRecord& record);

    Catalog* m_catalog;
    std::filesystem::path m_archive;
    ArchiveKeys m_keys;
    StoreOptions m_options;
    std::optional<db::Transaction> m_transaction;
    std::optional<PackWriter> m_pack;
    std::int64_t m_pack_id = 0;
    StoreRow m_store;
    std::uint64_t m_store_bytes = 0;
    std::uint64_t m_store_messages = 0;
    std::uint64_t m_pending_bytes = 0;
    std::uint64_t m_pending_messages = 0;
    std::unordered_map<std::string, std::int64_t> m_user_ids;
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> m_folder_ids;
};

/// Reads messages back. One per thread.
class MessageReader {
public:
    MessageReader(Catalog& catalog, const std::filesystem::path& archive, const ArchiveKeys& keys)
        : m_catalog(&catalog), m_packs(archive), m_keys(keys) {}

    /// The message's original bytes. Corrupt when a record fails its authentication or the
    /// reassembled bytes do not match the SHA-256 recorded at import.
    Result<std::string> read(std::int64_t message_id);
    /// One record's content (authenticated and decompressed).
    Result<std::string> read_record(const BlobRow& record);

private:
    Catalog* m_catalog;
    PackReader m_packs;
    ArchiveKeys m_keys;
};

}  // namespace cairn::store
