// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>
#include <string>

namespace cairn::sources::eml {

/// The byte count on an .emlx file's first line (digits, optional surrounding blanks, optional
/// '\r'), or nullopt when the line is not such a count.
std::optional<std::size_t> emlx_byte_count(std::string_view first_line);

struct EmlxContent {
    /// The message: the bytes after the count line, as many as it names.
    std::string_view message;
    /// The byte count the first line announces.
    std::size_t announced_size = 0;
    /// True when the file holds fewer bytes than the count names (message is then what is there).
    bool truncated = false;
    /// True when what follows the message is Apple's XML property list.
    bool has_property_list = false;
    /// Flags from the property list's "flags" integer, normalised ("seen", "answered", ...).
    std::vector<std::string> flags;
};

/// Splits an .emlx file's bytes; nullopt when the first line is not a byte count.
std::optional<EmlxContent> parse_emlx(std::string_view data);

}  // namespace cairn::sources::eml
