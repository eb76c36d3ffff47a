// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <vector>

namespace cairn::sources {

/// The entries of DIRECTORY sorted by name (bytewise), for a stable order on every file system.
/// A directory that cannot be listed (missing, no permission) gives what could be read, or
/// nothing: discovery looks in places that often do not exist.
std::vector<std::filesystem::directory_entry> sorted_directory_entries(const std::filesystem::path& directory);

}  // namespace cairn::sources
