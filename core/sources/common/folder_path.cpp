// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/common/folder_path.h"

#include <array>

#include "core/sources/maildir/maildir_flags.h"

namespace cairn::sources {
namespace {

std::string_view without_suffix(std::string_view name, std::string_view suffix) {
    if (name.size() > suffix.size() && name.ends_with(suffix))
        name.remove_suffix(suffix.size());
    return name;
}

}  // namespace

std::string directory_folder_component(std::string_view name) {
    if (maildir::is_message_directory_name(name))
        return {};
    if (name.size() > 1 && name.front() == '.') {
        // Maildir++ keeps the hierarchy flat: ".a.b" is folder b inside folder a.
        std::string folder(name.substr(1));
        for (char& character : folder) {
            if (character == '.')
                character = '/';
        }
        return folder;
    }
    name = without_suffix(name, ".sbd");
    name = without_suffix(name, ".mbox");
    return std::string(name);
}

std::string mbox_folder_component(std::string_view name) {
    name = without_suffix(name, ".mbox");
    name = without_suffix(name, ".mbx");
    name = without_suffix(name, ".pst");
    name = without_suffix(name, ".ost");
    return std::string(name);
}

std::string join_folder(std::string_view parent, std::string_view child) {
    if (parent.empty())
        return std::string(child);
    if (child.empty())
        return std::string(parent);
    std::string joined;
    joined.reserve(parent.size() + 1 + child.size());
    joined.append(parent).append("/").append(child);
    return joined;
}

std::optional<std::string> skipped_file_reason(std::string_view name) {
    if (name.starts_with('.'))
        return "a hidden file";
    constexpr std::array<std::string_view, 3> Notices{"README", "COPYING", "LICENSE"};
    for (std::string_view notice : Notices) {
        if (name == notice)
            return "a notice file, not mail";
    }
    struct Extension {
        std::string_view suffix;
        std::string_view why;
    };
    constexpr std::array<Extension, 14> Extensions{{
        {".msf", "a Thunderbird index (.msf)"},
        {".dat", "a mail client data file (.dat)"},
        {".json", "a mail client settings file (.json)"},
        {".ini", "a settings file (.ini)"},
        {".sha256", "a checksum list"},
        {".tsv", "a manifest (.tsv)"},
        {".md", "a notes file (.md)"},
        {".sqlite", "a mail client database (.sqlite)"},
        {".sqlite-wal", "a mail client database journal"},
        {".sqlite-shm", "a mail client database journal"},
        {".sqlite-journal", "a mail client database journal"},
        {".plist", "an Apple Mail property list"},
        {".emlxpart", "an Apple Mail attachment part"},
        {".mozlz4", "a Thunderbird session file"},
    }};
    for (const Extension& extension : Extensions) {
        if (name.ends_with(extension.suffix))
            return std::string(extension.why);
    }
    return std::nullopt;
}

std::optional<std::string> skipped_directory_reason(std::string_view name) {
    if (name == "tmp")
        return "a Maildir tmp directory (messages still being delivered)";
    if (name.ends_with(".mozmsgs"))
        return "a Thunderbird search-integration directory (.mozmsgs)";
    return std::nullopt;
}

}  // namespace cairn::sources
