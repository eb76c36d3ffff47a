// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

/// UTF-8 helpers for the extraction client and worker (core/extract may not use core/mime in the
/// client library, which links only cairn::base).
namespace cairn::extract {

/// Whether `bytes` is well-formed UTF-8 (no overlong forms, surrogates or values above U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

/// `bytes` with every ill-formed sequence replaced by U+FFFD.
std::string make_valid_utf8(std::string_view bytes);

/// Cuts valid UTF-8 `text` to at most `max_bytes` without splitting a character.
void truncate_utf8(std::string& text, std::size_t max_bytes);

}  // namespace cairn::extract
