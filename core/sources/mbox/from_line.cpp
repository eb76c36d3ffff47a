// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/mbox/from_line.h"

#include <array>
#include <cstddef>

namespace cairn::sources::mbox {
namespace {

constexpr std::array<std::string_view, 7> WeekdayNames{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 12> MonthNames{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Python's \s for bytes patterns: space, \t, \n, \r, \f, \v.
bool is_space(char character) {
    return character == ' ' || (character >= '\t' && character <= '\r');
}

bool is_digit(char character) { return character >= '0' && character <= '9'; }

bool is_upper(char character) { return character >= 'A' && character <= 'Z'; }

int two_digits(std::string_view text, std::size_t position) {
    return (text[position] - '0') * 10 + (text[position + 1] - '0');
}

/// Index of the three-letter name at TEXT[POSITION..], or -1.
template <std::size_t Count>
int name_index(const std::array<std::string_view, Count>& names, std::string_view text,
               std::size_t position) {
    if (text.size() < position + 3)
        return -1;
    std::string_view candidate = text.substr(position, 3);
    for (std::size_t index = 0; index < Count; ++index) {
        if (names[index] == candidate)
            return static_cast<int>(index);
    }
    return -1;
}

struct DateTail {
    int year = 0;
    unsigned month = 0;  // 1..12
    unsigned day = 0;
    unsigned hour = 0;
    unsigned minute = 0;
    unsigned second = 0;
    std::size_t end = 0;  // position after the year
};

/// Matches `Www Mmm [ d]d hh:mm(:ss)? ([A-Z]{3,4} )?dddd` at TEXT[POSITION..]. Every optional part
/// is decided by its first character, so no backtracking is needed to agree with the regex.
std::optional<DateTail> match_date_tail(std::string_view text, std::size_t position) {
    DateTail tail;
    std::size_t at = position;
    if (name_index(WeekdayNames, text, at) < 0)
        return std::nullopt;
    at += 3;
    if (at >= text.size() || text[at] != ' ')
        return std::nullopt;
    ++at;
    int month = name_index(MonthNames, text, at);
    if (month < 0)
        return std::nullopt;
    tail.month = static_cast<unsigned>(month + 1);
    at += 3;
    // " [ \d]\d hh:mm" is 10 characters.
    if (text.size() < at + 10 || text[at] != ' ')
        return std::nullopt;
    ++at;
    if (!(text[at] == ' ' || is_digit(text[at])) || !is_digit(text[at + 1]))
        return std::nullopt;
    tail.day = static_cast<unsigned>((text[at] == ' ' ? 0 : text[at] - '0') * 10 + (text[at + 1] - '0'));
    at += 2;
    if (text[at] != ' ' || !is_digit(text[at + 1]) || !is_digit(text[at + 2]) || text[at + 3] != ':' ||
        !is_digit(text[at + 4]) || !is_digit(text[at + 5]))
        return std::nullopt;
    tail.hour = static_cast<unsigned>(two_digits(text, at + 1));
    tail.minute = static_cast<unsigned>(two_digits(text, at + 4));
    at += 6;
    if (at < text.size() && text[at] == ':') {
        if (text.size() < at + 3 || !is_digit(text[at + 1]) || !is_digit(text[at + 2]))
            return std::nullopt;
        tail.second = static_cast<unsigned>(two_digits(text, at + 1));
        at += 3;
    }
    if (at >= text.size() || text[at] != ' ')
        return std::nullopt;
    ++at;
    std::size_t letters = 0;
    while (at + letters < text.size() && is_upper(text[at + letters]))
        ++letters;
    if (letters != 0) {
        if (letters < 3 || letters > 4 || at + letters >= text.size() || text[at + letters] != ' ')
            return std::nullopt;
        at += letters + 1;
    }
    if (text.size() < at + 4)
        return std::nullopt;
    for (std::size_t index = 0; index < 4; ++index) {
        if (!is_digit(text[at + index]))
            return std::nullopt;
    }
    tail.year = two_digits(text, at) * 100 + two_digits(text, at + 2);
    tail.end = at + 4;
    return tail;
}

/// ` +<date tail>\r?$` at LINE[POSITION..].
bool match_spaces_and_date_to_end(std::string_view line, std::size_t position) {
    if (position >= line.size() || line[position] != ' ')
        return false;
    while (position < line.size() && line[position] == ' ')
        ++position;
    std::optional<DateTail> tail = match_date_tail(line, position);
    if (!tail)
        return false;
    std::size_t end = tail->end;
    if (end < line.size() && line[end] == '\r')
        ++end;
    return end == line.size();
}

std::size_t skip_non_space(std::string_view line, std::size_t position) {
    while (position < line.size() && !is_space(line[position]))
        ++position;
    return position;
}

}  // namespace

bool is_separator_line(std::string_view line) {
    constexpr std::string_view Prefix = "From ";
    if (!line.starts_with(Prefix))
        return false;
    // \S+ is maximal here: whatever follows it must be a space.
    std::size_t address_end = skip_non_space(line, Prefix.size());
    if (address_end == Prefix.size())
        return false;
    if (match_spaces_and_date_to_end(line, address_end))
        return true;
    // The optional " at host" of archives that obfuscate addresses ("jdoe at example.org").
    constexpr std::string_view At = " at ";
    if (line.substr(address_end).starts_with(At)) {
        std::size_t host_start = address_end + At.size();
        std::size_t host_end = skip_non_space(line, host_start);
        if (host_end > host_start && match_spaces_and_date_to_end(line, host_end))
            return true;
    }
    return false;
}

bool is_header_line(std::string_view line) {
    std::size_t position = 0;
    while (position < line.size()) {
        unsigned char character = static_cast<unsigned char>(line[position]);
        if (character == ':')
            return position > 0;
        if (character < 0x21 || character > 0x7e)
            return false;
        ++position;
    }
    return false;
}

std::int64_t civil_to_epoch_seconds(int year, unsigned month, unsigned day, unsigned hour,
                                    unsigned minute, unsigned second) {
    // Howard Hinnant's days_from_civil.
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const unsigned year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    const std::int64_t days = era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
    return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::optional<std::int64_t> from_line_time(std::string_view line) {
    for (std::size_t position = 1; position + 3 < line.size(); ++position) {
        if (line[position - 1] != ' ')
            continue;
        std::optional<DateTail> tail = match_date_tail(line, position);
        if (!tail)
            continue;
        if (tail->day < 1 || tail->day > 31 || tail->hour > 23 || tail->minute > 59 || tail->second > 60)
            return std::nullopt;
        return civil_to_epoch_seconds(tail->year, tail->month, tail->day, tail->hour, tail->minute,
                                      tail->second);
    }
    return std::nullopt;
}

}  // namespace cairn::sources::mbox
