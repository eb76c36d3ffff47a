// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace cairn {

/// Appends CODE_POINT to TEXT as UTF-8; a surrogate or a value past U+10FFFF becomes U+FFFD.
void append_utf8(std::string& text, char32_t code_point);

}  // namespace cairn
