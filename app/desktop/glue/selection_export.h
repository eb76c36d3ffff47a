// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/archive/archive.h"

namespace cairn::desktop {

/// Exports the chosen messages (not a whole user or folder, which is all Archive::export_messages
/// can select) through core's export writers: each message's exact bytes, under its first folder.
Result<ExportReport> export_selection(Archive& archive, const std::vector<std::int64_t>& message_ids,
                                      ExportFormat format, const std::filesystem::path& out,
                                      ProgressObserver* observer, const CancellationToken* cancel);

/// Writes BYTES to FILE_NAME in this program's temporary folder (for handing a message or an
/// attachment to another program); returns the path.
Result<std::filesystem::path> write_temporary_file(const std::string& file_name, std::string_view bytes);

/// Writes one message to a temporary .eml file (for "Open in mail client"); returns its path.
Result<std::filesystem::path> write_temporary_eml(Archive& archive, std::int64_t message_id);

}  // namespace cairn::desktop
