// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/db/database.h"

namespace cairn::db {

/// Text kept compactly in an SQLite column: long text as a zstd frame in a BLOB, short text (or
/// text that does not shrink) as TEXT. The SQL function unpack_text(value), registered by
/// register_unpack_text, gives the text back either way, so a view can show the stored column
/// as plain text (the full-text index reads its content through such a view).
struct PackedText {
    std::string bytes;
    bool compressed = false;  ///< bind as a BLOB; otherwise as TEXT
};

PackedText pack_text(std::string_view text);

/// Binds PACKED at INDEX: as a BLOB when compressed, as TEXT otherwise.
void bind_packed_text(Statement& statement, int index, const PackedText& packed);

/// Registers unpack_text(value) on this connection: TEXT and NULL as they are, a BLOB
/// decompressed (an error for a BLOB that is not a zstd frame of at most 1 GiB).
Result<void> register_unpack_text(Database& database);

}  // namespace cairn::db
