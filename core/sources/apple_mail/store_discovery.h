// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/sources/common/user_places.h"

namespace cairn::sources::apple_mail {

struct FoundMailAccount {
    std::string name;               ///< the account's directory name (Mail names them by UUID since V3)
    std::size_t mailbox_count = 0;  ///< "Name.mbox" directories in it, nested ones included
};

/// One of Apple Mail's stores, ~/Library/Mail/V<n>.
struct FoundMailStore {
    std::filesystem::path path;
    int version = 0;
    std::vector<FoundMailAccount> accounts;
};

/// Apple Mail's stores under PLACES.home/Library/Mail (V2 to V10 and later), newest first.
/// Looked for on macOS only, as Mail exists nowhere else; a copied ~/Library/Mail is imported
/// by path.
std::vector<FoundMailStore> find_apple_mail_stores(const UserPlaces& places);

}  // namespace cairn::sources::apple_mail
