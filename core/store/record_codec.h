// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/crypto/crypto.h"

/// How a block's content becomes the bytes in a pack: compress (zstd, the only zstd user),
/// then seal with AES-256-GCM bound to the block's identity.
namespace cairn::store {

/// Compresses content into a record payload (a codec byte, then the data). Stores it raw when
/// compression would not save anything. Thread-safe (a compression context per thread).
std::string compress_record(std::string_view content, int level);

/// Undoes compress_record. Corrupt when the payload is damaged.
Result<std::string> decompress_record(std::string_view payload);

/// The associated data that binds a sealed block to its archive and its id: a block cannot be
/// swapped with another one or carried into another archive unnoticed. Its place in a pack is
/// not bound, so compaction can move a block without re-encrypting it.
std::string block_associated_data(std::string_view archive_id, std::int64_t block_id);

}  // namespace cairn::store
