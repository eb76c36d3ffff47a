// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/common/quoted_string.h"

#include "core/base/text.h"

namespace cairn::sources {
namespace {

std::optional<char32_t> hex_unit(std::string_view text, std::size_t& position) {
    if (position + 4 > text.size())
        return std::nullopt;
    char32_t unit = 0;
    for (int digit = 0; digit < 4; ++digit) {
        char hex = text[position++];
        unit <<= 4;
        if (hex >= '0' && hex <= '9')
            unit |= static_cast<char32_t>(hex - '0');
        else if (hex >= 'a' && hex <= 'f')
            unit |= static_cast<char32_t>(hex - 'a' + 10);
        else if (hex >= 'A' && hex <= 'F')
            unit |= static_cast<char32_t>(hex - 'A' + 10);
        else
            return std::nullopt;
    }
    return unit;
}

}  // namespace

std::optional<std::string> read_quoted_string(std::string_view text, std::size_t& position) {
    if (position >= text.size())
        return std::nullopt;
    const char quote = text[position++];
    std::string value;
    while (position < text.size()) {
        char character = text[position++];
        if (character == quote)
            return value;
        if (character != '\\') {
            value += character;
            continue;
        }
        if (position >= text.size())
            return std::nullopt;
        char escaped = text[position++];
        switch (escaped) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'u': {
            std::optional<char32_t> unit = hex_unit(text, position);
            if (!unit)
                return std::nullopt;
            char32_t code_point = *unit;
            if (code_point >= 0xD800 && code_point <= 0xDBFF && text.substr(position, 2) == "\\u") {
                std::size_t after_high = position;
                position += 2;
                std::optional<char32_t> low = hex_unit(text, position);
                if (low && *low >= 0xDC00 && *low <= 0xDFFF)
                    code_point = 0x10000 + ((code_point - 0xD800) << 10) + (*low - 0xDC00);
                else
                    position = after_high;  // a lone high surrogate: U+FFFD, then the next escape
            }
            append_utf8(value, code_point);
            break;
        }
        default: value += escaped; break;
        }
    }
    return std::nullopt;
}

}  // namespace cairn::sources
