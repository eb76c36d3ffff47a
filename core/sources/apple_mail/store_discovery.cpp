// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/apple_mail/store_discovery.h"

#include <algorithm>
#include <charconv>

#include "core/sources/apple_mail/mailbox_layout.h"
#include "core/sources/common/directory_listing.h"

namespace cairn::sources::apple_mail {
namespace {

namespace fs = std::filesystem;

std::size_t count_mailboxes(const fs::path& directory, int depth_left) {
    std::size_t count = 0;
    for (const fs::directory_entry& entry : sorted_directory_entries(directory)) {
        std::error_code error;
        if (!entry.is_directory(error) || entry.is_symlink(error))
            continue;
        const std::string name = entry.path().filename().string();
        if (is_mailbox_directory_name(name))
            ++count;
        // Mailboxes nest inside mailboxes; the storage directories below hold only messages.
        if (depth_left > 0 && !is_storage_directory_name(name))
            count += count_mailboxes(entry.path(), depth_left - 1);
    }
    return count;
}

}  // namespace

std::vector<FoundMailStore> find_apple_mail_stores(const UserPlaces& places) {
    std::vector<FoundMailStore> stores;
    if (places.system != HostSystem::MacOS || places.home.empty())
        return stores;
    for (const fs::directory_entry& entry : sorted_directory_entries(places.home / "Library" / "Mail")) {
        const std::string name = entry.path().filename().string();
        int version = 0;
        std::error_code error;
        if (name.size() < 2 || name[0] != 'V' || !entry.is_directory(error))
            continue;
        auto [end, parse_error] = std::from_chars(name.data() + 1, name.data() + name.size(), version);
        if (parse_error != std::errc() || end != name.data() + name.size() || version < 2)
            continue;
        FoundMailStore store;
        store.path = entry.path();
        store.version = version;
        for (const fs::directory_entry& account : sorted_directory_entries(entry.path())) {
            const std::string account_name = account.path().filename().string();
            if (!account.is_directory(error) || skipped_store_directory_reason(account_name) ||
                account_name.starts_with('.'))
                continue;
            store.accounts.push_back(FoundMailAccount{account_name, count_mailboxes(account.path(), 8)});
        }
        stores.push_back(std::move(store));
    }
    std::sort(stores.begin(), stores.end(),
              [](const FoundMailStore& left, const FoundMailStore& right) { return left.version > right.version; });
    return stores;
}

}  // namespace cairn::sources::apple_mail
