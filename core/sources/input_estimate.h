// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>

namespace cairn::sources {

/// About how many bytes read_mail_path(PATH) will read, to measure progress against: every
/// regular file below PATH, except that a Thunderbird profile counts only its accounts' mail
/// directories (not its caches and databases, which can be larger than the mail) and a
/// Thunderbird installation only its profiles. Unreadable entries count as nothing. Follows no
/// directory symbolic links, as read_mail_path does not.
std::uint64_t estimate_input_bytes(const std::filesystem::path& path);

}  // namespace cairn::sources
