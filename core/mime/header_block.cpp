// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/mime/header_block.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace cairn::mime::detail {

namespace {

// Skips blanks, line breaks and (nested) comments, which RFC 2045 allows between tokens.
std::size_t skip_blanks_and_comments(std::string_view text, std::size_t position) {
    while (position < text.size()) {
        if (is_whitespace(text[position])) {
            ++position;
        } else if (text[position] == '(') {
            int depth = 0;
            while (position < text.size()) {
                const char character = text[position];
                if (character == '\\') {
                    position += 2;
                    continue;
                }
                ++position;
                if (character == '(')
                    ++depth;
                else if (character == ')' && --depth == 0)
                    break;
            }
        } else {
            break;
        }
    }
    return std::min(position, text.size());
}

bool is_token_end(char character) {
    return is_whitespace(character) || character == ';' || character == '(' || character == '"';
}

std::string lower(std::string_view text) {
    std::string result(text);
    for (char& character : result)
        character = to_lower_ascii(character);
    return result;
}

}  // namespace

std::string ContentType::parameter(std::string_view name) const {
    for (const auto& [parameter_name, value] : parameters) {
        if (parameter_name == name)
            return value;
    }
    // RFC 2231 continuations: name*0, name*1 ... (an extended name*0* keeps its raw value;
    // boundaries are ASCII, so charset decoding does not matter here).
    std::map<int, std::string> pieces;
    for (const auto& [parameter_name, value] : parameters) {
        if (parameter_name.size() <= name.size() + 1 || !parameter_name.starts_with(name) ||
            parameter_name[name.size()] != '*')
            continue;
        std::string_view number(parameter_name);
        number.remove_prefix(name.size() + 1);
        if (number.ends_with('*'))
            number.remove_suffix(1);
        int index = 0;
        const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), index);
        if (error == std::errc() && end == number.data() + number.size() && index >= 0 && index < 1000)
            pieces.emplace(index, value);
    }
    std::string joined;
    for (const auto& [index, piece] : pieces)
        joined += piece;
    return joined;
}

ContentType parse_content_type(std::string_view raw_value) {
    ContentType result;
    std::size_t position = skip_blanks_and_comments(raw_value, 0);
    std::size_t start = position;
    while (position < raw_value.size() && raw_value[position] != '/' && !is_token_end(raw_value[position]))
        ++position;
    const std::string_view type = raw_value.substr(start, position - start);
    position = skip_blanks_and_comments(raw_value, position);
    if (position < raw_value.size() && raw_value[position] == '/') {
        position = skip_blanks_and_comments(raw_value, position + 1);
        start = position;
        while (position < raw_value.size() && !is_token_end(raw_value[position]))
            ++position;
        result.type = lower(type);
        result.subtype = lower(raw_value.substr(start, position - start));
    }

    // Parameters: ; name = value | ; name = "quoted value". Anything unparseable up to the next
    // semicolon is skipped.
    while (position < raw_value.size()) {
        const std::size_t semicolon = raw_value.find(';', position);
        if (semicolon == std::string_view::npos)
            break;
        position = skip_blanks_and_comments(raw_value, semicolon + 1);
        start = position;
        while (position < raw_value.size() && raw_value[position] != '=' && raw_value[position] != ';' &&
               !is_whitespace(raw_value[position]))
            ++position;
        const std::string name = lower(raw_value.substr(start, position - start));
        position = skip_blanks_and_comments(raw_value, position);
        if (position >= raw_value.size() || raw_value[position] != '=' || name.empty())
            continue;
        position = skip_blanks_and_comments(raw_value, position + 1);
        std::string value;
        if (position < raw_value.size() && raw_value[position] == '"') {
            ++position;
            while (position < raw_value.size() && raw_value[position] != '"') {
                char character = raw_value[position];
                if (character == '\\' && position + 1 < raw_value.size())
                    character = raw_value[++position];
                // A quoted value folded across lines is unfolded.
                if (character != '\r' && character != '\n')
                    value += character;
                ++position;
            }
            if (position < raw_value.size())
                ++position;
        } else {
            start = position;
            while (position < raw_value.size() && raw_value[position] != ';' && !is_whitespace(raw_value[position]))
                ++position;
            value = std::string(raw_value.substr(start, position - start));
        }
        result.parameters.emplace_back(name, std::move(value));
    }
    return result;
}

}  // namespace cairn::mime::detail
