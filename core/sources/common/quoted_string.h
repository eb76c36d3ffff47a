// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::sources {

/// Reads a JavaScript or JSON string literal that starts at TEXT[POSITION] (its quote, '"' or
/// '\'') and advances POSITION past the closing quote. Escapes \n \t \r \b \f and \uXXXX (a
/// surrogate pair as one character) are decoded to UTF-8; any other escaped character stands
/// for itself. nullopt when the literal is not closed or an escape is cut short.
std::optional<std::string> read_quoted_string(std::string_view text, std::size_t& position);

}  // namespace cairn::sources
