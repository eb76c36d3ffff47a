// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/thunderbird/profile_layout.h"

#include <algorithm>
#include <array>
#include <set>

#include "core/sources/common/directory_listing.h"
#include "core/sources/common/folder_path.h"
#include "core/sources/common/modified_utf7.h"
#include "core/sources/thunderbird/prefs_file.h"

namespace cairn::sources::thunderbird {
namespace {

namespace fs = std::filesystem;

bool exists_as_directory(const fs::path& path) {
    std::error_code error;
    return fs::is_directory(path, error);
}

/// "[ProfD]ImapMail/imap.example.com" -> PROFILE/ImapMail/imap.example.com.
std::optional<fs::path> resolve_relative_directory(const fs::path& profile, std::string_view relative) {
    constexpr std::string_view ProfileMarker = "[ProfD]";
    if (!relative.starts_with(ProfileMarker))
        return std::nullopt;
    relative.remove_prefix(ProfileMarker.size());
    return (profile / fs::path(std::string(relative))).lexically_normal();
}

/// The server keys in the order Thunderbird lists their accounts.
std::vector<std::string> ordered_server_keys(const Preferences& preferences) {
    std::vector<std::string> keys;
    auto add = [&keys](const std::string& key) {
        if (!key.empty() && std::find(keys.begin(), keys.end(), key) == keys.end())
            keys.push_back(key);
    };
    std::string accounts = preference(preferences, "mail.accountmanager.accounts");
    std::size_t start = 0;
    while (start <= accounts.size()) {
        std::size_t comma = accounts.find(',', start);
        std::string account = accounts.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        account.erase(0, account.find_first_not_of(' '));
        if (!account.empty())
            add(preference(preferences, "mail.account." + account + ".server"));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    // Servers no account lists (a deferred POP server, a half-removed account) keep their order.
    constexpr std::string_view Prefix = "mail.server.";
    std::vector<std::pair<int, std::string>> others;
    for (const auto& [name, value] : preferences) {
        if (!name.starts_with(Prefix))
            continue;
        std::string_view rest = std::string_view(name).substr(Prefix.size());
        std::size_t dot = rest.find('.');
        if (dot == std::string_view::npos || !rest.starts_with("server"))
            continue;
        std::string key(rest.substr(0, dot));
        int number = 0;
        for (char digit : key.substr(6))
            number = (digit >= '0' && digit <= '9') ? number * 10 + (digit - '0') : number;
        others.emplace_back(number, key);
    }
    std::sort(others.begin(), others.end());
    for (const auto& [number, key] : others)
        add(key);
    return keys;
}

fs::path account_directory(const fs::path& profile, const Preferences& preferences, const std::string& base,
                           const std::string& type, const std::string& hostname) {
    if (auto relative = resolve_relative_directory(profile, preference(preferences, base + ".directory-rel"));
        relative && exists_as_directory(*relative))
        return *relative;
    // An absolute directory may come from another machine; it counts only where it exists.
    if (std::string absolute = preference(preferences, base + ".directory");
        !absolute.empty() && exists_as_directory(absolute))
        return fs::path(absolute).lexically_normal();
    if (auto relative = resolve_relative_directory(profile, preference(preferences, base + ".directory-rel")))
        return *relative;
    if (type == "none")
        return profile / "Mail" / "Local Folders";
    return profile / (type == "imap" ? "ImapMail" : "Mail") / (hostname.empty() ? std::string("unknown") : hostname);
}

std::string unique_name(const std::string& wanted, const std::set<std::string>& taken, const std::string& hint) {
    if (!taken.contains(wanted))
        return wanted;
    std::string with_hint = wanted + " (" + hint + ")";
    for (int number = 2; taken.contains(with_hint); ++number)
        with_hint = wanted + " (" + hint + " " + std::to_string(number) + ")";
    return with_hint;
}

void collect_folders(const fs::path& directory, const std::string& parent, std::vector<std::string>& folders) {
    for (const fs::directory_entry& entry : sorted_directory_entries(directory)) {
        const std::string name = entry.path().filename().string();
        std::error_code error;
        if (entry.is_directory(error)) {
            if (entry.is_symlink(error) || skipped_account_directory_reason(name))
                continue;
            const std::string folder = join_folder(parent, folder_display_name(name));
            if (name.ends_with(".sbd")) {
                collect_folders(entry.path(), folder, folders);
            } else if (exists_as_directory(entry.path() / "cur") || exists_as_directory(entry.path() / "new")) {
                folders.push_back(folder);
            }
        } else if (entry.is_regular_file(error) && !skipped_account_file_reason(name)) {
            folders.push_back(join_folder(parent, folder_display_name(name)));
        }
    }
}

}  // namespace

bool is_installation_directory(const fs::path& directory) {
    std::error_code error;
    return fs::is_regular_file(directory / "profiles.ini", error);
}

bool is_profile_directory(const fs::path& directory) {
    std::error_code error;
    return fs::is_regular_file(directory / "prefs.js", error) &&
           (exists_as_directory(directory / "Mail") || exists_as_directory(directory / "ImapMail"));
}

std::optional<fs::path> profile_holding(const fs::path& directory) {
    // The parent of a relative "x.eml" is "", which fs::absolute refuses: it means here.
    fs::path normal = fs::absolute(directory.empty() ? fs::path(".") : directory).lexically_normal();
    if (!normal.has_filename())
        normal = normal.parent_path();
    for (fs::path store = normal; store.has_filename(); store = store.parent_path()) {
        const fs::path name = store.filename();
        if ((name == "Mail" || name == "ImapMail" || name == "News") && is_profile_directory(store.parent_path()))
            return store.parent_path();
    }
    return std::nullopt;
}

Result<ProfileLayout> read_profile_layout(const fs::path& profile) {
    const Preferences preferences = CAIRN_TRY(read_preferences(profile / "prefs.js"));
    ProfileLayout layout;
    layout.profile = profile;
    std::set<std::string> taken_names;
    std::set<fs::path> used_directories;
    for (const std::string& key : ordered_server_keys(preferences)) {
        const std::string base = "mail.server." + key;
        Account account;
        account.server_key = key;
        account.type = preference(preferences, base + ".type");
        account.hostname = preference(preferences, base + ".hostname");
        account.directory = account_directory(profile, preferences, base, account.type, account.hostname);
        // Two servers on one directory (an account deferred to Local Folders, a duplicated
        // server entry) hold the same folders: they are read once, under the first name.
        if (used_directories.contains(account.directory.lexically_normal()))
            continue;
        account.directory_exists = exists_as_directory(account.directory);
        if (preference(preferences, base + ".storeContractID").find("maildirstore") != std::string::npos)
            account.store = MailStore::Maildir;
        std::string name = preference(preferences, base + ".name");
        if (name.empty())
            name = account.type == "none" ? "Local Folders" : account.hostname;
        if (name.empty())
            name = account.directory.filename().string();
        // '/' separates archive folders; an account name holding one must stay one folder.
        std::replace(name.begin(), name.end(), '/', '_');
        account.name = unique_name(name, taken_names, account.hostname.empty() ? key : account.hostname);
        taken_names.insert(account.name);
        used_directories.insert(account.directory.lexically_normal());
        layout.accounts.push_back(std::move(account));
    }
    for (const char* store_name : {"Mail", "ImapMail"}) {
        for (const fs::directory_entry& entry : sorted_directory_entries(profile / store_name)) {
            std::error_code error;
            if (!entry.is_directory(error) || entry.is_symlink(error))
                continue;
            const fs::path directory = entry.path().lexically_normal();
            if (used_directories.contains(directory))
                continue;
            Account account;
            account.directory = directory;
            account.directory_exists = true;
            account.name = unique_name(directory.filename().string(), taken_names, store_name);
            taken_names.insert(account.name);
            layout.accounts.push_back(std::move(account));
        }
    }
    return layout;
}

std::optional<std::string> skipped_account_file_reason(std::string_view name) {
    if (std::optional<std::string> generic = skipped_file_reason(name))
        return generic;
    if (name.starts_with("nstmp"))
        return "a Thunderbird compaction temporary (nstmp)";
    struct Suffix {
        std::string_view suffix;
        std::string_view why;
    };
    constexpr std::array<Suffix, 8> Suffixes{{
        {".html", "a Thunderbird filter log"},
        {".htm", "a Thunderbird filter log"},
        {".log", "a log file"},
        {".rdf", "a Thunderbird settings file (.rdf)"},
        {".js", "a Thunderbird settings file (.js)"},
        {".bak", "a backup of a Thunderbird settings file"},
        {".txt", "a text file, not a Thunderbird folder"},
        {".mab", "a Thunderbird address book"},
    }};
    for (const Suffix& suffix : Suffixes) {
        if (name.ends_with(suffix.suffix))
            return std::string(suffix.why);
    }
    return std::nullopt;
}

std::optional<std::string> skipped_account_directory_reason(std::string_view name) {
    if (std::optional<std::string> generic = skipped_directory_reason(name))
        return generic;
    if (name.starts_with('.'))
        return "a hidden directory";
    return std::nullopt;
}

std::string folder_display_name(std::string_view on_disk_name) {
    if (on_disk_name.size() > 4 && on_disk_name.ends_with(".sbd"))
        on_disk_name.remove_suffix(4);
    return display_mailbox_name(on_disk_name);
}

std::vector<std::string> list_account_folders(const fs::path& directory) {
    std::vector<std::string> folders;
    collect_folders(directory, "", folders);
    std::sort(folders.begin(), folders.end());
    folders.erase(std::unique(folders.begin(), folders.end()), folders.end());
    return folders;
}

}  // namespace cairn::sources::thunderbird
