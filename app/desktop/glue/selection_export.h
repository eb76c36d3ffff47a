// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/archive/archive.h"

namespace cairn::desktop {

/// Writes BYTES to FILE_NAME in this program's temporary folder (for handing a message or an
/// attachment to another program); returns the path.
Result<std::filesystem::path> write_temporary_file(const std::string& file_name, std::string_view bytes);

/// Writes one message to a temporary .eml file (for "Open in mail client"); returns its path.
Result<std::filesystem::path> write_temporary_eml(Archive& archive, std::int64_t message_id);

}  // namespace cairn::desktop
