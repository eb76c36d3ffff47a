// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/models/folder_tree.h"

#include <algorithm>

namespace cairn::desktop {
namespace {

std::uint64_t add_up(FolderNode& node) {
    node.all_messages = node.own_messages;
    for (FolderNode& child : node.children)
        node.all_messages += add_up(child);
    return node.all_messages;
}

}  // namespace

std::vector<FolderNode> build_folder_tree(const std::vector<FolderSummary>& folders) {
    FolderNode top;
    for (const FolderSummary& folder : folders) {
        FolderNode* node = &top;
        std::size_t start = 0;
        while (start <= folder.path.size()) {
            const std::size_t slash = std::min(folder.path.find('/', start), folder.path.size());
            const std::string name = folder.path.substr(start, slash - start);
            auto child = std::find_if(node->children.begin(), node->children.end(),
                                      [&](const FolderNode& candidate) { return candidate.name == name; });
            if (child == node->children.end()) {
                node->children.push_back({name, folder.path.substr(0, slash), 0, 0, {}});
                child = node->children.end() - 1;
            }
            node = &*child;
            start = slash + 1;
        }
        node->own_messages += folder.message_count;
    }
    add_up(top);
    return std::move(top.children);
}

}  // namespace cairn::desktop
