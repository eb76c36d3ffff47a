// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/pop3/pop3_response.h"

#include <algorithm>
#include <charconv>

namespace cairn::sources::pop3 {
namespace {

/// Longest unique id accepted: RFC 1939 says 70, some servers send more; an id is only compared.
constexpr std::size_t MaxUniqueIdBytes = 512;

std::string_view without_line_end(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

std::string_view trimmed(std::string_view text) {
    text = without_line_end(text);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size())
        return false;
    for (std::size_t index = 0; index < prefix.size(); ++index) {
        char left = text[index];
        if (left >= 'a' && left <= 'z')
            left = static_cast<char>(left - 'a' + 'A');
        if (left != prefix[index])
            return false;
    }
    return true;
}

/// The next space-separated word of TEXT, removed from it.
std::string_view next_word(std::string_view& text) {
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    auto end = std::min(text.find(' '), text.size());
    auto word = text.substr(0, end);
    text.remove_prefix(end);
    return word;
}

template <class Number>
std::optional<Number> parse_number(std::string_view digits) {
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    Number value = 0;
    auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (parsed.ec != std::errc() || parsed.ptr != digits.data() + digits.size())
        return std::nullopt;
    return value;
}

}  // namespace

std::optional<ResponseError> parse_status_line(std::string_view line, StatusLine& status,
                                               const ResponseLimits& limits) {
    if (line.size() > limits.max_status_line_bytes)
        return ResponseError{"a status line longer than " + std::to_string(limits.max_status_line_bytes) + " bytes"};
    line = without_line_end(line);
    status = StatusLine{};
    std::string_view rest;
    if (starts_with_ignoring_case(line, "+OK") && (line.size() == 3 || line[3] == ' ')) {
        status.kind = StatusKind::Ok;
        rest = line.substr(3);
    } else if (starts_with_ignoring_case(line, "-ERR") && (line.size() == 4 || line[4] == ' ')) {
        status.kind = StatusKind::Error;
        rest = line.substr(4);
    } else if (!line.empty() && line[0] == '+' && (line.size() == 1 || line[1] == ' ')) {
        status.kind = StatusKind::Continuation;
        status.text = std::string(trimmed(line.substr(1)));
        return std::nullopt;
    } else {
        return ResponseError{"not a POP3 status line (neither +OK nor -ERR)"};
    }
    if (!rest.empty())
        rest.remove_prefix(1);  // the space after the indicator
    // RFC 2449 §8: "[CODE/SUBCODE] text".
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close != std::string_view::npos) {
            for (char character : rest.substr(1, close - 1))
                status.code += (character >= 'a' && character <= 'z') ? static_cast<char>(character - 'a' + 'A')
                                                                      : character;
            rest.remove_prefix(close + 1);
            while (!rest.empty() && rest.front() == ' ')
                rest.remove_prefix(1);
        }
    }
    status.text = std::string(rest);
    return std::nullopt;
}

MultiLineDecoder::State MultiLineDecoder::fail(std::string problem) {
    m_problem = std::move(problem);
    m_state = State::Failed;
    return m_state;
}

MultiLineDecoder::State MultiLineDecoder::add_line(std::string_view line) {
    if (m_state != State::InProgress)
        return m_state;
    if (line.empty() || line.back() != '\n')
        return fail("a line of a multi-line response without its line end");
    if (line[0] == '.') {
        // Only "." and its line end: the end of the response.
        if (line == ".\r\n" || line == ".\n") {
            m_state = State::Complete;
            return m_state;
        }
        // Byte-stuffed: the first dot was added by the server.
        line.remove_prefix(1);
    }
    if (m_content.size() + line.size() > m_limits.max_multi_line_bytes)
        return fail("a multi-line response longer than " + std::to_string(m_limits.max_multi_line_bytes) + " bytes");
    m_content.append(line);
    return m_state;
}

std::size_t MultiLineDecoder::feed(std::string_view bytes) {
    std::size_t used = 0;
    while (used < bytes.size() && m_state == State::InProgress) {
        auto rest = bytes.substr(used);
        auto line_feed = rest.find('\n');
        if (line_feed == std::string_view::npos) {
            // The held part may itself be too long for any response: fail early.
            if (m_content.size() + m_partial_line.size() + rest.size() > m_limits.max_multi_line_bytes) {
                fail("a multi-line response longer than " + std::to_string(m_limits.max_multi_line_bytes) + " bytes");
                return bytes.size();
            }
            m_partial_line.append(rest);
            return bytes.size();
        }
        auto line = rest.substr(0, line_feed + 1);
        used += line.size();
        if (m_partial_line.empty()) {
            add_line(line);
        } else {
            m_partial_line.append(line);
            add_line(m_partial_line);
            m_partial_line.clear();
        }
    }
    return used;
}

std::optional<UniqueIdLine> parse_unique_id_line(std::string_view line) {
    auto rest = trimmed(line);
    auto number = parse_number<std::uint32_t>(next_word(rest));
    auto unique_id = next_word(rest);
    if (!number || *number == 0 || unique_id.empty() || unique_id.size() > MaxUniqueIdBytes || !trimmed(rest).empty())
        return std::nullopt;
    if (!std::all_of(unique_id.begin(), unique_id.end(), [](char c) { return c >= 0x21 && c <= 0x7E; }))
        return std::nullopt;
    return UniqueIdLine{*number, std::string(unique_id)};
}

std::optional<NumberAndSize> parse_number_and_size(std::string_view line) {
    auto rest = trimmed(line);
    auto number = parse_number<std::uint32_t>(next_word(rest));
    auto size = parse_number<std::uint64_t>(next_word(rest));
    if (!number || !size)
        return std::nullopt;
    return NumberAndSize{*number, *size};
}

}  // namespace cairn::sources::pop3
