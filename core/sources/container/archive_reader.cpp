// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/container/archive_reader.h"

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/core.h>

#include "core/sources/common/folder_path.h"
#include "core/sources/maildir/maildir_flags.h"

namespace cairn::sources::container {
namespace {

struct ArchiveCloser {
    void operator()(archive* handle) const { archive_read_free(handle); }
};
using ArchiveHandle = std::unique_ptr<archive, ArchiveCloser>;

std::string archive_error_text(archive* handle) {
    const char* text = archive_error_string(handle);
    return text != nullptr ? text : "unknown libarchive error";
}

/// Bytes of the archive file consumed so far (before decompression).
std::uint64_t compressed_position(archive* handle) {
    la_int64_t position = archive_filter_bytes(handle, -1);
    return position > 0 ? static_cast<std::uint64_t>(position) : 0;
}

/// One member's decompressed bytes.
class MemberStream final : public ByteStream {
public:
    MemberStream(archive* handle, std::string source_path) : m_handle(handle), m_source_path(std::move(source_path)) {}

    Result<std::size_t> read(std::span<char> buffer) override {
        la_ssize_t count = archive_read_data(m_handle, buffer.data(), buffer.size());
        if (count < 0)
            return make_error(ErrorCode::InvalidData,
                              fmt::format("archive damaged or truncated: {} (at archive byte {})",
                                          archive_error_text(m_handle), compressed_position(m_handle)),
                              fmt::format("{} at offset {}", m_source_path, m_position));
        m_position += static_cast<std::uint64_t>(count);
        return static_cast<std::size_t>(count);
    }
    std::uint64_t position() const override { return m_position; }

private:
    archive* m_handle;
    std::string m_source_path;
    std::uint64_t m_position = 0;
};

/// A member path split into directories and a file name; nullopt for paths that climb out
/// ("..") or name nothing.
struct MemberPath {
    std::vector<std::string> directories;
    std::string file_name;
};

std::optional<MemberPath> split_member_path(std::string_view path) {
    MemberPath split;
    std::vector<std::string> components;
    while (!path.empty()) {
        std::size_t slash = path.find('/');
        std::string_view component = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
        if (component.empty() || component == ".")
            continue;
        if (component == "..")
            return std::nullopt;
        components.emplace_back(component);
    }
    if (components.empty())
        return std::nullopt;
    split.file_name = std::move(components.back());
    components.pop_back();
    split.directories = std::move(components);
    return split;
}

/// The name a lone compressed file had before compression ("2007-May.txt.gz" -> "2007-May.txt").
std::string uncompressed_name(const std::filesystem::path& archive_path) {
    std::string name = archive_path.filename().string();
    constexpr std::array<std::string_view, 6> Suffixes{".gz", ".zst", ".xz", ".bz2", ".lz4", ".Z"};
    for (std::string_view suffix : Suffixes) {
        if (name.size() > suffix.size() && name.ends_with(suffix))
            return name.substr(0, name.size() - suffix.size());
    }
    return name;
}

}  // namespace

StreamOutcome read_archive(const std::filesystem::path& archive_path, const std::string& source_path,
                           const std::string& base_folder, const CancellationToken* cancel, MessageSink& sink) {
    ArchiveHandle handle(archive_read_new());
    if (!handle) {
        sink.on_failure(ItemFailure{source_path, 0, "cannot allocate an archive reader"});
        return StreamOutcome::ReadError;
    }
    archive_read_support_filter_all(handle.get());
    archive_read_support_format_all(handle.get());
    // A lone compressed mbox or message (no tar inside) is read as that one file.
    archive_read_support_format_raw(handle.get());
    if (archive_read_open_filename(handle.get(), archive_path.c_str(), ReadChunkSize) != ARCHIVE_OK) {
        std::uint64_t offset = compressed_position(handle.get());
        sink.on_failure(ItemFailure{source_path, offset,
                                    fmt::format("cannot open the archive (damaged or truncated at byte {}): {}", offset,
                                                archive_error_text(handle.get()))});
        return StreamOutcome::ReadError;
    }

    for (;;) {
        if (cancel != nullptr && cancel->is_cancelled())
            return StreamOutcome::Cancelled;
        archive_entry* entry = nullptr;
        int status = archive_read_next_header(handle.get(), &entry);
        if (status == ARCHIVE_EOF)
            break;
        if (status < ARCHIVE_WARN) {
            std::uint64_t offset = compressed_position(handle.get());
            sink.on_failure(ItemFailure{source_path, offset,
                                        fmt::format("archive damaged or truncated at byte {}: {}", offset,
                                                    archive_error_text(handle.get()))});
            return StreamOutcome::ReadError;
        }
        const bool is_raw = archive_format(handle.get()) == ARCHIVE_FORMAT_RAW;
        std::string member_name;
        if (is_raw) {
            member_name = uncompressed_name(archive_path);
        } else {
            const char* name = archive_entry_pathname_utf8(entry);
            if (name == nullptr)
                name = archive_entry_pathname(entry);
            member_name = name != nullptr ? name : "";
        }
        const std::string member_source = fmt::format("{}!{}", source_path, member_name);
        const mode_t type = archive_entry_filetype(entry);
        if (type == AE_IFDIR)
            continue;
        if (!is_raw && type != AE_IFREG) {
            sink.on_skipped(member_source, "not a regular file (link or device) in the archive");
            continue;
        }
        std::optional<MemberPath> path = split_member_path(member_name);
        if (!path) {
            sink.on_skipped(member_source, "a member path that leaves the archive or names nothing");
            continue;
        }
        std::optional<std::string> skip = skipped_file_reason(path->file_name);
        std::string folder = base_folder;
        for (const std::string& directory : path->directories) {
            if (!skip)
                skip = skipped_directory_reason(directory);
            folder = join_folder(folder, directory_folder_component(directory));
        }
        if (skip) {
            sink.on_skipped(member_source, *skip);
            continue;
        }

        StreamOrigin origin;
        origin.source_path = member_source;
        origin.file_name = path->file_name;
        origin.folder = folder;
        const bool in_maildir =
            !path->directories.empty() && maildir::is_message_directory_name(path->directories.back());
        if (in_maildir) {
            origin.mbox_folder = folder;
            origin.flags = maildir::flags_from_file_name(path->file_name);
            if (archive_entry_mtime_is_set(entry))
                origin.received_time = archive_entry_mtime(entry);
        } else {
            // A single compressed file given as the import path keeps the folder it was given.
            origin.mbox_folder = is_raw ? base_folder : join_folder(folder, mbox_folder_component(path->file_name));
        }
        MemberStream stream(handle.get(), member_source);
        StreamOutcome outcome = read_mail_stream(stream, origin, ArchivePolicy::Refuse, cancel, sink);
        switch (outcome) {
        case StreamOutcome::Completed:
        case StreamOutcome::Refused:
            break;  // the next header skips what is left of the member
        case StreamOutcome::ReadError:
        case StreamOutcome::Stopped:
        case StreamOutcome::Cancelled:
            return outcome;
        case StreamOutcome::IsArchive:
            break;  // not returned with ArchivePolicy::Refuse
        }
    }
    return StreamOutcome::Completed;
}

}  // namespace cairn::sources::container
