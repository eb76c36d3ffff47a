// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/outlook/data_file_discovery.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>
#include <set>
#include <string_view>

#include "core/sources/common/directory_listing.h"

namespace cairn::sources::outlook {
namespace {

namespace fs = std::filesystem;

std::string lower_ascii(std::string_view text) {
    std::string lower(text);
    for (char& character : lower) {
        if (character >= 'A' && character <= 'Z')
            character = static_cast<char>(character - 'A' + 'a');
    }
    return lower;
}

/// DIRECTORY/NAME where NAME matches without regard to case, if that directory exists.
std::optional<fs::path> child_directory(const fs::path& directory, std::string_view name) {
    const std::string wanted = lower_ascii(name);
    for (const fs::directory_entry& entry : sorted_directory_entries(directory)) {
        std::error_code error;
        if (entry.is_directory(error) && lower_ascii(entry.path().filename().string()) == wanted)
            return entry.path();
    }
    return std::nullopt;
}

std::optional<fs::path> descend(fs::path directory, std::initializer_list<std::string_view> names) {
    for (std::string_view name : names) {
        std::optional<fs::path> child = child_directory(directory, name);
        if (!child)
            return std::nullopt;
        directory = std::move(*child);
    }
    return directory;
}

void collect_data_files(const fs::path& directory, int depth_left, const std::string& windows_user,
                        std::vector<FoundDataFile>& found) {
    for (const fs::directory_entry& entry : sorted_directory_entries(directory)) {
        std::error_code error;
        const std::string name = lower_ascii(entry.path().filename().string());
        if (entry.is_directory(error)) {
            if (depth_left > 0 && !entry.is_symlink(error))
                collect_data_files(entry.path(), depth_left - 1, windows_user, found);
        } else if (entry.is_regular_file(error) && (name.ends_with(".pst") || name.ends_with(".ost"))) {
            FoundDataFile file;
            file.path = entry.path();
            file.kind = name.substr(name.size() - 3);
            file.size = entry.file_size(error);
            file.windows_user = windows_user;
            found.push_back(std::move(file));
        }
    }
}

}  // namespace

std::vector<FoundDataFile> find_in_user_profile(const fs::path& user_profile, const std::string& windows_user) {
    const std::array<std::initializer_list<std::string_view>, 6> Places{{
        {"AppData", "Local", "Microsoft", "Outlook"},
        {"AppData", "Roaming", "Microsoft", "Outlook"},
        {"Documents", "Outlook Files"},
        {"My Documents", "Outlook Files"},
        {"OneDrive", "Documents", "Outlook Files"},
        {"Local Settings", "Application Data", "Microsoft", "Outlook"},
    }};
    std::vector<FoundDataFile> found;
    std::set<fs::path> searched;
    for (const auto& place : Places) {
        std::optional<fs::path> directory = descend(user_profile, place);
        // "Documents" and "My Documents" can be the same directory through a junction.
        std::error_code error;
        if (directory && searched.insert(fs::weakly_canonical(*directory, error)).second)
            collect_data_files(*directory, 2, windows_user, found);
    }
    return found;
}

std::vector<FoundDataFile> find_on_windows_disk(const fs::path& windows_root) {
    std::vector<FoundDataFile> found;
    for (std::string_view users_directory : {"Users", "Documents and Settings"}) {
        std::optional<fs::path> users = child_directory(windows_root, users_directory);
        if (!users)
            continue;
        for (const fs::directory_entry& entry : sorted_directory_entries(*users)) {
            std::error_code error;
            if (!entry.is_directory(error) || entry.is_symlink(error))
                continue;
            std::vector<FoundDataFile> files = find_in_user_profile(entry.path(), entry.path().filename().string());
            found.insert(found.end(), files.begin(), files.end());
        }
    }
    return found;
}

std::vector<FoundDataFile> find_outlook_data_files(const UserPlaces& places,
                                                   const std::vector<fs::path>& windows_roots) {
    std::vector<FoundDataFile> found;
    auto add = [&found](std::vector<FoundDataFile> files) { found.insert(found.end(), files.begin(), files.end()); };
    if (places.system == HostSystem::Windows) {
        if (!places.home.empty())
            add(find_in_user_profile(places.home));
    } else if (places.system == HostSystem::Linux && !places.home.empty()) {
        std::vector<fs::path> prefixes{places.home / ".wine"};
        // winetricks keeps one prefix per program there.
        for (const fs::directory_entry& entry : sorted_directory_entries(places.home / ".local/share/wineprefixes"))
            prefixes.push_back(entry.path());
        for (const fs::path& prefix : prefixes)
            add(find_on_windows_disk(prefix / "drive_c"));
    }
    for (const fs::path& root : windows_roots)
        add(find_on_windows_disk(root));

    std::vector<FoundDataFile> unique;
    std::set<fs::path> seen;
    for (FoundDataFile& file : found) {
        std::error_code error;
        if (seen.insert(fs::weakly_canonical(file.path, error)).second)
            unique.push_back(std::move(file));
    }
    return unique;
}

}  // namespace cairn::sources::outlook
