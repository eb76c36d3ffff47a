// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cairn::sources::maildir {

/// Normalised flags from a Maildir file name's info part: the letters after the last ":2,"
/// (also ";2," and "!2,", which file systems without ':' use). S seen, R answered, F flagged,
/// D draft, T deleted, P forwarded; lower-case letters (keywords) and unknown letters are ignored.
/// Each flag appears once, in that order.
std::vector<std::string> flags_from_file_name(std::string_view file_name);

/// True for the names of a Maildir's message directories ("cur", "new").
bool is_message_directory_name(std::string_view name);

}  // namespace cairn::sources::maildir
