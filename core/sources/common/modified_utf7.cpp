// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/common/modified_utf7.h"

#include <cstdint>
#include <vector>

#include "core/base/text.h"

namespace cairn::sources {
namespace {

/// Modified base64 uses ',' where base64 uses '/'.
int sextet_value(char character) {
    if (character >= 'A' && character <= 'Z')
        return character - 'A';
    if (character >= 'a' && character <= 'z')
        return character - 'a' + 26;
    if (character >= '0' && character <= '9')
        return character - '0' + 52;
    if (character == '+')
        return 62;
    if (character == ',')
        return 63;
    return -1;
}

/// Decodes the base64 between '&' and '-' as UTF-16BE and appends it as UTF-8.
bool decode_shifted(std::string_view encoded, std::string& out) {
    std::vector<std::uint16_t> units;
    std::uint32_t bits = 0;
    int bit_count = 0;
    for (char character : encoded) {
        int value = sextet_value(character);
        if (value < 0)
            return false;
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        bit_count += 6;
        if (bit_count >= 16) {
            bit_count -= 16;
            units.push_back(static_cast<std::uint16_t>((bits >> bit_count) & 0xFFFF));
        }
    }
    // Leftover bits are padding: fewer than 6 of them, all zero.
    if (bit_count >= 6 || (bits & ((1U << bit_count) - 1)) != 0 || units.empty())
        return false;
    for (std::size_t index = 0; index < units.size(); ++index) {
        std::uint32_t unit = units[index];
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            if (index + 1 >= units.size() || units[index + 1] < 0xDC00 || units[index + 1] > 0xDFFF)
                return false;
            std::uint32_t low = units[++index];
            append_utf8(out, static_cast<char32_t>(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)));
        } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
            return false;
        } else if (unit >= 0x20 && unit <= 0x7E) {
            // Printable ASCII must be written directly: a shift holding it is not modified UTF-7.
            return false;
        } else {
            append_utf8(out, static_cast<char32_t>(unit));
        }
    }
    return true;
}

}  // namespace

std::optional<std::string> decode_modified_utf7(std::string_view name) {
    std::string decoded;
    decoded.reserve(name.size());
    for (std::size_t position = 0; position < name.size();) {
        char character = name[position];
        if (static_cast<unsigned char>(character) >= 0x80)
            return std::nullopt;
        if (character != '&') {
            decoded += character;
            ++position;
            continue;
        }
        std::size_t end = name.find('-', position + 1);
        if (end == std::string_view::npos)
            return std::nullopt;
        if (end == position + 1) {
            decoded += '&';
        } else if (!decode_shifted(name.substr(position + 1, end - position - 1), decoded)) {
            return std::nullopt;
        }
        position = end + 1;
    }
    return decoded;
}

std::string display_mailbox_name(std::string_view name) {
    if (name.find('&') == std::string_view::npos)
        return std::string(name);
    if (std::optional<std::string> decoded = decode_modified_utf7(name))
        return *decoded;
    return std::string(name);
}

}  // namespace cairn::sources
