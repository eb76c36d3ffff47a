// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/base/result.h"

namespace cairn::sources {

/// A sequential source of bytes: a file on disk or a member of an archive being decompressed.
/// Readers pull chunks of about a MiB, so one virtual call per chunk costs nothing.
class ByteStream {
public:
    virtual ~ByteStream() = default;
    /// Reads up to buffer.size() bytes; 0 means the end of the stream. An error names the
    /// stream and the offset where reading failed.
    [[nodiscard]] virtual Result<std::size_t> read(std::span<char> buffer) = 0;
    /// Bytes delivered so far.
    virtual std::uint64_t position() const = 0;
};

}  // namespace cairn::sources
