// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/maildir/maildir_flags.h"

#include <array>

namespace cairn::sources::maildir {

std::vector<std::string> flags_from_file_name(std::string_view file_name) {
    std::size_t info = std::string_view::npos;
    for (std::size_t position = file_name.size(); position >= 3; --position) {
        char separator = file_name[position - 3];
        if ((separator == ':' || separator == ';' || separator == '!') && file_name[position - 2] == '2' &&
            file_name[position - 1] == ',') {
            info = position;
            break;
        }
    }
    std::vector<std::string> flags;
    if (info == std::string_view::npos)
        return flags;
    std::string_view letters = file_name.substr(info);
    struct Letter {
        char letter;
        const char* name;
    };
    constexpr std::array<Letter, 6> Known{{{'S', "seen"},
                                           {'R', "answered"},
                                           {'F', "flagged"},
                                           {'D', "draft"},
                                           {'T', "deleted"},
                                           {'P', "forwarded"}}};
    for (const Letter& known : Known) {
        if (letters.find(known.letter) != std::string_view::npos)
            flags.emplace_back(known.name);
    }
    return flags;
}

bool is_message_directory_name(std::string_view name) { return name == "cur" || name == "new"; }

}  // namespace cairn::sources::maildir
