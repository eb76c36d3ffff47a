// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/common/directory_listing.h"

#include <algorithm>

namespace cairn::sources {

std::vector<std::filesystem::directory_entry> sorted_directory_entries(const std::filesystem::path& directory) {
    std::vector<std::filesystem::directory_entry> entries;
    std::error_code error;
    for (std::filesystem::directory_iterator it(directory, error); !error && it != std::filesystem::directory_iterator();
         it.increment(error))
        entries.push_back(*it);
    std::sort(entries.begin(), entries.end(), [](const auto& left, const auto& right) {
        return left.path().filename().native() < right.path().filename().native();
    });
    return entries;
}

}  // namespace cairn::sources
