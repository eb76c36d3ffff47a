// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/input_estimate.h"

#include "core/sources/common/directory_listing.h"
#include "core/sources/thunderbird/profile_layout.h"

namespace cairn::sources {
namespace {

namespace fs = std::filesystem;

std::uint64_t tree_bytes(const fs::path& directory, bool in_installation);

std::uint64_t profile_bytes(const fs::path& profile) {
    Result<thunderbird::ProfileLayout> layout = thunderbird::read_profile_layout(profile);
    if (!layout)
        return 0;
    std::uint64_t total = 0;
    for (const thunderbird::Account& account : layout->accounts) {
        if (account.directory_exists)
            total += tree_bytes(account.directory, false);
    }
    return total;
}

std::uint64_t tree_bytes(const fs::path& directory, bool in_installation) {
    // As read_mail_path reads them: below a profiles.ini only the profiles hold mail.
    const bool installation = in_installation || thunderbird::is_installation_directory(directory);
    std::uint64_t total = 0;
    for (const fs::directory_entry& entry : sorted_directory_entries(directory)) {
        std::error_code error;
        if (entry.is_directory(error) && !entry.is_symlink(error)) {
            total += thunderbird::is_profile_directory(entry.path()) ? profile_bytes(entry.path())
                                                                      : tree_bytes(entry.path(), installation);
        } else if (!installation && entry.is_regular_file(error)) {
            total += entry.file_size(error);
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
    return tree_bytes(path, false);
}

}  // namespace cairn::sources
