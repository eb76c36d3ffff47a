// SPDX-License-Identifier: GPL-3.0-or-later
#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>

#include "core/extract/extractors.h"
#include "core/mime/charset.h"

namespace cairn::extract {
namespace {

// Names only, so even a huge listing is small; this bounds the time spent in tar headers of a
// hostile archive of millions of empty members.
constexpr int MaxMembers = 100'000;

}  // namespace

Result<void> extract_archive_names(std::string_view data, TextSink& sink) {
    std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(), archive_read_free);
    if (!reader)
        return make_error(ErrorCode::Internal, "cannot create an archive reader");
    archive_read_support_format_zip(reader.get());
    archive_read_support_format_tar(reader.get());
    archive_read_support_format_gnutar(reader.get());
    archive_read_support_filter_gzip(reader.get());
    archive_read_support_filter_bzip2(reader.get());
    archive_read_support_filter_xz(reader.get());
    archive_read_support_filter_zstd(reader.get());
    if (archive_read_open_memory(reader.get(), data.data(), data.size()) != ARCHIVE_OK)
        return make_error(ErrorCode::InvalidData, "not a zip or tar archive");

    int member_count = 0;
    archive_entry* entry = nullptr;
    while (member_count < MaxMembers && !sink.full()) {
        const int status = archive_read_next_header(reader.get(), &entry);
        if (status == ARCHIVE_EOF)
            break;
        if (status < ARCHIVE_WARN) {
            // The names read before the damage are still worth indexing.
            if (member_count > 0)
                break;
            const char* reason = archive_error_string(reader.get());
            return make_error(ErrorCode::InvalidData, std::string("damaged archive: ") + (reason ? reason : "unknown error"));
        }
        ++member_count;
        // Zip names without the UTF-8 flag are in a legacy code page; tar names are bytes.
        const char* name = archive_entry_pathname_utf8(entry);
        std::string utf8_name = name != nullptr ? make_valid_utf8(name) : std::string();
        if (name == nullptr)
            if (const char* raw_name = archive_entry_pathname(entry))
                utf8_name = mime::raw_bytes_to_utf8(raw_name);
        if (!utf8_name.empty()) {
            sink.append(utf8_name);
            sink.append("\n");
        }
        archive_read_data_skip(reader.get());
    }
    return {};
}

}  // namespace cairn::extract
