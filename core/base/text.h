// SPDX-License-Identifier: GPL-3.0-or-later
// Character helpers every text-handling module needs. Header-only, and free of result.h, so
// parsers compiled on their own for the libFuzzer targets can use them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn {

/// TEXT with ASCII letters lower-cased (protocol keywords, header names); other bytes kept.
inline std::string lower_ascii(std::string_view text) {
    std::string lower(text);
    for (char& character : lower)
        if (character >= 'A' && character <= 'Z')
            character = static_cast<char>(character - 'A' + 'a');
    return lower;
}

/// Appends CODE_POINT as UTF-8; surrogates and values past U+10FFFF become U+FFFD.
inline void append_utf8(std::string& text, char32_t code_point) {
    if ((code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF)
        code_point = 0xFFFD;
    if (code_point < 0x80) {
        text += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        text += static_cast<char>(0xC0 | (code_point >> 6));
        text += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        text += static_cast<char>(0xE0 | (code_point >> 12));
        text += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        text += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        text += static_cast<char>(0xF0 | (code_point >> 18));
        text += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        text += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        text += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

/// The value of hexadecimal digit CHARACTER (either case), or -1.
constexpr int hex_digit_value(char character) {
    if (character >= '0' && character <= '9')
        return character - '0';
    if (character >= 'a' && character <= 'f')
        return character - 'a' + 10;
    if (character >= 'A' && character <= 'F')
        return character - 'A' + 10;
    return -1;
}

/// BYTES in base64 (RFC 4648, with padding): SASL responses of the mail clients.
inline std::string base64_encode(std::string_view bytes) {
    static constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string encoded;
    encoded.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t index = 0; index < bytes.size(); index += 3) {
        const std::size_t available = bytes.size() - index;
        std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[index])) << 16;
        if (available > 1)
            group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[index + 1])) << 8;
        if (available > 2)
            group |= static_cast<unsigned char>(bytes[index + 2]);
        encoded += Alphabet[group >> 18];
        encoded += Alphabet[(group >> 12) & 63];
        encoded += available > 1 ? Alphabet[(group >> 6) & 63] : '=';
        encoded += available > 2 ? Alphabet[group & 63] : '=';
    }
    return encoded;
}

}  // namespace cairn
