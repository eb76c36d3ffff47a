// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::sources {

/// Whose conventions a directory tree follows; they decide which entries are folders, which
/// are mail and how folders are named.
enum class TreeKind {
    Plain,               ///< any tree: Maildir(++), mbox files, .eml, Thunderbird and Mail leftovers
    ThunderbirdAccount,  ///< inside an account directory of a Thunderbird profile
    AppleMailbox,        ///< inside an Apple Mail "Name.mbox" directory
    /// A directory with a profiles.ini (~/.thunderbird) and those below it that are not
    /// profiles: only the profiles in it hold mail (not "Crash Reports", "Pending Pings").
    ThunderbirdInstallation,
};

/// What a sub-directory named NAME is, in a directory of kind PARENT.
struct DirectoryRole {
    std::optional<std::string> skip_reason;  ///< set: passed over (reported as skipped)
    std::string folder_component;            ///< "" when the directory is not a folder level
    TreeKind kind = TreeKind::Plain;         ///< the conventions inside it
};
DirectoryRole classify_directory(TreeKind parent, std::string_view name);

/// What a file named NAME is, in a directory of kind PARENT.
struct FileRole {
    std::optional<std::string> skip_reason;  ///< set: passed over (reported as skipped)
    /// The folder its messages go to, below the directory's folder, if it is an mbox
    /// ("" for Apple Mail's package "mbox" file).
    std::string mbox_folder_component;
    /// An empty file is an empty folder (Thunderbird, Apple Mail's package "mbox"), not a
    /// failed one.
    bool empty_is_empty_folder = false;
};
FileRole classify_file(TreeKind parent, std::string_view name);

}  // namespace cairn::sources
