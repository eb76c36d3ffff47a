// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string>

#include "core/sources/common/byte_stream.h"

namespace cairn::sources {

/// A regular file read sequentially with read(2). Owns the descriptor.
class FileStream final : public ByteStream {
public:
    /// Opens PATH for reading; the error says why (NotFound, PermissionDenied, Io).
    [[nodiscard]] static Result<FileStream> open(const std::filesystem::path& path);

    FileStream(FileStream&& other) noexcept;
    FileStream& operator=(FileStream&& other) noexcept;
    FileStream(const FileStream&) = delete;
    FileStream& operator=(const FileStream&) = delete;
    ~FileStream() override;

    [[nodiscard]] Result<std::size_t> read(std::span<char> buffer) override;
    std::uint64_t position() const override { return m_position; }

private:
    FileStream(int descriptor, std::string path) : m_descriptor(descriptor), m_path(std::move(path)) {}

    int m_descriptor = -1;
    std::string m_path;
    std::uint64_t m_position = 0;
};

}  // namespace cairn::sources
