// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/result.h"
#include "core/crypto/crypto.h"
#include "core/mime/message_structure.h"
#include "core/store/archive_keys.h"
#include "core/store/catalog.h"
#include "core/store/pack_file.h"

/// Messages in, messages out, byte for byte. A message becomes a skeleton entry (its bytes with
/// large leaf bodies cut out, plus how to put them back) and one entry per such body, each body
/// stored once per archive (found again by a keyed hash of its content). Entries are collected
/// into blocks of about 2 MiB that are compressed together (similar messages share a context,
/// which is where most of the compression comes from) and sealed with AES-256-GCM.
namespace cairn::store {

struct StoreOptions {
    int compression_level = 6;
    /// Leaf bodies at least this long become entries of their own (and are deduplicated).
    std::size_t minimum_part_bytes = 4096;
    /// A block is compressed and sealed once its content reaches this size. Larger blocks
    /// compress better; reading one message costs decompressing its block.
    std::size_t block_bytes = 2u << 20;
    /// A pack is closed and a new one begun once it reaches this size.
    std::uint64_t pack_bytes = 8ull << 20;
};

/// An entry's content, waiting for the writer to put it into a block.
struct PreparedEntry {
    ContentKey key{};
    std::string content;  ///< empty when `known` (the archive holds it already)
    std::uint64_t length = 0;
    bool known = false;
};

struct PreparedMessage {
    crypto::Digest sha256{};
    ContentKey key{};
    std::uint64_t size = 0;
    /// The archive held this exact message already when it was prepared: nothing to store.
    bool known = false;
    PreparedEntry skeleton;
    std::vector<PreparedEntry> parts;
    mime::HeaderSummary summary;
    /// Filled in by whoever reads the message's attachments (the import pipeline), for display.
    std::uint32_t attachment_count = 0;
    std::string attachment_names;  ///< one per line
};

/// The CPU-heavy half of storing a message: hashing, splitting, decoding. One per worker
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
    bool blob_known(const ContentKey& key);
    std::unique_ptr<Catalog> m_catalog;
    ArchiveKeys m_keys;
    StoreOptions m_options;
};

enum class AddOutcome {
    Stored,           ///< new content, now in the archive
    AddedToFolder,    ///< content was archived before; now also in this folder
    AlreadyInFolder,  ///< nothing to do
};

struct Added {
    AddOutcome outcome = AddOutcome::Stored;
    std::int64_t message_id = 0;
    /// The message's date (catalog messages.date), which orders it in the search index.
    std::optional<std::int64_t> date;
};

struct PlacementOrigin {
    std::string flags;
    std::optional<std::int64_t> received_time;
    std::int64_t source_file_id = 0;  ///< from MessageWriter::source_file_id
    std::uint64_t source_offset = 0;
};

/// The archive's single writer: puts entries into blocks, blocks into packs, and records it all
/// in the catalog. Changes become durable in batches: commit() seals the open block, fsyncs the
/// packs, then commits the catalog transaction that references them. A crash before commit()
/// loses only the open batch, and the next writer cuts the uncommitted pack tail.
class MessageWriter {
public:
    static Result<MessageWriter> open(Catalog& catalog, const std::filesystem::path& archive, const ArchiveKeys& keys,
                                      const StoreOptions& options);
    MessageWriter(MessageWriter&&) = default;
    ~MessageWriter();

    Result<std::int64_t> ensure_folder(const std::string& user, const std::string& folder);
    /// The row of a source file (path) imported for `user` under folder `import_folder`.
    Result<std::int64_t> source_file_id(const std::string& user, const std::string& import_folder,
                                        const std::string& path);
    Result<Added> add(PreparedMessage&& message, std::int64_t folder_id, const PlacementOrigin& origin);
    Result<void> mark_file_imported(const std::string& user, const std::string& folder, const std::string& path,
                                    std::uint64_t size, std::int64_t modified_ns);
    /// Runs STEP on the catalog inside the open batch, so what it writes (a mail account's sync
    /// position) becomes durable with, and only with, the messages added before it.
    Result<void> run_in_batch(const std::function<Result<void>(Catalog&)>& step);
    /// Makes everything added so far durable.
    Result<void> commit();
    /// Bytes and messages added since the last commit (to size batches).
    std::uint64_t pending_bytes() const { return m_pending_bytes; }
    std::uint64_t pending_messages() const { return m_pending_messages; }

private:
    struct BlockInWriting {
        std::int64_t id = 0;
        std::uint64_t content_size = 0;
        std::future<std::string> payload;  ///< compressed on another thread
    };

    MessageWriter(Catalog& catalog, std::filesystem::path archive, ArchiveKeys keys, StoreOptions options)
        : m_catalog(&catalog), m_archive(std::move(archive)), m_keys(std::move(keys)), m_options(options) {}
    Result<void> begin_if_needed();
    Result<std::int64_t> user_id(const std::string& user);
    Result<void> open_current_pack();
    Result<void> roll_over_store_if_full();
    Result<void> roll_over_pack_if_full();
    Result<std::int64_t> add_entry(const PreparedEntry& entry);
    void close_open_block();
    void start_block(std::int64_t id, std::string content);
    /// Seals and appends compressed blocks in order; with wait, all of them.
    Result<void> write_blocks(bool wait);

    Catalog* m_catalog;
    std::filesystem::path m_archive;
    ArchiveKeys m_keys;
    StoreOptions m_options;
    std::optional<db::Transaction> m_transaction;
    std::optional<PackWriter> m_pack;
    std::int64_t m_pack_id = 0;
    StoreRow m_store;
    std::uint64_t m_store_bytes = 0;  ///< bytes in the store's packs before the current one
    std::uint64_t m_store_messages = 0;
    std::uint64_t m_pending_bytes = 0;
    std::uint64_t m_pending_messages = 0;
    std::int64_t m_open_block_id = 0;
    std::string m_open_block;
    std::deque<BlockInWriting> m_blocks_in_writing;
    std::unordered_map<std::string, std::int64_t> m_user_ids;
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> m_folder_ids;
    std::string m_last_source_key;
    std::int64_t m_last_source_id = 0;
};

/// Reads messages back. One per thread; keeps the last few decompressed blocks.
class MessageReader {
public:
    MessageReader(Catalog& catalog, const std::filesystem::path& archive, const ArchiveKeys& keys)
        : m_catalog(&catalog), m_packs(archive), m_keys(keys) {}

    /// The message's original bytes. Corrupt when a block fails its authentication or the
    /// reassembled bytes do not match the SHA-256 recorded at import.
    Result<std::string> read(std::int64_t message_id);
    /// One block's content (authenticated and decompressed).
    Result<std::string> read_block(const BlockRow& block);

private:
    Result<std::string_view> entry(const BlobRow& blob);
    Catalog* m_catalog;
    PackReader m_packs;
    ArchiveKeys m_keys;
    std::deque<std::pair<std::int64_t, std::string>> m_block_cache;
};

}  // namespace cairn::store
