// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace cairn::mime {

/// Decodes a raw header field value for display: unfolds it (a line break and the blanks after it
/// become one space), decodes RFC 2047 encoded words one by one (B and Q; adjacent words separated
/// only by blanks are joined without the blanks, and adjacent words in the same charset are
/// converted together so a character split across words survives), converts each charset to UTF-8
/// (unknown charsets: UTF-8 if valid, else windows-1252), takes raw 8-bit bytes as UTF-8 when
/// valid, else windows-1252, turns control characters into spaces and trims the ends.
/// Never fails; the result is always valid UTF-8. Encoded words are recognised anywhere, even
/// inside quoted strings and next to other text, as lenient mail readers do.
std::string decode_header_value(std::string_view raw_value);

}  // namespace cairn::mime
