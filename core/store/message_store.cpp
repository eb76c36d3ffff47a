// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/message_store.h"

#include <cstring>

#include <fmt/format.h>

#include "core/store/record_codec.h"

namespace cairn::store {
namespace {

// Skeleton record layout (all integers LEB128 varints):
//   "CSK1", SHA-256 of the whole message (32 bytes), message size, segment count, segments.
//   A segment is a kind byte, then:
//     Literal:    length, bytes
//     Part:       part position
//     Base64Part: part position, line length, flags (1: CRLF, 2: final line break)
constexpr std::string_view SkeletonMagic = "CSK1";
enum class SegmentKind : char { Literal = 0, Part = 1, Base64Part = 2 };

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

crypto::Digest keyed(const crypto::Key& key, std::string_view domain, std::string_view content) {
    // Domain separation keeps a part that happens to equal some skeleton from colliding with it.
    std::string input;
    input.reserve(domain.size() + content.size());
    input.append(domain).append(content);
    return crypto::hmac_sha256(key, input);
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

bool MessagePreparer::blob_known(const crypto::Digest& keyed_hash) {
    // A failed lookup only costs a redundant compression: the writer checks again.
    auto found = m_catalog->find_blob(keyed_hash);
    return found && found->has_value();
}

PreparedMessage MessagePreparer::prepare(std::string_view message) {
    PreparedMessage prepared;
    prepared.size = message.size();
    prepared.sha256 = crypto::sha256(message);
    prepared.keyed_hash = keyed(m_keys.dedup, "message|", digest_view(prepared.sha256));
    if (auto found = m_catalog->find_message(prepared.keyed_hash); found && found->has_value()) {
        prepared.known = true;
        return prepared;
    }
    prepared.summary = mime::summarize_headers(message);

    std::string skeleton;
    skeleton.reserve(64 + message.size() / 4);
    skeleton.append(SkeletonMagic.data(), SkeletonMagic.size());
    skeleton.append(digest_view(prepared.sha256));
    put_varint(skeleton, message.size());
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
        PreparedRecord part;
        part.keyed_hash = keyed(m_keys.dedup, "part|", content);
        part.content_size = content.size();
        part.known = blob_known(part.keyed_hash);
        if (!part.known)
            part.payload = compress_record(content, m_options.compression_level);
        prepared.parts.push_back(std::move(part));
        return prepared.parts.size() - 1;
    };

    for (const auto& span : mime::find_leaf_bodies(message, m_options.minimum_part_bytes)) {
        if (span.offset < position || span.offset + span.length > message.size())
            continue;  // a scanner bug must never cost fidelity: such a span stays literal
        std::string_view body = message.substr(span.offset, span.length);
        if (span.encoding == mime::TransferEncoding::Base64) {
            if (auto decoded = mime::decode_base64_exactly(body)) {
                add_literal(span.offset);
                auto index = add_part(decoded->first);
                segments.push_back(static_cast<char>(SegmentKind::Base64Part));
                put_varint(segments, index);
                put_varint(segments, decoded->second.line_length);
                put_varint(segments, (decoded->second.crlf ? 1u : 0u) | (decoded->second.final_line_break ? 2u : 0u));
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
    put_varint(skeleton, segment_count);
    skeleton += segments;

    prepared.skeleton.keyed_hash = keyed(m_keys.dedup, "skeleton|", skeleton);
    prepared.skeleton.content_size = skeleton.size();
    prepared.skeleton.payload = compress_record(skeleton, m_options.compression_level);
    return prepared;
}

// ---------------------------------------------------------------- writer

Result<MessageWriter> MessageWriter::open(Catalog& catalog, const std::filesystem::path& archive,
                                          const ArchiveKeys& keys, const StoreOptions& options) {
    MessageWriter writer(catalog, archive, keys, options);
    CAIRN_TRY_VOID(writer.open_current_pack());
    return writer;
}

MessageWriter::~MessageWriter() = default;

Result<void> MessageWriter::open_current_pack() {
    auto stores = CAIRN_TRY(m_catalog->stores());
    if (stores.empty() || stores.back().sealed) {
        StoreRow store;
        store.number = stores.empty() ? 1 : stores.back().number + 1;
        store.byte_limit = std::stoull(CAIRN_TRY(m_catalog->setting("store_byte_limit")).value_or("0"));
        store.message_limit = std::stoull(CAIRN_TRY(m_catalog->setting("store_message_limit")).value_or("0"));
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
        m_store_bytes += pack.committed_size;
        last_number = pack.number;
        if (!pack.sealed)
            current = pack;
    }
    m_store_messages = CAIRN_TRY(m_catalog->store_message_count(m_store.number));
    if (!current) {
        CAIRN_TRY_VOID(begin_if_needed());
        current = CAIRN_TRY(m_catalog->insert_pack(m_store.number, last_number + 1));
    }
    m_pack_id = current->id;
    m_store_bytes -= current->committed_size;
    m_pack = CAIRN_TRY(PackWriter::open(m_archive, m_store.number, current->number, current->committed_size));
    return {};
}

Result<void> MessageWriter::begin_if_needed() {
    if (!m_transaction)
        m_transaction.emplace(CAIRN_TRY(db::Transaction::begin(m_catalog->database())));
    return {};
}

Result<void> MessageWriter::roll_over_if_full() {
    bool store_full = (m_store.byte_limit > 0 && m_store_bytes + m_pack->size() >= m_store.byte_limit) ||
                      (m_store.message_limit > 0 && m_store_messages >= m_store.message_limit);
    bool pack_full = m_pack->size() >= m_options.pack_bytes;
    if (!store_full && !pack_full)
        return {};
    CAIRN_TRY_VOID(begin_if_needed());
    // The full pack is synced now; its final size is committed with this batch.
    CAIRN_TRY_VOID(m_pack->sync());
    CAIRN_TRY_VOID(m_catalog->set_pack_size(m_pack_id, m_pack->size(), true));
    m_store_bytes += m_pack->size();
    if (store_full) {
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
    } else {
        auto pack = CAIRN_TRY(m_catalog->insert_pack(m_store.number, m_pack->pack() + 1));
        m_pack_id = pack.id;
        m_pack = CAIRN_TRY(PackWriter::open(m_archive, m_store.number, pack.number, 0));
    }
    return {};
}

Result<BlobRow> MessageWriter::append_record(const PreparedRecord& record) {
    BlobRow row;
    row.keyed_hash = record.keyed_hash;
    row.store = m_store.number;
    row.pack = m_pack->pack();
    row.offset = m_pack->next_offset();
    row.content_size = record.content_size;
    std::string sealed;
    sealed.reserve(record.payload.size() + crypto::SealOverhead);
    crypto::aead_seal_append(m_keys.data, record.payload,
                             record_associated_data(record.keyed_hash, {row.store, row.pack, row.offset}), sealed);
    row.sealed_size = sealed.size();
    CAIRN_TRY_VOID(m_pack->append(sealed));
    row.id = CAIRN_TRY(m_catalog->insert_blob(row));
    m_pending_bytes += sealed.size();
    return row;
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

Result<AddOutcome> MessageWriter::add(PreparedMessage&& message, std::int64_t folder_id, const PlacementOrigin& origin) {
    CAIRN_TRY_VOID(begin_if_needed());
    std::optional<std::int64_t> message_id = CAIRN_TRY(m_catalog->find_message(message.keyed_hash));
    AddOutcome outcome = AddOutcome::AddedToFolder;
    if (!message_id) {
        if (message.known)
            return make_error(ErrorCode::Internal, "a message prepared as known is missing from the catalog");
        CAIRN_TRY_VOID(roll_over_if_full());
        std::vector<std::int64_t> part_ids;
        part_ids.reserve(message.parts.size());
        for (auto& part : message.parts) {
            auto existing = CAIRN_TRY(m_catalog->find_blob(part.keyed_hash));
            if (existing) {
                part_ids.push_back(existing->id);
                continue;
            }
            if (part.known)
                return make_error(ErrorCode::Internal, "a part prepared as known is missing from the catalog");
            part_ids.push_back(CAIRN_TRY(append_record(part)).id);
        }
        // Identical skeletons (the same message in another encoding of nothing else) are rare but
        // possible only for identical messages, which find_message already caught.
        auto skeleton = CAIRN_TRY(m_catalog->find_blob(message.skeleton.keyed_hash));
        std::int64_t skeleton_id = skeleton ? skeleton->id : CAIRN_TRY(append_record(message.skeleton)).id;
        Catalog::NewMessage row;
        row.keyed_hash = message.keyed_hash;
        row.size = message.size;
        row.skeleton_blob_id = skeleton_id;
        row.store = m_store.number;
        row.date = message.summary.date;
        row.from = message.summary.from;
        row.to = message.summary.to;
        row.subject = message.summary.subject;
        row.header_message_id = message.summary.message_id;
        message_id = CAIRN_TRY(m_catalog->insert_message(row));
        for (std::size_t position = 0; position < part_ids.size(); ++position)
            CAIRN_TRY_VOID(m_catalog->insert_message_part(*message_id, static_cast<std::uint32_t>(position),
                                                          part_ids[position]));
        ++m_store_messages;
        outcome = AddOutcome::Stored;
    }
    bool placed = CAIRN_TRY(m_catalog->insert_placement(
        {*message_id, folder_id, origin.flags, origin.received_time, origin.source_path, origin.source_offset}));
    if (!placed)
        return AddOutcome::AlreadyInFolder;
    ++m_pending_messages;
    return outcome;
}

Result<void> MessageWriter::mark_file_imported(const std::string& user, const std::string& folder,
                                               const std::string& path, std::uint64_t size, std::int64_t modified_ns) {
    return m_catalog->mark_file_imported(CAIRN_TRY(user_id(user)), folder, path, size, modified_ns);
}

Result<void> MessageWriter::commit() {
    if (!m_transaction)
        return {};
    // Order matters for crash safety: the records must be on disk before the catalog says so.
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

Result<std::string> MessageReader::read_record(const BlobRow& record) {
    auto sealed = CAIRN_TRY(m_packs.read(record.store, record.pack, record.offset, record.sealed_size));
    auto payload = crypto::aead_open(m_keys.data, sealed,
                                     record_associated_data(record.keyed_hash, {record.store, record.pack, record.offset}));
    if (!payload)
        return make_error(ErrorCode::Corrupt,
                          fmt::format("record at offset {} failed its integrity check (damaged or moved)", record.offset),
                          pack_path(".", record.store, record.pack).lexically_normal().string());
    auto content = decompress_record(*payload);
    if (!content)
        return make_error(ErrorCode::Corrupt, content.error().message,
                          pack_path(".", record.store, record.pack).lexically_normal().string());
    if (content->size() != record.content_size)
        return make_error(ErrorCode::Corrupt, fmt::format("record at offset {} has the wrong size", record.offset),
                          pack_path(".", record.store, record.pack).lexically_normal().string());
    return content;
}

Result<std::string> MessageReader::read(std::int64_t message_id) {
    auto records = CAIRN_TRY(m_catalog->message_records(message_id));
    auto skeleton = read_record(records.skeleton);
    if (!skeleton)
        return std::unexpected(skeleton.error());
    std::string_view in = *skeleton;
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
        std::string part = CAIRN_TRY(read_record(records.parts[*position]));
        if (kind == SegmentKind::Part) {
            message += part;
        } else if (kind == SegmentKind::Base64Part) {
            auto line_length = get_varint(in);
            auto flags = get_varint(in);
            if (!line_length || !flags)
                return std::unexpected(corrupt("damaged skeleton", message_id));
            mime::Base64Layout layout{static_cast<std::uint32_t>(*line_length), (*flags & 1) != 0, (*flags & 2) != 0};
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
