// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/glue/selection_export.h"

#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

namespace cairn::desktop {

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
