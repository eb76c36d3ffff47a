// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/pack_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

namespace cairn::store {
namespace {

constexpr char PackMagic[8] = {'C', 'A', 'I', 'R', 'N', 'P', 'K', '1'};
constexpr std::size_t WriteBufferBytes = 1 << 20;

void put_u32(std::string& out, std::uint32_t value) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint32_t get_u32(const char* in) {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i)
        value |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    return value;
}

Result<void> write_all(int descriptor, std::string_view bytes, const std::filesystem::path& path) {
    while (!bytes.empty()) {
        ssize_t written = ::write(descriptor, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return make_errno_error(errno, "cannot write to the pack", path.string());
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return {};
}

}  // namespace

Result<void> sync_directory(const std::filesystem::path& directory) {
    int descriptor = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (descriptor < 0)
        return make_errno_error(errno, "cannot open directory", directory.string());
    int status = ::fsync(descriptor);
    int error_number = errno;
    ::close(descriptor);
    if (status != 0)
        return make_errno_error(error_number, "cannot sync directory", directory.string());
    return {};
}

std::filesystem::path store_directory(const std::filesystem::path& archive, std::uint32_t store) {
    return archive / "stores" / fmt::format("{:04}", store);
}

std::filesystem::path pack_path(const std::filesystem::path& archive, std::uint32_t store, std::uint32_t pack) {
    return store_directory(archive, store) / "c" / fmt::format("{:06}.pack", pack);
}

Result<PackWriter> PackWriter::open(const std::filesystem::path& archive, std::uint32_t store, std::uint32_t pack,
                                    std::uint64_t committed_size) {
    auto path = pack_path(archive, store, pack);
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error)
        return make_error(ErrorCode::Io, fmt::format("cannot create the pack directory: {}", error.message()),
                          path.parent_path().string());
    bool is_new = !std::filesystem::exists(path, error);
    int descriptor = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (descriptor < 0)
        return make_errno_error(errno, "cannot open the pack", path.string());
    PackWriter writer(descriptor, path, store, pack, 0);
    if (committed_size < PackHeaderBytes) {
        // A new pack, or one whose header never committed: start it over.
        if (::ftruncate(descriptor, 0) != 0)
            return make_errno_error(errno, "cannot reset the pack", path.string());
        std::string header(PackMagic, sizeof PackMagic);
        put_u32(header, store);
        put_u32(header, pack);
        CAIRN_TRY_VOID(write_all(descriptor, header, path));
        writer.m_size = PackHeaderBytes;
        if (is_new) {
            // The new file's name, and the directories above it that may be new too, must be
            // durable before the catalog names this pack.
            CAIRN_TRY_VOID(writer.sync());
            CAIRN_TRY_VOID(sync_directory(path.parent_path()));
            CAIRN_TRY_VOID(sync_directory(path.parent_path().parent_path()));
            CAIRN_TRY_VOID(sync_directory(path.parent_path().parent_path().parent_path()));
            CAIRN_TRY_VOID(sync_directory(archive));
        }
        return writer;
    }
    struct stat status {};
    if (::fstat(descriptor, &status) != 0)
        return make_errno_error(errno, "cannot stat the pack", path.string());
    if (static_cast<std::uint64_t>(status.st_size) < committed_size)
        return make_error(ErrorCode::Corrupt,
                          fmt::format("the pack is shorter ({} bytes) than the catalog says ({} bytes); "
                                      "run `cairn verify` to see which messages are affected",
                                      status.st_size, committed_size),
                          path.string());
    if (static_cast<std::uint64_t>(status.st_size) > committed_size) {
        // The uncommitted tail of an interrupted run: nothing in the catalog points there.
        if (::ftruncate(descriptor, static_cast<off_t>(committed_size)) != 0)
            return make_errno_error(errno, "cannot cut the uncommitted tail of the pack", path.string());
    }
    if (::lseek(descriptor, static_cast<off_t>(committed_size), SEEK_SET) < 0)
        return make_errno_error(errno, "cannot seek in the pack", path.string());
    writer.m_size = committed_size;
    return writer;
}

PackWriter::PackWriter(PackWriter&& other) noexcept
    : m_descriptor(other.m_descriptor), m_path(std::move(other.m_path)), m_store(other.m_store),
      m_pack(other.m_pack), m_size(other.m_size), m_buffer(std::move(other.m_buffer)) {
    other.m_descriptor = -1;
}

PackWriter& PackWriter::operator=(PackWriter&& other) noexcept {
    if (this != &other) {
        if (m_descriptor >= 0)
            ::close(m_descriptor);
        m_descriptor = other.m_descriptor;
        m_path = std::move(other.m_path);
        m_store = other.m_store;
        m_pack = other.m_pack;
        m_size = other.m_size;
        m_buffer = std::move(other.m_buffer);
        other.m_descriptor = -1;
    }
    return *this;
}

PackWriter::~PackWriter() {
    // Unsynced bytes are deliberately dropped: they are uncommitted and will be cut on the next open.
    if (m_descriptor >= 0)
        ::close(m_descriptor);
}

Result<void> PackWriter::append(std::string_view sealed_record) {
    if (sealed_record.size() > 0xffffffffu)
        return make_error(ErrorCode::LimitExceeded, "record too large for a pack", m_path.string());
    put_u32(m_buffer, static_cast<std::uint32_t>(sealed_record.size()));
    m_buffer.append(sealed_record);
    m_size += RecordPrefixBytes + sealed_record.size();
    if (m_buffer.size() >= WriteBufferBytes)
        return flush();
    return {};
}

Result<void> PackWriter::flush() {
    if (m_buffer.empty())
        return {};
    auto written = write_all(m_descriptor, m_buffer, m_path);
    m_buffer.clear();
    return written;
}

Result<void> PackWriter::sync() {
    CAIRN_TRY_VOID(flush());
    if (::fdatasync(m_descriptor) != 0)
        return make_errno_error(errno, "cannot sync the pack to disk", m_path.string());
    return {};
}

PackReader::~PackReader() {
    for (auto& [key, descriptor] : m_descriptors)
        ::close(descriptor);
}

Result<int> PackReader::descriptor(std::uint32_t store, std::uint32_t pack) {
    auto key = std::make_pair(store, pack);
    if (auto found = m_descriptors.find(key); found != m_descriptors.end())
        return found->second;
    auto path = pack_path(m_archive, store, pack);
    int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0)
        return make_errno_error(errno, "cannot open the pack", path.string());
    if (m_descriptors.size() > 64) {
        for (auto& [old_key, old_descriptor] : m_descriptors)
            ::close(old_descriptor);
        m_descriptors.clear();
    }
    m_descriptors.emplace(key, descriptor);
    return descriptor;
}

Result<std::string> PackReader::read(std::uint32_t store, std::uint32_t pack, std::uint64_t offset,
                                     std::uint64_t sealed_size) {
    int file = CAIRN_TRY(descriptor(store, pack));
    std::string buffer(RecordPrefixBytes + sealed_size, '\0');
    std::size_t done = 0;
    while (done < buffer.size()) {
        ssize_t n = ::pread(file, buffer.data() + done, buffer.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return make_errno_error(errno, "cannot read the pack", pack_path(m_archive, store, pack).string());
        }
        if (n == 0)
            return make_error(ErrorCode::Corrupt,
                              fmt::format("the pack ends before the record at offset {}", offset),
                              pack_path(m_archive, store, pack).string());
        done += static_cast<std::size_t>(n);
    }
    if (get_u32(buffer.data()) != sealed_size)
        return make_error(ErrorCode::Corrupt, fmt::format("damaged record length at offset {}", offset),
                          pack_path(m_archive, store, pack).string());
    buffer.erase(0, RecordPrefixBytes);
    return buffer;
}

}  // namespace cairn::store
