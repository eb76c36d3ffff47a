// SPDX-License-Identifier: GPL-3.0-or-later
// Strict base64 for the store: a body is decoded only when re-encoding the result under one
// regular layout gives back exactly the same bytes, so the store can keep decoded bytes (which
// deduplicate across differently wrapped copies) and still return the original byte for byte.
#include <array>
#include <cstring>

#include "core/mime/message_structure.h"

namespace cairn::mime {

namespace {

constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Sextet value of each byte; 0xFF for anything that is not in the alphabet (including '=',
/// line breaks and blanks, which the decoder handles itself).
constexpr std::array<std::uint8_t, 256> make_decode_table() {
    std::array<std::uint8_t, 256> table{};
    for (auto& value : table)
        value = 0xFF;
    for (std::uint8_t index = 0; index < 64; ++index)
        table[static_cast<unsigned char>(Alphabet[index])] = index;
    return table;
}
constexpr std::array<std::uint8_t, 256> DecodeTable = make_decode_table();

/// The longest line RFC 5322 allows, without its line break.
constexpr std::size_t MaximumLineLength = 998;
/// A single-line body no longer than this gets the conventional 76 as its layout's line length.
constexpr std::size_t DefaultLineLength = 76;

inline std::uint8_t sextet(char character) {
    return DecodeTable[static_cast<unsigned char>(character)];
}

// Decodes `length` characters (a multiple of 4) of full quads without padding. Returns false on
// any character outside the alphabet.
bool decode_full_quads(const char* input, std::size_t length, char*& output) {
    for (std::size_t index = 0; index < length; index += 4) {
        const std::uint32_t first = sextet(input[index]);
        const std::uint32_t second = sextet(input[index + 1]);
        const std::uint32_t third = sextet(input[index + 2]);
        const std::uint32_t fourth = sextet(input[index + 3]);
        if ((first | second | third | fourth) & 0xC0)
            return false;
        const std::uint32_t triple = (first << 18) | (second << 12) | (third << 6) | fourth;
        output[0] = static_cast<char>(triple >> 16);
        output[1] = static_cast<char>(triple >> 8);
        output[2] = static_cast<char>(triple);
        output += 3;
    }
    return true;
}

// Decodes the final quad, which may carry "=" or "==" padding. The bits the padding leaves unused
// must be zero: otherwise re-encoding would give a different character.
bool decode_final_quad(const char* input, char*& output) {
    const std::uint32_t first = sextet(input[0]);
    const std::uint32_t second = sextet(input[1]);
    if ((first | second) & 0xC0)
        return false;
    if (input[2] == '=' && input[3] == '=') {
        if (second & 0x0F)
            return false;
        *output++ = static_cast<char>((first << 2) | (second >> 4));
        return true;
    }
    const std::uint32_t third = sextet(input[2]);
    if (third & 0xC0)
        return false;
    if (input[3] == '=') {
        if (third & 0x03)
            return false;
        *output++ = static_cast<char>((first << 2) | (second >> 4));
        *output++ = static_cast<char>(((second & 0x0F) << 4) | (third >> 2));
        return true;
    }
    return decode_full_quads(input, 4, output);
}

// Decodes one line's characters; the final line's last quad may be padded.
bool decode_line(const char* input, std::size_t length, bool final_line, char*& output) {
    if (length == 0 || length % 4 != 0)
        return false;
    if (!final_line)
        return decode_full_quads(input, length, output);
    return decode_full_quads(input, length - 4, output) && decode_final_quad(input + length - 4, output);
}

}  // namespace

std::optional<std::pair<std::string, Base64Layout>> decode_base64_exactly(std::string_view encoded) {
    return decode_base64_exactly(encoded, TrailingEmptyLines::Reject);
}

std::optional<std::pair<std::string, Base64Layout>> decode_base64_exactly(std::string_view encoded,
                                                                          TrailingEmptyLines trailing) {
    const char* data = encoded.data();
    if (encoded.empty())
        return std::pair{std::string(), Base64Layout{DefaultLineLength, false, false, 0}};

    Base64Layout layout;
    const void* first_newline = std::memchr(data, '\n', encoded.size());
    std::string decoded(encoded.size() / 4 * 3 + 3, '\0');
    char* output = decoded.data();

    if (first_newline == nullptr) {
        // One line without a line break.
        const std::size_t size = encoded.size();
        if (!decode_line(data, size, true, output))
            return std::nullopt;
        layout.line_length = size <= DefaultLineLength ? DefaultLineLength
                             : size <= MaximumLineLength ? static_cast<std::uint32_t>(size)
                                                         : 0;
        layout.final_line_break = false;
        decoded.resize(static_cast<std::size_t>(output - decoded.data()));
        return std::pair{std::move(decoded), layout};
    }

    const std::size_t newline_offset = static_cast<std::size_t>(static_cast<const char*>(first_newline) - data);
    layout.crlf = newline_offset > 0 && data[newline_offset - 1] == '\r';
    const std::size_t line_length = layout.crlf ? newline_offset - 1 : newline_offset;
    const std::size_t break_length = layout.crlf ? 2 : 1;
    const char* const line_break = layout.crlf ? "\r\n" : "\n";
    if (line_length == 0 || line_length % 4 != 0)
        return std::nullopt;

    // Empty lines at the end (commonly one, before the next boundary) are counted and set aside;
    // the first line break at the end stays with the last line.
    std::size_t size = encoded.size();
    std::size_t trailing_breaks = 0;
    while (size >= break_length && std::memcmp(data + size - break_length, line_break, break_length) == 0) {
        size -= break_length;
        ++trailing_breaks;
    }
    if (trailing_breaks > 1) {
        if (trailing == TrailingEmptyLines::Reject)
            return std::nullopt;
        layout.extra_line_breaks = static_cast<std::uint32_t>(trailing_breaks - 1);
        size += break_length;
    } else {
        size = encoded.size();
    }

    std::size_t position = 0;
    std::size_t line_count = 0;
    while (position < size) {
        const std::size_t remaining = size - position;
        if (remaining >= line_length + break_length &&
            std::memcmp(data + position + line_length, line_break, break_length) == 0) {
            // A full line with its line break; it is the final line when nothing follows.
            const bool final_line = remaining == line_length + break_length;
            if (!decode_line(data + position, line_length, final_line, output))
                return std::nullopt;
            position += line_length + break_length;
            ++line_count;
            layout.final_line_break = true;
            continue;
        }
        // The last, shorter line, with or without a line break. Any stray line break or blank
        // inside it fails the alphabet check.
        std::size_t content_length = remaining;
        layout.final_line_break = false;
        if (remaining >= break_length && std::memcmp(data + size - break_length, line_break, break_length) == 0) {
            content_length -= break_length;
            layout.final_line_break = true;
        }
        if (content_length > line_length || !decode_line(data + position, content_length, true, output))
            return std::nullopt;
        position = size;
        ++line_count;
    }

    if (line_count == 1) {
        // One line with a line break: the same convention as for one line without.
        layout.line_length = line_length <= DefaultLineLength ? DefaultLineLength
                             : line_length <= MaximumLineLength ? static_cast<std::uint32_t>(line_length)
                                                                : 0;
    } else {
        if (line_length > MaximumLineLength)
            return std::nullopt;
        layout.line_length = static_cast<std::uint32_t>(line_length);
    }
    decoded.resize(static_cast<std::size_t>(output - decoded.data()));
    return std::pair{std::move(decoded), layout};
}

std::string encode_base64(std::string_view decoded, const Base64Layout& layout) {
    const std::size_t character_count = (decoded.size() + 2) / 3 * 4;
    if (character_count == 0)
        return {};
    // A line length that is zero (or not a multiple of 4, which the decoder never returns) is
    // taken as "one unbroken line"; rounding it down keeps quads whole.
    const std::size_t line_length = layout.line_length / 4 * 4 == 0 ? character_count : layout.line_length / 4 * 4;
    const std::size_t line_count = (character_count + line_length - 1) / line_length;
    const std::size_t break_length = layout.crlf ? 2 : 1;
    const std::size_t extra_breaks = layout.final_line_break ? layout.extra_line_breaks : 0;
    const std::size_t break_count = (layout.final_line_break ? line_count : line_count - 1) + extra_breaks;

    std::string encoded(character_count + break_count * break_length, '\0');
    char* output = encoded.data();
    const auto* input = reinterpret_cast<const unsigned char*>(decoded.data());
    const std::size_t full_groups = decoded.size() / 3;
    const std::size_t groups_per_line = line_length / 4;
    auto encode_groups = [&](std::size_t count) {
        for (std::size_t group = 0; group < count; ++group) {
            const std::uint32_t triple = (std::uint32_t{input[0]} << 16) | (std::uint32_t{input[1]} << 8) | input[2];
            input += 3;
            output[0] = Alphabet[(triple >> 18) & 0x3F];
            output[1] = Alphabet[(triple >> 12) & 0x3F];
            output[2] = Alphabet[(triple >> 6) & 0x3F];
            output[3] = Alphabet[triple & 0x3F];
            output += 4;
        }
    };
    auto end_line = [&] {
        if (layout.crlf)
            *output++ = '\r';
        *output++ = '\n';
    };
    // Whole lines first, in a tight loop; a line break follows each one unless it is the last.
    const std::size_t rest = decoded.size() % 3;
    std::size_t groups_left = full_groups;
    while (groups_left > groups_per_line || (groups_left == groups_per_line && rest != 0)) {
        encode_groups(groups_per_line);
        groups_left -= groups_per_line;
        end_line();
    }
    encode_groups(groups_left);
    if (rest != 0) {
        const std::uint32_t triple = (std::uint32_t{input[0]} << 16) | (rest == 2 ? std::uint32_t{input[1]} << 8 : 0);
        output[0] = Alphabet[(triple >> 18) & 0x3F];
        output[1] = Alphabet[(triple >> 12) & 0x3F];
        output[2] = rest == 2 ? Alphabet[(triple >> 6) & 0x3F] : '=';
        output[3] = '=';
        output += 4;
    }
    if (layout.final_line_break) {
        for (std::size_t line_break = 0; line_break <= extra_breaks; ++line_break)
            end_line();
    }
    return encoded;
}

}  // namespace cairn::mime
