// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/message_store.h"

#include <charconv>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "core/store/record_codec.h"

namespace cairn::store {
namespace {

// Skeleton entry layout (all integers LEB128 varints):
//   "CSK1", SHA-256 of the whole message (32 bytes), message size, segment count, segments.
//   A segment is a kind byte, then:
//     Literal:    length, bytes
//     Part:       part position
//     Base64Part: part position, line length, flags (1: CRLF, 2: final line break), empty lines after
constexpr std::string_view SkeletonMagic = "CSK1";
enum class SegmentKind : char { Literal = 0, Part = 1, Base64Part = 2 };

// Blocks being compressed at once; bounds the writer's memory to a few MiB.
constexpr std::size_t MaximumBlocksInWriting = 4;

void put_varint(std::string& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

std::optional<std::uint64_t> get_varint(std::string_view& in) {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
        auto byte = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            return value;
    }
    return std::nullopt;
}

std::string_view digest_view(const crypto::Digest& digest) {
    return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

ContentKey keyed(const crypto::Key& key, std::string_view domain, std::string_view content) {
    // Domain separation keeps a part that happens to equal some skeleton from colliding with it.
    std::string input;
    input.reserve(domain.size() + content.size());
    input.append(domain).append(content);
    return content_key(crypto::hmac_sha256(key, input));
}

/// A whole-number setting; absent means 0 (no limit).
Result<std::uint64_t> numeric_setting(Catalog& catalog, const std::string& key) {
    auto text = CAIRN_TRY(catalog.setting(key)).value_or("0");
    std::uint64_t value = 0;
    auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size())
        return make_error(ErrorCode::Corrupt, fmt::format("the setting {} is not a number: \"{}\"", key, text),
                          "catalog.db");
    return value;
}

Error corrupt(std::string message, std::int64_t message_id) {
    return Error{ErrorCode::Corrupt, std::move(message), fmt::format("message {}", message_id)};
}

}  // namespace

// ---------------------------------------------------------------- preparer

Result<MessagePreparer> MessagePreparer::open(const std::filesystem::path& archive, const ArchiveKeys& keys,
                                              const StoreOptions& options) {
    auto catalog = CAIRN_TRY(Catalog::open(archive / "catalog.db", db::OpenMode::ReadOnly));
    return MessagePreparer(std::move(catalog), keys, options);
}

bool MessagePreparer::blob_known(const ContentKey& key) {
    // A failed lookup only costs a redundant copy to the writer, which checks again.
    auto found = m_catalog->find_blob(key);
    return found && found->has_value();
}

PreparedMessage MessagePreparer::prepare(std::string_view message) {
    PreparedMessage prepared;
    prepared.size = message.size();
    prepared.sha256 = crypto::sha256(message);
    prepared.key = keyed(m_keys.dedup, "message|", digest_view(prepared.sha256));
    if (auto found = m_catalog->find_message(prepared.key); found && found->has_value()) {
        prepared.known = true;
        return prepared;
    }
    prepared.summary = mime::summarize_headers(message);

    std::string segments;
    std::uint64_t segment_count = 0;
    std::size_t position = 0;
    auto add_literal = [&](std::size_t end) {
        if (end <= position)
            return;
        segments.push_back(static_cast<char>(SegmentKind::Literal));
        put_varint(segments, end - position);
        segments.append(message.substr(position, end - position));
        ++segment_count;
        position = end;
    };
    auto add_part = [&](std::string_view content) {
        PreparedEntry part;
        part.key = keyed(m_keys.dedup, "part|", content);
        part.length = content.size();
        part.known = blob_known(part.key);
        if (!part.known)
            part.content.assign(content);
        prepared.parts.push_back(std::move(part));
        return prepared.parts.size() - 1;
    };

    for (const auto& span : mime::find_leaf_bodies(message, m_options.minimum_part_bytes)) {
        if (span.offset < position || span.offset + span.length > message.size())
            continue;  // a scanner bug must never cost fidelity: such a span stays literal
        std::string_view body = message.substr(span.offset, span.length);
        if (span.encoding == mime::TransferEncoding::Base64) {
            auto decoded = mime::decode_base64_exactly(body, mime::TrailingEmptyLines::Keep);
            // Stored decoded only when re-encoding gives back exactly these bytes: checked here,
            // before anything is committed, so fidelity never rests on the decoder being right.
            if (decoded && mime::encode_base64(decoded->first, decoded->second) == body) {
                const auto& layout = decoded->second;
                add_literal(span.offset);
                auto index = add_part(decoded->first);
                segments.push_back(static_cast<char>(SegmentKind::Base64Part));
                put_varint(segments, index);
                put_varint(segments, layout.line_length);
                put_varint(segments, (layout.crlf ? 1u : 0u) | (layout.final_line_break ? 2u : 0u));
                put_varint(segments, layout.extra_line_breaks);
                ++segment_count;
                position = span.offset + span.length;
                continue;
            }
        }
        add_literal(span.offset);
        auto index = add_part(body);
        segments.push_back(static_cast<char>(SegmentKind::Part));
        put_varint(segments, index);
        ++segment_count;
        position = span.offset + span.length;
    }
    add_literal(message.size());

    std::string& skeleton = prepared.skeleton.content;
    skeleton.reserve(64 + segments.size());
    skeleton.append(SkeletonMagic.data(), SkeletonMagic.size());
    skeleton.append(digest_view(prepared.sha256));
    put_varint(skeleton, message.size());
    put_varint(skeleton, segment_count);
    skeleton += segments;
    prepared.skeleton.key = keyed(m_keys.dedup, "skeleton|", skeleton);
    prepared.skeleton.length = skeleton.size();
    return prepared;
}

// ---------------------------------------------------------------- writer

Result<MessageWriter> MessageWriter::open(Catalog& catalog, const std::filesystem::path& archive,
                                          const ArchiveKeys& keys, const StoreOptions& options) {
    MessageWriter writer(catalog, archive, keys, options);
    CAIRN_TRY_VOID(writer.open_current_pack());
    return writer;
}

MessageWriter::~MessageWriter() {
    // Blocks still compressing are abandoned; they were never committed.
    for (auto& block : m_blocks_in_writing)
        if (block.payload.valid())
            block.payload.wait();
}

Result<void> MessageWriter::open_current_pack() {
    auto stores = CAIRN_TRY(m_catalog->stores());
    if (stores.empty() || stores.back().sealed) {
        StoreRow store;
        store.number = stores.empty() ? 1 : stores.back().number + 1;
        store.byte_limit = CAIRN_TRY(numeric_setting(*m_catalog, "store_byte_limit"));
        store.message_limit = CAIRN_TRY(numeric_setting(*m_catalog, "store_message_limit"));
        CAIRN_TRY_VOID(begin_if_needed());
        CAIRN_TRY_VOID(m_catalog->insert_store(store));
        stores.push_back(store);
    }
    m_store = stores.back();
    auto packs = CAIRN_TRY(m_catalog->packs());
    std::optional<PackRow> current;
    m_store_bytes = 0;
    std::uint32_t last_number = 0;
    for (const auto& pack : packs) {
        if (pack.store != m_store.number)
            continue;
        last_number = pack.number;
        if (pack.sealed)
            m_store_bytes += pack.committed_size;
        else
            current = pack;
    }
    m_store_messages = CAIRN_TRY(m_catalog->store_message_count(m_store.number));
    if (!current) {
        CAIRN_TRY_VOID(begin_if_needed());
        current = CAIRN_TRY(m_catalog->insert_pack(m_store.number, last_number + 1));
    }
    m_pack_id = current->id;
    m_pack = CAIRN_TRY(PackWriter::open(m_archive, m_store.number, current->number, current->committed_size));
    return {};
}

Result<void> MessageWriter::begin_if_needed() {
    if (!m_transaction)
        m_transaction.emplace(CAIRN_TRY(db::Transaction::begin(m_catalog->database())));
    return {};
}

Result<void> MessageWriter::roll_over_pack_if_full() {
    if (m_pack->size() < m_options.pack_bytes)
        return {};
    // The full pack is synced now; its final size is committed with this batch.
    CAIRN_TRY_VOID(m_pack->sync());
    CAIRN_TRY_VOID(m_catalog->set_pack_size(m_pack_id, m_pack->size(), true));
    m_store_bytes += m_pack->size();
    auto pack = CAIRN_TRY(m_catalog->insert_pack(m_store.number, m_pack->pack() + 1));
    m_pack_id = pack.id;
    m_pack = CAIRN_TRY(PackWriter::open(m_archive, m_store.number, pack.number, 0));
    return {};
}

Result<void> MessageWriter::roll_over_store_if_full() {
    bool full = (m_store.byte_limit > 0 && m_store_bytes + m_pack->size() >= m_store.byte_limit) ||
                (m_store.message_limit > 0 && m_store_messages >= m_store.message_limit);
    if (!full)
        return {};
    // Everything of the full store goes into it before it is closed.
    close_open_block();
    CAIRN_TRY_VOID(write_blocks(true));
    CAIRN_TRY_VOID(m_pack->sync());
    CAIRN_TRY_VOID(m_catalog->set_pack_size(m_pack_id, m_pack->size(), true));
    CAIRN_TRY_VOID(m_catalog->seal_store(m_store.number));
    StoreRow next = m_store;
    next.number = m_store.number + 1;
    next.sealed = false;
    CAIRN_TRY_VOID(m_catalog->insert_store(next));
    m_store = next;
    m_store_bytes = 0;
    m_store_messages = 0;
    auto pack = CAIRN_TRY(m_catalog->insert_pack(m_store.number, 1));
    m_pack_id = pack.id;
    m_pack = CAIRN_TRY(PackWriter::open(m_archive, m_store.number, 1, 0));
    return {};
}

void MessageWriter::start_block(std::int64_t id, std::string content) {
    BlockInWriting block;
    block.id = id;
    block.content_size = content.size();
    int level = m_options.compression_level;
    block.payload = std::async(std::launch::async, [content = std::move(content), level] {
        return compress_record(content, level);
    });
    m_blocks_in_writing.push_back(std::move(block));
}

void MessageWriter::close_open_block() {
    if (m_open_block_id == 0)
        return;
    start_block(m_open_block_id, std::move(m_open_block));
    m_open_block.clear();
    m_open_block_id = 0;
}

Result<void> MessageWriter::write_blocks(bool wait) {
    while (!m_blocks_in_writing.empty()) {
        auto& block = m_blocks_in_writing.front();
        bool must_wait = wait || m_blocks_in_writing.size() > MaximumBlocksInWriting;
        if (!must_wait && block.payload.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
            break;
        std::string payload = block.payload.get();
        CAIRN_TRY_VOID(roll_over_pack_if_full());
        BlockRow row;
        row.id = block.id;
        row.store = m_store.number;
        row.pack = m_pack->pack();
        row.offset = m_pack->next_offset();
        row.content_size = block.content_size;
        std::string sealed;
        sealed.reserve(payload.size() + crypto::SealOverhead);
        crypto::aead_seal_append(m_keys.data, payload, block_associated_data(m_keys.archive_id, block.id), sealed);
        row.sealed_size = sealed.size();
        CAIRN_TRY_VOID(m_pack->append(sealed));
        CAIRN_TRY_VOID(m_catalog->set_block_location(row));
        m_pending_bytes += sealed.size();
        m_blocks_in_writing.pop_front();
    }
    return {};
}

Result<std::int64_t> MessageWriter::add_entry(const PreparedEntry& entry) {
    BlobRow row;
    row.key = entry.key;
    row.length = entry.content.size();
    if (entry.content.size() >= m_options.block_bytes / 2) {
        // Large entries (attachments) get a block of their own; the open block stays open.
        row.block_id = CAIRN_TRY(m_catalog->insert_block());
        row.offset = 0;
        start_block(row.block_id, entry.content);
    } else {
        if (m_open_block_id == 0) {
            m_open_block_id = CAIRN_TRY(m_catalog->insert_block());
            m_open_block.reserve(m_options.block_bytes + m_options.block_bytes / 4);
        }
        row.block_id = m_open_block_id;
        row.offset = m_open_block.size();
        m_open_block += entry.content;
        if (m_open_block.size() >= m_options.block_bytes)
            close_open_block();
    }
    CAIRN_TRY_VOID(write_blocks(false));
    return m_catalog->insert_blob(row);
}

Result<std::int64_t> MessageWriter::user_id(const std::string& user) {
    CAIRN_TRY_VOID(begin_if_needed());
    if (auto found = m_user_ids.find(user); found != m_user_ids.end())
        return found->second;
    auto id = CAIRN_TRY(m_catalog->ensure_user(user));
    m_user_ids.emplace(user, id);
    return id;
}

Result<std::int64_t> MessageWriter::ensure_folder(const std::string& user, const std::string& folder) {
    std::int64_t user_id = CAIRN_TRY(this->user_id(user));
    auto key = std::make_pair(user_id, folder);
    if (auto found = m_folder_ids.find(key); found != m_folder_ids.end())
        return found->second;
    auto folder_id = CAIRN_TRY(m_catalog->ensure_folder(user_id, folder));
    m_folder_ids.emplace(key, folder_id);
    return folder_id;
}

Result<std::int64_t> MessageWriter::source_file_id(const std::string& user, const std::string& import_folder,
                                                   const std::string& path) {
    // Consecutive messages mostly come from the same file (an mbox): remember the last one.
    std::string cache_key = user + '\0' + import_folder + '\0' + path;
    if (cache_key == m_last_source_key)
        return m_last_source_id;
    auto id = CAIRN_TRY(m_catalog->ensure_source_file(CAIRN_TRY(user_id(user)), import_folder, path));
    m_last_source_key = std::move(cache_key);
    m_last_source_id = id;
    return id;
}

Result<Added> MessageWriter::add(PreparedMessage&& message, std::int64_t folder_id, const PlacementOrigin& origin) {
    CAIRN_TRY_VOID(begin_if_needed());
    std::optional<std::int64_t> message_id = CAIRN_TRY(m_catalog->find_message(message.key));
    AddOutcome outcome = AddOutcome::AddedToFolder;
    std::optional<std::int64_t> date;
    if (message_id)
        date = CAIRN_TRY(m_catalog->message_date(*message_id));
    if (!message_id) {
        if (message.known)
            return make_error(ErrorCode::Internal, "a message prepared as known is missing from the catalog");
        CAIRN_TRY_VOID(roll_over_store_if_full());
        std::vector<std::int64_t> part_ids;
        part_ids.reserve(message.parts.size());
        for (auto& part : message.parts) {
            // The same part twice in one batch (or one message) is found here: rows of the open
            // transaction are visible to this connection.
            auto existing = CAIRN_TRY(m_catalog->find_blob(part.key));
            if (existing) {
                part_ids.push_back(existing->id);
                continue;
            }
            if (part.known)
                return make_error(ErrorCode::Internal, "a part prepared as known is missing from the catalog");
            part_ids.push_back(CAIRN_TRY(add_entry(part)));
        }
        auto skeleton = CAIRN_TRY(m_catalog->find_blob(message.skeleton.key));
        std::int64_t skeleton_id = skeleton ? skeleton->id : CAIRN_TRY(add_entry(message.skeleton));
        Catalog::NewMessage row;
        row.key = message.key;
        row.size = message.size;
        row.skeleton_blob_id = skeleton_id;
        row.store = m_store.number;
        row.date = message.summary.date;
        date = row.date;
        row.from = message.summary.from;
        row.to = message.summary.to;
        row.subject = message.summary.subject;
        row.header_message_id = message.summary.message_id;
        row.attachment_count = message.attachment_count;
        row.attachment_names = message.attachment_names;
        message_id = CAIRN_TRY(m_catalog->insert_message(row));
        for (std::size_t position = 0; position < part_ids.size(); ++position)
            CAIRN_TRY_VOID(m_catalog->insert_message_part(*message_id, static_cast<std::uint32_t>(position),
                                                          part_ids[position]));
        ++m_store_messages;
        outcome = AddOutcome::Stored;
    }
    bool placed = CAIRN_TRY(m_catalog->insert_placement(
        {*message_id, folder_id, origin.flags, origin.received_time, origin.source_file_id, origin.source_offset}));
    if (!placed)
        return Added{AddOutcome::AlreadyInFolder, *message_id, date};
    ++m_pending_messages;
    return Added{outcome, *message_id, date};
}

Result<void> MessageWriter::mark_file_imported(const std::string& user, const std::string& folder,
                                               const std::string& path, std::uint64_t size, std::int64_t modified_ns) {
    return m_catalog->mark_file_imported(CAIRN_TRY(source_file_id(user, folder, path)), size, modified_ns);
}

Result<void> MessageWriter::run_in_batch(const std::function<Result<void>(Catalog&)>& step) {
    CAIRN_TRY_VOID(begin_if_needed());
    return step(*m_catalog);
}

Result<void> MessageWriter::commit() {
    if (!m_transaction)
        return {};
    // Order matters for crash safety: the blocks must be on disk before the catalog says so.
    close_open_block();
    CAIRN_TRY_VOID(write_blocks(true));
    CAIRN_TRY_VOID(m_pack->sync());
    CAIRN_TRY_VOID(m_catalog->set_pack_size(m_pack_id, m_pack->size(), false));
    auto transaction = std::move(*m_transaction);
    m_transaction.reset();
    CAIRN_TRY_VOID(transaction.commit());
    m_pending_bytes = 0;
    m_pending_messages = 0;
    return {};
}

// ---------------------------------------------------------------- reader

Result<std::string> MessageReader::read_block(const BlockRow& block) {
    auto location = [&] {
        return fmt::format("{} at offset {}",
                           pack_path("stores/..", block.store, block.pack).lexically_normal().string(), block.offset);
    };
    if (block.sealed_size == 0)
        return make_error(ErrorCode::Corrupt, fmt::format("block {} was never written", block.id));
    auto sealed = CAIRN_TRY(m_packs.read(block.store, block.pack, block.offset, block.sealed_size));
    auto payload = crypto::aead_open(m_keys.data, sealed, block_associated_data(m_keys.archive_id, block.id));
    if (!payload)
        return make_error(ErrorCode::Corrupt, "block failed its integrity check (damaged, or not this archive's)",
                          location());
    auto content = decompress_record(*payload);
    if (!content)
        return make_error(ErrorCode::Corrupt, content.error().message, location());
    if (content->size() != block.content_size)
        return make_error(ErrorCode::Corrupt, "block has the wrong size", location());
    return content;
}

Result<std::string_view> MessageReader::entry(const BlobRow& blob) {
    const std::string* content = nullptr;
    for (const auto& [id, cached] : m_block_cache)
        if (id == blob.block_id)
            content = &cached;
    if (!content) {
        auto block = CAIRN_TRY(m_catalog->block(blob.block_id));
        if (!block)
            return make_error(ErrorCode::Corrupt, fmt::format("the catalog names a missing block {}", blob.block_id));
        auto bytes = CAIRN_TRY(read_block(*block));
        if (m_block_cache.size() >= 4)
            m_block_cache.pop_front();
        m_block_cache.emplace_back(blob.block_id, std::move(bytes));
        content = &m_block_cache.back().second;
    }
    if (blob.offset + blob.length > content->size())
        return make_error(ErrorCode::Corrupt, fmt::format("entry {} lies outside its block", blob.id));
    return std::string_view(*content).substr(blob.offset, blob.length);
}

Result<std::string> MessageReader::read(std::int64_t message_id) {
    auto records = CAIRN_TRY(m_catalog->message_records(message_id));
    // Copied: reading the parts may evict the skeleton's block from the cache.
    std::string skeleton(CAIRN_TRY(entry(records.skeleton)));
    std::string_view in = skeleton;
    if (in.size() < SkeletonMagic.size() + 32 || in.substr(0, SkeletonMagic.size()) != SkeletonMagic)
        return std::unexpected(corrupt("damaged skeleton", message_id));
    in.remove_prefix(SkeletonMagic.size());
    crypto::Digest expected{};
    std::memcpy(expected.data(), in.data(), expected.size());
    in.remove_prefix(expected.size());
    auto size = get_varint(in);
    auto count = get_varint(in);
    if (!size || !count || *size != records.size)
        return std::unexpected(corrupt("damaged skeleton", message_id));
    std::string message;
    message.reserve(*size);
    for (std::uint64_t i = 0; i < *count; ++i) {
        if (in.empty())
            return std::unexpected(corrupt("damaged skeleton", message_id));
        auto kind = static_cast<SegmentKind>(in.front());
        in.remove_prefix(1);
        if (kind == SegmentKind::Literal) {
            auto length = get_varint(in);
            if (!length || *length > in.size())
                return std::unexpected(corrupt("damaged skeleton", message_id));
            message.append(in.substr(0, *length));
            in.remove_prefix(*length);
            continue;
        }
        auto position = get_varint(in);
        if (!position || *position >= records.parts.size())
            return std::unexpected(corrupt("skeleton names a part the catalog does not have", message_id));
        std::string_view part = CAIRN_TRY(entry(records.parts[*position]));
        if (kind == SegmentKind::Part) {
            message.append(part);
        } else if (kind == SegmentKind::Base64Part) {
            auto line_length = get_varint(in);
            auto flags = get_varint(in);
            auto extra_line_breaks = get_varint(in);
            if (!line_length || !flags || !extra_line_breaks)
                return std::unexpected(corrupt("damaged skeleton", message_id));
            mime::Base64Layout layout;
            layout.line_length = static_cast<std::uint32_t>(*line_length);
            layout.crlf = (*flags & 1) != 0;
            layout.final_line_break = (*flags & 2) != 0;
            layout.extra_line_breaks = static_cast<std::uint32_t>(*extra_line_breaks);
            message += mime::encode_base64(part, layout);
        } else {
            return std::unexpected(corrupt("damaged skeleton", message_id));
        }
    }
    if (message.size() != *size || crypto::sha256(message) != expected)
        return std::unexpected(corrupt("reassembled message does not match its SHA-256", message_id));
    return message;
}

}  // namespace cairn::store
