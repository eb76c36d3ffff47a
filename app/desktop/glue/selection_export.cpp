// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/glue/selection_export.h"

#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

namespace cairn::desktop {

Result<ExportReport> export_selection(Archive& archive, const std::vector<std::int64_t>& message_ids,
                                      ExportFormat format, const std::filesystem::path& out,
                                      ProgressObserver* observer, const CancellationToken* cancel) {
    auto writer = CAIRN_TRY(exporting::make_export_writer(format, out));
    ExportReport report;
    Progress progress;
    progress.total = message_ids.size();
    for (std::int64_t message_id : message_ids) {
        if (cancel && cancel->is_cancelled()) {
            report.cancelled = true;
            break;
        }
        const std::string item = fmt::format("message {}", message_id);
        progress.current = item;
        ListFilter filter;
        filter.message_id = message_id;
        filter.limit = 1;
        auto listings = archive.list(filter);
        auto bytes = archive.message_bytes(message_id);
        if (!listings || listings->empty() || !bytes) {
            const std::string reason = !listings ? listings.error().describe()
                                       : !bytes  ? bytes.error().describe()
                                                 : std::string("the archive no longer lists this message");
            report.failures.push_back({item, 0, reason});
            ++progress.failed;
        } else if (auto added = writer->add(listings->front(), *bytes); !added) {
            if (added.error().code == ErrorCode::NoSpace)
                return std::unexpected(added.error());
            report.failures.push_back({item, 0, added.error().describe()});
            ++progress.failed;
        } else {
            ++report.messages;
            report.bytes += bytes->size();
            progress.bytes_done += bytes->size();
        }
        ++progress.done;
        if (observer)
            observer->update(progress);
    }
    CAIRN_TRY_VOID(writer->finish());
    if (observer)
        observer->finish(progress);
    return report;
}

Result<std::filesystem::path> write_temporary_file(const std::string& file_name, std::string_view bytes) {
    std::error_code error;
    // A folder per process: two running copies must not overwrite each other's files.
    const auto directory = std::filesystem::temp_directory_path(error) / fmt::format("cairn-desktop-{}", ::getpid());
    std::filesystem::create_directories(directory, error);
    // Only the last part of a sender-chosen name: "../../.bashrc" must stay in the folder.
    auto name = std::filesystem::path(file_name).filename();
    if (name.empty() || name == "." || name == "..")
        name = "attachment";
    const auto path = directory / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush())
        return make_error(ErrorCode::Io, "cannot write a temporary file; is the disk full?", path.string());
    return path;
}

Result<std::filesystem::path> write_temporary_eml(Archive& archive, std::int64_t message_id) {
    const std::string bytes = CAIRN_TRY(archive.message_bytes(message_id));
    return write_temporary_file(fmt::format("message-{}.eml", message_id), bytes);
}

}  // namespace cairn::desktop
