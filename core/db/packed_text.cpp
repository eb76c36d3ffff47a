// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/db/packed_text.h"

#include <sqlite3.h>
#include <zstd.h>

namespace cairn::db {
namespace {

// Below this, a zstd frame's header and the lost TEXT affinity are not worth it.
constexpr std::size_t SmallestPackedText = 256;
// Level 3: about 300 MB/s here, a small share of an import's time; higher levels gain little on
// plain text.
constexpr int CompressionLevel = 3;
constexpr unsigned long long LargestUnpackedText = 1ull << 30;

void unpack_text_function(sqlite3_context* context, int argument_count, sqlite3_value** arguments) {
    if (argument_count != 1) {
        sqlite3_result_error(context, "unpack_text takes one argument", -1);
        return;
    }
    sqlite3_value* value = arguments[0];
    if (sqlite3_value_type(value) != SQLITE_BLOB) {
        sqlite3_result_value(context, value);
        return;
    }
    const void* frame = sqlite3_value_blob(value);
    const auto frame_size = static_cast<std::size_t>(sqlite3_value_bytes(value));
    const unsigned long long size = frame ? ZSTD_getFrameContentSize(frame, frame_size) : ZSTD_CONTENTSIZE_ERROR;
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > LargestUnpackedText) {
        sqlite3_result_error_code(context, SQLITE_CORRUPT);
        return;
    }
    char* text = static_cast<char*>(sqlite3_malloc64(size + 1));
    if (text == nullptr) {
        sqlite3_result_error_nomem(context);
        return;
    }
    const std::size_t written = ZSTD_decompress(text, size, frame, frame_size);
    if (ZSTD_isError(written) || written != size) {
        sqlite3_free(text);
        sqlite3_result_error_code(context, SQLITE_CORRUPT);
        return;
    }
    sqlite3_result_text64(context, text, size, sqlite3_free, SQLITE_UTF8);
}

}  // namespace

PackedText pack_text(std::string_view text) {
    if (text.size() < SmallestPackedText)
        return {std::string(text), false};
    std::string frame(ZSTD_compressBound(text.size()), '\0');
    const std::size_t size = ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), CompressionLevel);
    // Not smaller by a tenth (already dense text, or an error): kept as it is.
    if (ZSTD_isError(size) || size > text.size() - text.size() / 10)
        return {std::string(text), false};
    frame.resize(size);
    return {std::move(frame), true};
}

void bind_packed_text(Statement& statement, int index, const PackedText& packed) {
    if (packed.compressed)
        statement.bind_blob(index, packed.bytes);
    else
        statement.bind(index, std::string_view(packed.bytes));
}

Result<void> register_unpack_text(Database& database) {
    if (sqlite3_create_function_v2(database.handle(), "unpack_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                   unpack_text_function, nullptr, nullptr, nullptr) != SQLITE_OK)
        return make_error(ErrorCode::Internal,
                          std::string("cannot register unpack_text: ") + sqlite3_errmsg(database.handle()),
                          database.path().string());
    return {};
}

}  // namespace cairn::db
