// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/crypto/crypto.h"

/// How a record's content becomes the bytes in a pack: compress (zstd, the only zstd user),
/// then seal with AES-256-GCM bound to the record's identity and place.
namespace cairn::store {

/// Where a record lives; sealed into its authentication tag so it cannot be moved or swapped.
struct RecordLocation {
    std::uint32_t store = 0;
    std::uint32_t pack = 0;
    std::uint64_t offset = 0;
};

/// Compresses content into a record payload (a codec byte, then the data). Stores it raw when
/// compression would not save anything. Thread-safe (a compression context per thread).
std::string compress_record(std::string_view content, int level);

/// Undoes compress_record. Corrupt when the payload is damaged.
Result<std::string> decompress_record(std::string_view payload);

/// The associated data that binds a sealed record to its identity and location.
std::string record_associated_data(const crypto::Digest& keyed_hash, const RecordLocation& location);

}  // namespace cairn::store
