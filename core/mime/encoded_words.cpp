// SPDX-License-Identifier: GPL-3.0-or-later
// RFC 2047 encoded words, decoded by us word by word rather than by GMime 3.2.13, which truncates
// adjacent base64 words (GMime issue #133, fixed only in 3.2.14).
#include "core/mime/encoded_words.h"

#include <optional>

#include "core/base/text.h"
#include "core/mime/charset.h"
#include "core/mime/header_block.h"

namespace cairn::mime {

namespace {

struct EncodedWord {
    std::string_view charset;
    char encoding = 'B';
    std::string_view text;
    std::size_t end = 0;  ///< offset just past "?="
};

bool is_blank(char character) {
    return character == ' ' || character == '\t';
}

// Parses "=?charset?B|Q?text?=" at `position` (which holds "=?").
std::optional<EncodedWord> parse_encoded_word(std::string_view value, std::size_t position) {
    std::size_t cursor = position + 2;
    const std::size_t charset_begin = cursor;
    while (cursor < value.size() && value[cursor] != '?' && !is_blank(value[cursor]))
        ++cursor;
    if (cursor == charset_begin || cursor + 3 > value.size() || value[cursor] != '?')
        return std::nullopt;
    EncodedWord word;
    word.charset = value.substr(charset_begin, cursor - charset_begin);
    const char encoding = detail::to_lower_ascii(value[cursor + 1]);
    if ((encoding != 'b' && encoding != 'q') || value[cursor + 2] != '?')
        return std::nullopt;
    word.encoding = encoding;
    cursor += 3;
    const std::size_t text_begin = cursor;
    while (cursor < value.size() && value[cursor] != '?' && !is_blank(value[cursor]))
        ++cursor;
    if (cursor + 1 >= value.size() || value[cursor] != '?' || value[cursor + 1] != '=')
        return std::nullopt;
    word.text = value.substr(text_begin, cursor - text_begin);
    word.end = cursor + 2;
    return word;
}


void decode_q(std::string_view text, std::string& output) {
    for (std::size_t index = 0; index < text.size(); ++index) {
        const char character = text[index];
        if (character == '_') {
            output += ' ';
        } else if (character == '=' && index + 2 < text.size() && hex_digit_value(text[index + 1]) >= 0 &&
                   hex_digit_value(text[index + 2]) >= 0) {
            output += static_cast<char>(hex_digit_value(text[index + 1]) * 16 + hex_digit_value(text[index + 2]));
            index += 2;
        } else {
            output += character;  // lenient: a stray '=' is kept as written
        }
    }
}

// Lenient base64: characters outside the alphabet are skipped, missing padding is tolerated.
void decode_b(std::string_view text, std::string& output) {
    std::uint32_t accumulator = 0;
    int bits = 0;
    for (const char character : text) {
        int value = -1;
        if (character >= 'A' && character <= 'Z')
            value = character - 'A';
        else if (character >= 'a' && character <= 'z')
            value = character - 'a' + 26;
        else if (character >= '0' && character <= '9')
            value = character - '0' + 52;
        else if (character == '+')
            value = 62;
        else if (character == '/')
            value = 63;
        else if (character == '=')
            break;
        if (value < 0)
            continue;
        accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            output += static_cast<char>((accumulator >> bits) & 0xFF);
        }
    }
}

bool is_all_whitespace(std::string_view text) {
    for (const char character : text) {
        if (!detail::is_whitespace(character))
            return false;
    }
    return true;
}

// Unfolds: each line break, with the blanks around it, becomes one space.
std::string unfold(std::string_view raw_value) {
    std::string output;
    output.reserve(raw_value.size());
    for (std::size_t index = 0; index < raw_value.size(); ++index) {
        const char character = raw_value[index];
        if (character == '\r' || character == '\n') {
            while (!output.empty() && is_blank(output.back()))
                output.pop_back();
            while (index + 1 < raw_value.size() && detail::is_whitespace(raw_value[index + 1]))
                ++index;
            output += ' ';
        } else {
            output += character;
        }
    }
    return output;
}

}  // namespace

std::string decode_header_value(std::string_view raw_value) {
    const std::string value = unfold(raw_value);
    std::string output;
    std::string pending_bytes;    // decoded bytes of the current run of same-charset words
    std::string pending_charset;
    auto flush_pending = [&] {
        if (!pending_charset.empty() || !pending_bytes.empty())
            output += charset_to_utf8(pending_bytes, pending_charset);
        pending_bytes.clear();
        pending_charset.clear();
    };

    bool previous_was_word = false;
    std::size_t literal_begin = 0;
    std::size_t position = 0;
    while (position + 1 < value.size()) {
        if (value[position] != '=' || value[position + 1] != '?') {
            ++position;
            continue;
        }
        const std::optional<EncodedWord> word = parse_encoded_word(value, position);
        if (!word) {
            ++position;
            continue;
        }
        const std::string_view literal = std::string_view(value).substr(literal_begin, position - literal_begin);
        // RFC 2047 section 6.2: blanks between two encoded words are not displayed.
        if (!(previous_was_word && is_all_whitespace(literal))) {
            flush_pending();
            output += raw_bytes_to_utf8(literal);
        }
        std::string charset;
        for (const char character : word->charset)
            charset += detail::to_lower_ascii(character);
        if (charset != pending_charset)
            flush_pending();
        pending_charset = charset;
        if (word->encoding == 'b')
            decode_b(word->text, pending_bytes);
        else
            decode_q(word->text, pending_bytes);
        previous_was_word = true;
        position = word->end;
        literal_begin = position;
    }
    flush_pending();
    output += raw_bytes_to_utf8(std::string_view(value).substr(literal_begin));

    // Control characters (a stray NUL, a decoded CR LF) would only disturb a one-line display.
    for (char& character : output) {
        const auto byte = static_cast<unsigned char>(character);
        if (byte < 0x20 || byte == 0x7F)
            character = ' ';
    }
    return std::string(detail::trim(output));
}

}  // namespace cairn::mime
