// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/input_estimate.h"

#include "core/sources/thunderbird/profile_layout.h"

namespace cairn::sources {
namespace {

namespace fs = std::filesystem;

std::uint64_t tree_bytes(const fs::path& directory);

std::uint64_t profile_bytes(const fs::path& profile) {
    Result<thunderbird::ProfileLayout> layout = thunderbird::read_profile_layout(profile);
    if (!layout)
        return 0;
    std::uint64_t total = 0;
    for (const thunderbird::Account& account : layout->accounts) {
        if (account.directory_exists)
            total += tree_bytes(account.directory);
    }
    return total;
}

std::uint64_t tree_bytes(const fs::path& directory) {
    std::uint64_t total = 0;
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(directory, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        std::error_code entry_error;
        if (it->is_directory(entry_error) && !it->is_symlink(entry_error) &&
            thunderbird::is_profile_directory(it->path())) {
            total += profile_bytes(it->path());
            it.disable_recursion_pending();
        } else if (it->is_regular_file(entry_error)) {
            total += it->file_size(entry_error);
        }
    }
    return total;
}

}  // namespace

std::uint64_t estimate_input_bytes(const fs::path& path) {
    std::error_code error;
    if (fs::is_regular_file(path, error))
        return fs::file_size(path, error);
    if (thunderbird::is_profile_directory(path))
        return profile_bytes(path);
    return tree_bytes(path);
}

}  // namespace cairn::sources
