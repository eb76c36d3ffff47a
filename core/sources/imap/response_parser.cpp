// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/imap/response_parser.h"

#include <array>
#include <cctype>
#include <utility>

namespace cairn::sources::imap {
namespace {

bool equals_ignoring_case(std::string_view left, std::string_view right) {
    if (left.size() != right.size())
        return false;
    for (std::size_t index = 0; index < left.size(); ++index)
        if (std::toupper(static_cast<unsigned char>(left[index])) != std::toupper(static_cast<unsigned char>(right[index])))
            return false;
    return true;
}

bool is_digit(char character) {
    return character >= '0' && character <= '9';
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
    if (text.empty() || text.size() > 20)
        return std::nullopt;
    std::uint64_t value = 0;
    for (char character : text) {
        if (!is_digit(character))
            return std::nullopt;
        std::uint64_t digit = static_cast<std::uint64_t>(character - '0');
        if (value > (UINT64_MAX - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

bool is_status_keyword(std::string_view keyword) {
    return keyword == "OK" || keyword == "NO" || keyword == "BAD" || keyword == "PREAUTH" || keyword == "BYE";
}

/// Recursive descent over one framed response. Depth is bounded by ParserLimits, so the
/// recursion cannot exhaust the stack.
class Parser {
public:
    Parser(std::string_view input, const ParserLimits& limits) : m_input(input), m_limits(limits) {}

    std::optional<ParseError> parse(Response& out) {
        out = Response{};
        if (at_end())
            return error("empty response");
        if (peek() == '+') {
            ++m_position;
            out.kind = ResponseKind::Continuation;
            if (!at_end() && peek() == ' ')
                ++m_position;
            if (!at_end() && peek() == '[' && !parse_code(out.code))
                return m_error;
            skip_spaces();
            out.text = std::string(rest_of_line());
            return finish_line();
        }
        std::string_view tag = read_while([](char character) {
            return character != ' ' && character != '\r' && character != '\n';
        });
        if (tag.empty())
            return error("a response must start with a tag, '*' or '+'");
        if (tag == "*") {
            out.kind = ResponseKind::Untagged;
        } else {
            out.kind = ResponseKind::Tagged;
            out.tag = std::string(tag);
        }
        if (!expect(' '))
            return m_error;
        std::string_view first = read_while([](char character) {
            return character != ' ' && character != '\r' && character != '\n' && character != '(' && character != '[';
        });
        if (first.empty())
            return error("a response keyword is missing");
        if (auto number = parse_number(first); number && out.kind == ResponseKind::Untagged) {
            out.number = number;
            if (!expect(' '))
                return m_error;
            first = read_while([](char character) {
                return character != ' ' && character != '\r' && character != '\n' && character != '(';
            });
            if (first.empty())
                return error("a keyword must follow the number");
        }
        out.keyword = to_upper_ascii(first);
        if (is_status_keyword(out.keyword) && !out.number) {
            skip_spaces();
            if (!at_end() && peek() == '[' && !parse_code(out.code))
                return m_error;
            skip_spaces();
            out.text = std::string(rest_of_line());
            return finish_line();
        }
        if (out.kind == ResponseKind::Tagged)
            return error("a tagged response must be OK, NO or BAD");
        for (;;) {
            skip_spaces();
            if (at_end() || peek() == '\r' || peek() == '\n')
                break;
            Value value;
            if (!parse_value(value, 0))
                return m_error;
            out.data.push_back(std::move(value));
        }
        return finish_line();
    }

private:
    std::string_view m_input;
    const ParserLimits& m_limits;
    std::size_t m_position = 0;
    std::optional<ParseError> m_error;

    bool at_end() const { return m_position >= m_input.size(); }
    char peek() const { return m_input[m_position]; }

    std::optional<ParseError> error(std::string message) {
        m_error = ParseError{std::move(message), m_position};
        return m_error;
    }
    bool fail(std::string message) {
        error(std::move(message));
        return false;
    }

    template <class Predicate>
    std::string_view read_while(Predicate predicate) {
        std::size_t start = m_position;
        while (!at_end() && predicate(peek()))
            ++m_position;
        return m_input.substr(start, m_position - start);
    }

    void skip_spaces() {
        while (!at_end() && peek() == ' ')
            ++m_position;
    }

    bool expect(char character) {
        if (at_end() || peek() != character)
            return fail(std::string("expected '") + character + "'");
        ++m_position;
        return true;
    }

    std::string_view rest_of_line() {
        std::string_view text = read_while([](char character) { return character != '\r' && character != '\n'; });
        return text;
    }

    std::optional<ParseError> finish_line() {
        if (!at_end() && peek() == '\r')
            ++m_position;
        if (at_end() || peek() != '\n')
            return error("expected the end of the line");
        ++m_position;
        if (!at_end())
            return error("bytes after the end of the response");
        return std::nullopt;
    }

    bool parse_code(ResponseCode& code) {
        std::size_t start = m_position;
        ++m_position;  // '['
        std::string_view name = read_while([](char character) {
            return character != ' ' && character != ']' && character != '\r' && character != '\n';
        });
        if (name.empty())
            return fail("an empty response code");
        code.name = to_upper_ascii(name);
        for (;;) {
            skip_spaces();
            if (at_end() || peek() == '\r' || peek() == '\n')
                return fail("a response code without ']'");
            if (peek() == ']') {
                ++m_position;
                return true;
            }
            Value value;
            if (!parse_value(value, 1)) {
                // Servers put free text in codes of their own; keep it raw rather than
                // rejecting the whole response.
                m_error.reset();
                m_position = start + 1 + name.size();
                skip_spaces();
                std::string_view raw =
                    read_while([](char character) { return character != ']' && character != '\r' && character != '\n'; });
                if (at_end() || peek() != ']')
                    return fail("a response code without ']'");
                ++m_position;
                code.arguments.clear();
                code.arguments.push_back(Value{Value::Kind::Atom, std::string(raw), {}});
                return true;
            }
            code.arguments.push_back(std::move(value));
        }
    }

    bool parse_value(Value& value, std::size_t depth) {
        if (depth > m_limits.max_nesting_depth)
            return fail("nesting deeper than " + std::to_string(m_limits.max_nesting_depth) + " levels");
        if (at_end())
            return fail("a value is missing");
        char first = peek();
        if (first == '(')
            return parse_list(value, depth);
        if (first == '"')
            return parse_quoted(value);
        if (first == '{' || (first == '~' && m_position + 1 < m_input.size() && m_input[m_position + 1] == '{'))
            return parse_literal(value);
        if (first == ')' || first == ']' || first == '\r' || first == '\n')
            return fail(std::string("unexpected '") + (first == '\r' || first == '\n' ? std::string("end of line") : std::string(1, first)) + "'");
        return parse_atom(value, depth);
    }

    bool parse_list(Value& value, std::size_t depth) {
        value.kind = Value::Kind::List;
        ++m_position;  // '('
        for (;;) {
            skip_spaces();
            if (at_end() || peek() == '\r' || peek() == '\n')
                return fail("a list without ')'");
            if (peek() == ')') {
                ++m_position;
                return true;
            }
            Value child;
            if (!parse_value(child, depth + 1))
                return false;
            value.children.push_back(std::move(child));
        }
    }

    bool parse_quoted(Value& value) {
        value.kind = Value::Kind::String;
        ++m_position;  // '"'
        for (;;) {
            if (at_end())
                return fail("a quoted string without its closing '\"'");
            char character = peek();
            if (character == '\r' || character == '\n')
                return fail("a line end inside a quoted string");
            ++m_position;
            if (character == '"')
                return true;
            if (character == '\\') {
                if (at_end())
                    return fail("a quoted string ends in '\\'");
                character = peek();
                if (character == '\r' || character == '\n')
                    return fail("a line end inside a quoted string");
                ++m_position;
            }
            value.text += character;
        }
    }

    bool parse_literal(Value& value) {
        value.kind = Value::Kind::String;
        if (peek() == '~')
            ++m_position;
        ++m_position;  // '{'
        std::string_view digits = read_while(is_digit);
        auto size = parse_number(digits);
        if (!size)
            return fail("a literal without a valid size");
        if (*size > m_limits.max_literal_bytes)
            return fail("a literal of " + std::to_string(*size) + " bytes is above the limit of " +
                        std::to_string(m_limits.max_literal_bytes));
        if (!at_end() && peek() == '+')
            ++m_position;
        if (!expect('}'))
            return false;
        if (!at_end() && peek() == '\r')
            ++m_position;
        if (!expect('\n'))
            return false;
        if (m_input.size() - m_position < *size)
            return fail("a literal is longer than the response");
        value.text.assign(m_input.substr(m_position, static_cast<std::size_t>(*size)));
        m_position += static_cast<std::size_t>(*size);
        return true;
    }

    /// Atoms, numbers, flags and fetch item names. A '[' inside an atom opens a section
    /// (BODY[HEADER.FIELDS (FROM TO)]) which may hold spaces and parentheses up to its ']'.
    bool parse_atom(Value& value, std::size_t depth) {
        value.kind = Value::Kind::Atom;
        std::size_t start = m_position;
        while (!at_end()) {
            char character = peek();
            if (character == ' ' || character == '(' || character == ')' || character == ']' || character == '\r' ||
                character == '\n' || character == '"')
                break;
            if (static_cast<unsigned char>(character) < 0x20 || character == 0x7f)
                return fail("a control character in an atom");
            ++m_position;
            if (character == '[') {
                if (depth + 1 > m_limits.max_nesting_depth)
                    return fail("nesting deeper than " + std::to_string(m_limits.max_nesting_depth) + " levels");
                bool in_quotes = false;
                while (!at_end() && (in_quotes || peek() != ']')) {
                    char inside = peek();
                    if (inside == '\r' || inside == '\n')
                        return fail("a section without ']'");
                    if (inside == '"')
                        in_quotes = !in_quotes;
                    else if (inside == '\\' && in_quotes && m_position + 1 < m_input.size())
                        ++m_position;
                    ++m_position;
                }
                if (at_end())
                    return fail("a section without ']'");
                ++m_position;  // ']'
            }
        }
        if (m_position == start)
            return fail("an empty atom");
        value.text.assign(m_input.substr(start, m_position - start));
        if (equals_ignoring_case(value.text, "NIL")) {
            value.kind = Value::Kind::Nil;
            value.text.clear();
        }
        return true;
    }
};

std::vector<std::string> strings_of(const Value& list) {
    std::vector<std::string> strings;
    for (const Value& child : list.children)
        if (!child.is_nil())
            strings.push_back(child.text);
    return strings;
}

}  // namespace

std::optional<std::uint64_t> Value::number() const {
    if (kind != Kind::Atom)
        return std::nullopt;
    return parse_number(text);
}

bool Value::is_atom(std::string_view name) const {
    return kind == Kind::Atom && equals_ignoring_case(text, name);
}

bool Response::is_status() const {
    return kind != ResponseKind::Continuation && !number && is_status_keyword(keyword);
}

std::string to_upper_ascii(std::string_view text) {
    std::string upper(text);
    for (char& character : upper)
        if (character >= 'a' && character <= 'z')
            character = static_cast<char>(character - 'a' + 'A');
    return upper;
}

std::optional<ParseError> parse_response(std::string_view bytes, Response& out, const ParserLimits& limits) {
    Parser parser(bytes, limits);
    return parser.parse(out);
}

namespace {

/// Whether the first line of a frame is a status response or a continuation, whose free text
/// may end in something that looks like a literal announcement but is not one.
bool is_text_line(std::string_view line) {
    if (!line.empty() && line[0] == '+')
        return true;
    std::size_t space = line.find(' ');
    if (space == std::string_view::npos)
        return false;
    std::string_view rest = line.substr(space + 1);
    std::size_t word_end = rest.find_first_of(" \r\n[");
    std::string keyword = to_upper_ascii(rest.substr(0, word_end));
    return is_status_keyword(keyword);
}

}  // namespace

std::optional<std::uint64_t> literal_size_at_line_end(std::string_view line, bool first_line,
                                                      const ParserLimits& limits, std::optional<ParseError>& error) {
    if (first_line && is_text_line(line))
        return std::nullopt;
    if (!line.empty() && line.back() == '\n')
        line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.empty() || line.back() != '}')
        return std::nullopt;
    std::size_t open = line.rfind('{');
    if (open == std::string_view::npos)
        return std::nullopt;
    std::string_view digits = line.substr(open + 1, line.size() - open - 2);
    if (!digits.empty() && digits.back() == '+')
        digits.remove_suffix(1);
    if (digits.empty())
        return std::nullopt;
    for (char character : digits)
        if (!is_digit(character))
            return std::nullopt;
    auto size = parse_number(digits);
    if (!size || *size > limits.max_literal_bytes) {
        error = ParseError{"a literal of " + std::string(digits) + " bytes is above the limit of " +
                               std::to_string(limits.max_literal_bytes),
                           open};
        return std::nullopt;
    }
    return size;
}

void ResponseFramer::feed(std::string_view bytes) {
    if (m_error)
        return;
    if (m_frame_start > 0 && m_frame_start * 2 >= m_buffer.size()) {
        m_buffer.erase(0, m_frame_start);
        m_scan -= m_frame_start;
        m_line_start -= m_frame_start;
        m_frame_start = 0;
    }
    m_buffer.append(bytes);
}

std::optional<std::string> ResponseFramer::next_frame() {
    while (!m_error) {
        if (m_literal_left > 0) {
            std::uint64_t available = m_buffer.size() - m_scan;
            if (available < m_literal_left) {
                m_literal_left -= available;
                m_scan = m_buffer.size();
                return std::nullopt;
            }
            m_scan += static_cast<std::size_t>(m_literal_left);
            m_literal_left = 0;
            m_line_start = m_scan;
        }
        std::size_t newline = m_buffer.find('\n', m_scan);
        if (newline == std::string::npos) {
            m_scan = m_buffer.size();
            if (m_buffer.size() - m_line_start > m_limits.max_line_bytes)
                m_error = ParseError{"a line longer than " + std::to_string(m_limits.max_line_bytes) + " bytes",
                                     m_line_start - m_frame_start};
            return std::nullopt;
        }
        std::string_view line(m_buffer.data() + m_line_start, newline + 1 - m_line_start);
        if (line.size() > m_limits.max_line_bytes) {
            m_error = ParseError{"a line longer than " + std::to_string(m_limits.max_line_bytes) + " bytes",
                                 m_line_start - m_frame_start};
            return std::nullopt;
        }
        m_scan = newline + 1;
        bool first_line = m_line_start == m_frame_start;
        std::optional<ParseError> literal_error;
        std::optional<std::uint64_t> literal = literal_size_at_line_end(line, first_line, m_limits, literal_error);
        if (literal_error) {
            m_error = literal_error;
            return std::nullopt;
        }
        if (literal) {
            m_literal_left = *literal;
            m_line_start = m_scan;
            continue;
        }
        std::string frame = m_buffer.substr(m_frame_start, m_scan - m_frame_start);
        m_frame_start = m_scan;
        m_line_start = m_scan;
        return frame;
    }
    return std::nullopt;
}

std::optional<ParseError> parse_fetch_attributes(Response& response, FetchAttributes& out) {
    out = FetchAttributes{};
    if (response.keyword != "FETCH" || response.data.size() != 1 || !response.data[0].is_list())
        return ParseError{"a FETCH response without its attribute list", 0};
    std::vector<Value>& items = response.data[0].children;
    if (items.size() % 2 != 0)
        return ParseError{"a FETCH attribute without a value", 0};
    for (std::size_t index = 0; index < items.size(); index += 2) {
        const Value& name = items[index];
        Value& value = items[index + 1];
        if (!name.is_atom())
            return ParseError{"a FETCH attribute name that is not an atom", 0};
        if (name.is_atom("UID")) {
            auto uid = value.number();
            if (!uid || *uid == 0 || *uid > UINT32_MAX)
                return ParseError{"an invalid UID", 0};
            out.uid = static_cast<std::uint32_t>(*uid);
        } else if (name.is_atom("FLAGS")) {
            if (!value.is_list())
                return ParseError{"FLAGS is not a list", 0};
            out.flags = strings_of(value);
        } else if (name.is_atom("INTERNALDATE")) {
            if (!value.is_string())
                return ParseError{"INTERNALDATE is not a string", 0};
            out.internal_date = value.text;
        } else if (name.is_atom("RFC822.SIZE")) {
            out.size = value.number();
            if (!out.size)
                return ParseError{"RFC822.SIZE is not a number", 0};
        } else if (name.is_atom("BODY[]") || name.is_atom("RFC822") || name.is_atom("BINARY[]")) {
            if (value.is_nil()) {
                out.body_was_nil = true;
            } else if (value.is_string()) {
                out.body = std::move(value.text);
            } else {
                return ParseError{"BODY[] is not a string", 0};
            }
        } else if (name.is_atom("X-GM-MSGID")) {
            out.gmail_message_id = value.number();
        } else if (name.is_atom("X-GM-LABELS")) {
            if (!value.is_list())
                return ParseError{"X-GM-LABELS is not a list", 0};
            out.gmail_labels = strings_of(value);
        }
    }
    return std::nullopt;
}

std::optional<std::int64_t> parse_internal_date(std::string_view text) {
    // date-day-fixed "-" date-month "-" date-year SP time SP zone
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    std::size_t dash = text.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 2)
        return std::nullopt;
    auto day = parse_number(text.substr(0, dash));
    text.remove_prefix(dash + 1);
    static constexpr std::array<std::string_view, 12> Months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (text.size() < 4 || text[3] != '-')
        return std::nullopt;
    int month = 0;
    for (std::size_t index = 0; index < Months.size(); ++index)
        if (equals_ignoring_case(text.substr(0, 3), Months[index]))
            month = static_cast<int>(index) + 1;
    text.remove_prefix(4);
    // yyyy SP hh:mm:ss SP +zzzz = 4 + 1 + 8 + 1 + 5
    if (month == 0 || text.size() != 19 || text[4] != ' ' || text[7] != ':' || text[10] != ':' || text[13] != ' ' ||
        (text[14] != '+' && text[14] != '-'))
        return std::nullopt;
    auto year = parse_number(text.substr(0, 4));
    auto hour = parse_number(text.substr(5, 2));
    auto minute = parse_number(text.substr(8, 2));
    auto second = parse_number(text.substr(11, 2));
    auto zone_hours = parse_number(text.substr(15, 2));
    auto zone_minutes = parse_number(text.substr(17, 2));
    if (!day || !year || !hour || !minute || !second || !zone_hours || !zone_minutes || *day < 1 || *day > 31 ||
        *hour > 23 || *minute > 59 || *second > 60 || *zone_minutes > 59)
        return std::nullopt;
    // Days from the civil date (proleptic Gregorian), after Howard Hinnant's published algorithm.
    std::int64_t y = static_cast<std::int64_t>(*year) - (month <= 2 ? 1 : 0);
    std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    std::int64_t year_of_era = y - era * 400;
    std::int64_t shifted_month = month > 2 ? month - 3 : month + 9;
    std::int64_t day_of_year = (153 * shifted_month + 2) / 5 + static_cast<std::int64_t>(*day) - 1;
    std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    std::int64_t days = era * 146097 + day_of_era - 719468;
    std::int64_t offset = static_cast<std::int64_t>(*zone_hours * 3600 + *zone_minutes * 60);
    if (text[14] == '-')
        offset = -offset;
    return days * 86400 + static_cast<std::int64_t>(*hour * 3600 + *minute * 60 + *second) - offset;
}

}  // namespace cairn::sources::imap
