// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::sources::thunderbird {

/// The IMAP folder names Thunderbird keeps in a profile's folderCache.json. They name the
/// folders whose file names Thunderbird hashed (too long, or holding characters the disk
/// refuses: "Projects 2019 and the long tail 5e3a9c1f"), which the file name cannot give back.
class FolderNames {
public:
    /// Reads PROFILE/folderCache.json. A missing or damaged cache gives no names (folders are
    /// then named after their files): it is Thunderbird's cache, rebuilt at will, never a reason
    /// not to archive.
    static FolderNames read(const std::filesystem::path& profile);
    /// Parses folderCache.json text; PROFILE is where its entries are looked up from.
    static FolderNames parse(std::string_view json, const std::filesystem::path& profile);

    /// The name of the folder stored at PATH (an mbox file, a maildir-store directory or a
    /// "Name.sbd" directory) when its file name is a Thunderbird hash and the cache knows the
    /// folder's server name: the last level of that name, modified UTF-7 decoded.
    std::optional<std::string> hashed_folder_name(const std::filesystem::path& path) const;

private:
    /// "imap.example.com/INBOX.sbd/X.msf" (below ImapMail/) -> last level of the server name.
    std::map<std::string, std::string, std::less<>> m_names;
    std::filesystem::path m_imap_directory;
};

/// True when NAME ends the way Thunderbird's hashed file names do: 8 hexadecimal digits after
/// at least one other character, or exactly 8 of them.
bool looks_hashed(std::string_view name);

}  // namespace cairn::sources::thunderbird
