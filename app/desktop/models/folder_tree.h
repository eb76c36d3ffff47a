// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/archive/archive.h"

namespace cairn::desktop {

/// One folder of the folder tree: the archive lists paths ("INBOX/Work"); people see a tree.
struct FolderNode {
    std::string name;  ///< the last component of the path
    std::string path;  ///< the whole path, as Archive::folders gave it (the query's folder: takes it)
    std::uint64_t own_messages = 0;
    std::uint64_t all_messages = 0;  ///< with those of its sub-folders, as folder: finds them
    std::vector<FolderNode> children;
};

/// The folders as a tree, "INBOX/Work" under "INBOX"; a parent that holds no mail of its own
/// (so Archive::folders does not list it) is made, with the count of what is below it.
std::vector<FolderNode> build_folder_tree(const std::vector<FolderSummary>& folders);

}  // namespace cairn::desktop
