// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "core/base/result.h"

/// Packs: append-only container files of sealed records, about 8 MB each.
/// File layout: a 16-byte header ("CAIRNPK1", store number, pack number, little-endian u32),
/// then records, each a little-endian u32 length followed by that many sealed bytes.
namespace cairn::store {

inline constexpr std::uint64_t PackHeaderBytes = 16;
inline constexpr std::uint64_t RecordPrefixBytes = 4;

std::filesystem::path store_directory(const std::filesystem::path& archive, std::uint32_t store);

/// fsyncs a directory, so that the names of files created in it survive a power loss.
Result<void> sync_directory(const std::filesystem::path& directory);
std::filesystem::path pack_path(const std::filesystem::path& archive, std::uint32_t store, std::uint32_t pack);

/// Appends records to one pack. Not thread-safe: the archive's single writer owns it.
class PackWriter {
public:
    /// Opens the pack for appending, creating it if needed. Bytes past committed_size are what a
    /// crashed run appended without committing: they are cut off here.
    static Result<PackWriter> open(const std::filesystem::path& archive, std::uint32_t store, std::uint32_t pack,
                                   std::uint64_t committed_size);

    PackWriter(PackWriter&& other) noexcept;
    PackWriter& operator=(PackWriter&& other) noexcept;
    ~PackWriter();

    /// Reserves the next record's offset; the caller seals the record for that offset, then appends.
    std::uint64_t next_offset() const { return m_size; }
    /// Appends one sealed record at next_offset(). Buffered: durable only after sync().
    Result<void> append(std::string_view sealed_record);
    /// Writes the buffer and fdatasyncs the file. After success, size() bytes are durable.
    Result<void> sync();
    std::uint64_t size() const { return m_size; }
    std::uint32_t store() const { return m_store; }
    std::uint32_t pack() const { return m_pack; }

private:
    PackWriter(int descriptor, std::filesystem::path path, std::uint32_t store, std::uint32_t pack, std::uint64_t size)
        : m_descriptor(descriptor), m_path(std::move(path)), m_store(store), m_pack(pack), m_size(size) {}
    Result<void> flush();

    int m_descriptor = -1;
    std::filesystem::path m_path;
    std::uint32_t m_store = 0;
    std::uint32_t m_pack = 0;
    std::uint64_t m_size = 0;  ///< logical size, including the unwritten buffer
    std::string m_buffer;
};

/// Reads records by location; keeps pack files open. Not thread-safe; one per thread.
class PackReader {
public:
    explicit PackReader(std::filesystem::path archive) : m_archive(std::move(archive)) {}
    PackReader(PackReader&&) = default;
    ~PackReader();

    /// The sealed bytes of the record at offset (checking its length prefix equals sealed_size).
    Result<std::string> read(std::uint32_t store, std::uint32_t pack, std::uint64_t offset, std::uint64_t sealed_size);

private:
    Result<int> descriptor(std::uint32_t store, std::uint32_t pack);
    std::filesystem::path m_archive;
    std::map<std::pair<std::uint32_t, std::uint32_t>, int> m_descriptors;
};

}  // namespace cairn::store
