// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/common/file_stream.h"

#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

namespace cairn::sources {

Result<FileStream> FileStream::open(const std::filesystem::path& path) {
    int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (descriptor < 0)
        return make_errno_error(errno, "cannot open file", path.string());
    // Mail files are read once, front to back.
    (void)::posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL);
    return FileStream(descriptor, path.string());
}

FileStream::FileStream(FileStream&& other) noexcept
    : m_descriptor(std::exchange(other.m_descriptor, -1)),
      m_path(std::move(other.m_path)),
      m_position(other.m_position) {}

FileStream& FileStream::operator=(FileStream&& other) noexcept {
    if (this != &other) {
        if (m_descriptor >= 0)
            ::close(m_descriptor);
        m_descriptor = std::exchange(other.m_descriptor, -1);
        m_path = std::move(other.m_path);
        m_position = other.m_position;
    }
    return *this;
}

FileStream::~FileStream() {
    if (m_descriptor >= 0)
        ::close(m_descriptor);
}

Result<std::size_t> FileStream::read(std::span<char> buffer) {
    for (;;) {
        ssize_t count = ::read(m_descriptor, buffer.data(), buffer.size());
        if (count >= 0) {
            m_position += static_cast<std::uint64_t>(count);
            return static_cast<std::size_t>(count);
        }
        if (errno != EINTR)
            return make_errno_error(errno, "cannot read file",
                                    fmt::format("{} at offset {}", m_path, m_position));
    }
}

}  // namespace cairn::sources
