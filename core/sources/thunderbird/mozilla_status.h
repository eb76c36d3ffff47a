// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::sources::thunderbird {

/// What Thunderbird's X-Mozilla-Status and X-Mozilla-Status2 headers say about a message.
struct MozillaStatus {
    /// Normalised flags: "seen" (0x0001), "answered" (0x0002), "flagged" (0x0004), "forwarded"
    /// (0x1000), and "deleted" for X-Mozilla-Status2's IMAP-deleted bit (0x00200000).
    std::vector<std::string> flags;
    /// The expunged bit (0x0008): deleted in Thunderbird, its bytes left in the mbox until the
    /// folder is compacted. Thunderbird no longer shows such a message.
    bool expunged = false;
    /// The partial bit (0x0400): only the headers or the first part were downloaded (a POP
    /// account set to fetch large messages in part); the rest is on the server, if still there.
    bool partial = false;
};

/// Reads the X-Mozilla-Status headers from the header block of MESSAGE (only the first 64 KiB
/// are looked at; the headers end at the first empty line). nullopt when there is no valid
/// X-Mozilla-Status header (absent, or not hexadecimal): the message then has no Thunderbird
/// flags. An invalid X-Mozilla-Status2 is ignored.
std::optional<MozillaStatus> read_mozilla_status(std::string_view message);

}  // namespace cairn::sources::thunderbird
