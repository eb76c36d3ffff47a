// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/common/directory_listing.h"

#include <algorithm>

namespace cairn::sources {

namespace fs = std::filesystem;

std::vector<fs::directory_entry> sorted_directory_entries(const fs::path& directory) {
    std::vector<fs::directory_entry> entries;
    std::error_code error;
    for (fs::directory_iterator it(directory, error); !error && it != fs::directory_iterator(); it.increment(error))
        entries.push_back(*it);
    std::sort(entries.begin(), entries.end(), [](const auto& left, const auto& right) {
        return left.path().filename().native() < right.path().filename().native();
    });
    return entries;
}

}  // namespace cairn::sources
