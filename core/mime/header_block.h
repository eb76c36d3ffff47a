// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to core/mime: the header-block scanner shared by the structure scanner and the
// header summary. Not installed as public API; other modules use message_structure.h.

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::mime::detail {

inline char to_lower_ascii(char character) {
    return (character >= 'A' && character <= 'Z') ? static_cast<char>(character + ('a' - 'A'))
                                                   : character;
}

inline bool equals_ignoring_case(std::string_view left, std::string_view right) {
    if (left.size() != right.size())
        return false;
    for (std::size_t index = 0; index < left.size(); ++index) {
        if (to_lower_ascii(left[index]) != to_lower_ascii(right[index]))
            return false;
    }
    return true;
}

inline bool is_whitespace(char character) {
    return character == ' ' || character == '\t' || character == '\r' || character == '\n';
}

inline std::string_view trim(std::string_view text) {
    while (!text.empty() && is_whitespace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_whitespace(text.back()))
        text.remove_suffix(1);
    return text;
}

enum class LeadingFromLine { Skip, Keep };

/// Scans the header block at the start of `entity`, calling visit(name, raw_value) for each
/// field in order; raw_value still contains its folding line breaks. Returns the offset at which
/// the body starts: after the first empty line, at the first line that is neither a field nor a
/// continuation (mail without a separator), or at the end when the entity is all header.
/// Linear in the size of the header block.
template <class Visitor>
std::size_t scan_header_block(std::string_view entity, LeadingFromLine leading_from, Visitor&& visit) {
    const char* data = entity.data();
    const std::size_t size = entity.size();
    std::size_t position = 0;
    // An mbox "From " envelope line in front of a single message is not a header, but the
    // headers follow it; only the top level of a message may carry one.
    if (leading_from == LeadingFromLine::Skip && entity.starts_with("From ")) {
        const void* newline = std::memchr(data, '\n', size);
        position = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - data) + 1 : size;
    }

    std::string_view field_name;
    std::size_t value_begin = 0;
    std::size_t value_end = 0;
    bool have_field = false;
    auto flush = [&] {
        if (have_field)
            visit(field_name, entity.substr(value_begin, value_end - value_begin));
        have_field = false;
    };

    while (position < size) {
        const void* newline = std::memchr(data + position, '\n', size - position);
        const std::size_t line_end =
            newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - data) : size;
        const std::size_t next_line = newline ? line_end + 1 : size;
        std::size_t content_end = line_end;
        if (content_end > position && data[content_end - 1] == '\r')
            --content_end;

        if (content_end == position) {
            flush();
            return next_line;
        }
        const char first = data[position];
        if (first == ' ' || first == '\t') {
            // A continuation line; one before any field is stray and ignored.
            if (have_field)
                value_end = content_end;
            position = next_line;
            continue;
        }
        // Field name: printable ASCII except ':'; obsolete syntax allows blanks before the colon.
        std::size_t cursor = position;
        while (cursor < content_end) {
            const auto byte = static_cast<unsigned char>(data[cursor]);
            if (byte <= 32 || byte >= 127 || byte == ':')
                break;
            ++cursor;
        }
        const std::size_t name_end = cursor;
        while (cursor < content_end && (data[cursor] == ' ' || data[cursor] == '\t'))
            ++cursor;
        if (name_end == position || cursor >= content_end || data[cursor] != ':') {
            // Not a header line: the body starts here, without a separating empty line.
            flush();
            return position;
        }
        flush();
        field_name = entity.substr(position, name_end - position);
        value_begin = cursor + 1;
        value_end = content_end;
        have_field = true;
        position = next_line;
    }
    flush();
    return size;
}

/// A Content-Type value split into lower-cased type and subtype and its parameters
/// (names lower-cased, values unquoted).
struct ContentType {
    std::string type;
    std::string subtype;
    std::vector<std::pair<std::string, std::string>> parameters;

    /// The parameter's value; RFC 2231 continuations (name*0, name*1, ...) are joined when the
    /// plain parameter is absent. Empty when absent.
    std::string parameter(std::string_view name) const;
};

/// Never fails: a value it cannot make sense of gives an empty type.
ContentType parse_content_type(std::string_view raw_value);

}  // namespace cairn::mime::detail
