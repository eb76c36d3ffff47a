// SPDX-License-Identifier: GPL-3.0-or-later
// The values of before:/after:/date: and larger:/smaller:.
#include <limits>

#include "core/search/query_ast.h"

namespace cairn::search::detail {
namespace {

bool is_digit(char character) { return character >= '0' && character <= '9'; }

// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's days_from_civil),
// so that no time-zone database or locale is involved.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

unsigned days_in_month(std::int64_t year, unsigned month) {
    static constexpr unsigned Days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : Days[month - 1];
}

// Reads 1 or 2 digits (4 for the year) at `index`; returns false when they are not there.
bool read_number(std::string_view text, std::size_t& index, std::size_t minimum_digits, std::size_t maximum_digits,
                 unsigned& value) {
    std::size_t digits = 0;
    value = 0;
    while (index < text.size() && is_digit(text[index]) && digits < maximum_digits) {
        value = value * 10 + static_cast<unsigned>(text[index] - '0');
        ++index;
        ++digits;
    }
    return digits >= minimum_digits && (index >= text.size() || !is_digit(text[index]));
}

}  // namespace

std::optional<DatePeriod> parse_date_period(std::string_view text, int utc_offset_minutes, std::string* problem) {
    std::size_t index = 0;
    unsigned year = 0;
    unsigned month = 0;
    unsigned day = 0;
    if (!read_number(text, index, 4, 4, year))
        return std::nullopt;
    bool has_month = false;
    bool has_day = false;
    if (index < text.size()) {
        const char separator = text[index];
        if (separator != '-' && separator != '/')
            return std::nullopt;
        ++index;
        if (!read_number(text, index, 1, 2, month))
            return std::nullopt;
        has_month = true;
        if (index < text.size()) {
            if (text[index] != separator)
                return std::nullopt;
            ++index;
            if (!read_number(text, index, 1, 2, day) || index != text.size())
                return std::nullopt;
            has_day = true;
        }
    }
    if (year == 0) {
        if (problem)
            *problem = "there is no year 0000";
        return std::nullopt;
    }
    if (has_month && (month < 1 || month > 12)) {
        if (problem)
            *problem = "the month must be 01 to 12";
        return std::nullopt;
    }
    if (has_day && (day < 1 || day > days_in_month(year, month))) {
        if (problem)
            *problem = "the day must be 01 to " + std::to_string(days_in_month(year, month)) + " in that month";
        return std::nullopt;
    }

    std::int64_t first_day = 0;
    std::int64_t next_day = 0;
    if (!has_month) {
        first_day = days_from_civil(year, 1, 1);
        next_day = days_from_civil(static_cast<std::int64_t>(year) + 1, 1, 1);
    } else if (!has_day) {
        first_day = days_from_civil(year, month, 1);
        next_day = month == 12 ? days_from_civil(static_cast<std::int64_t>(year) + 1, 1, 1)
                               : days_from_civil(year, month + 1, 1);
    } else {
        first_day = days_from_civil(year, month, day);
        next_day = first_day + 1;
    }
    // Local midnight is UTC midnight minus the zone's offset east of UTC.
    const std::int64_t offset_seconds = static_cast<std::int64_t>(utc_offset_minutes) * 60;
    return DatePeriod{first_day * 86400 - offset_seconds, next_day * 86400 - offset_seconds};
}

std::optional<std::int64_t> parse_size(std::string_view text) {
    std::size_t index = 0;
    std::int64_t number = 0;
    constexpr std::int64_t Maximum = std::numeric_limits<std::int64_t>::max();
    while (index < text.size() && is_digit(text[index])) {
        const int digit = text[index] - '0';
        if (number > (Maximum - digit) / 10)
            return std::nullopt;
        number = number * 10 + digit;
        ++index;
    }
    if (index == 0)
        return std::nullopt;
    std::int64_t multiplier = 1;
    if (index < text.size()) {
        switch (text[index]) {
            case 'k': case 'K': multiplier = std::int64_t{1} << 10; ++index; break;
            case 'm': case 'M': multiplier = std::int64_t{1} << 20; ++index; break;
            case 'g': case 'G': multiplier = std::int64_t{1} << 30; ++index; break;
            default: break;
        }
    }
    if (index < text.size() && (text[index] == 'b' || text[index] == 'B'))
        ++index;
    if (index != text.size() || number > Maximum / multiplier)
        return std::nullopt;
    return number * multiplier;
}

}  // namespace cairn::search::detail
