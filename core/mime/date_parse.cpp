// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/mime/date_parse.h"

#include <array>

#include "core/mime/header_block.h"

namespace cairn::mime {

namespace {

bool is_digit(char character) {
    return character >= '0' && character <= '9';
}

bool is_letter(char character) {
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

// Month number 1-12 from a name or its three-letter abbreviation; 0 when it is none.
int month_from_name(std::string_view word) {
    static constexpr std::array<std::string_view, 12> Names = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
    if (word.size() < 3)
        return 0;
    for (std::size_t index = 0; index < Names.size(); ++index) {
        if (detail::equals_ignoring_case(word.substr(0, 3), Names[index]))
            return static_cast<int>(index) + 1;
    }
    return 0;
}

// Offset east of UTC, in minutes, of a named zone; nullopt when the word is not a zone.
std::optional<int> zone_from_name(std::string_view word) {
    struct NamedZone {
        std::string_view name;
        int minutes;
    };
    static constexpr std::array<NamedZone, 13> Zones = {{
        {"ut", 0}, {"utc", 0}, {"gmt", 0}, {"z", 0},
        {"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
        {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420}, {"cet", 60},
    }};
    for (const NamedZone& zone : Zones) {
        if (detail::equals_ignoring_case(word, zone.name))
            return zone.minutes;
    }
    // RFC 5322 4.3: military zones were so often wrong that they are to be taken as -0000.
    if (word.size() == 1 && is_letter(word[0]) && detail::to_lower_ascii(word[0]) != 'j')
        return 0;
    return std::nullopt;
}

bool is_leap_year(std::int64_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(std::int64_t year, int month) {
    static constexpr std::array<int, 12> Days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : Days[static_cast<std::size_t>(month - 1)];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t year_of_era = year - era * 400;
    const std::int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view value) {
    int day = -1;
    int month = 0;
    std::int64_t year = -1;
    int hour = -1;
    int minute = 0;
    int second = 0;
    std::optional<int> zone_minutes;

    std::size_t position = 0;
    const std::size_t size = value.size();
    while (position < size && !zone_minutes) {
        const char character = value[position];
        if (character == '(') {
            // A comment, e.g. "(PST)" after the numeric zone; skipped, nesting included.
            int depth = 0;
            while (position < size) {
                if (value[position] == '(')
                    ++depth;
                else if (value[position] == ')' && --depth == 0)
                    break;
                ++position;
            }
            ++position;
            continue;
        }
        if ((character == '+' || character == '-') && hour >= 0 && position + 4 < size &&
            is_digit(value[position + 1])) {
            // A numeric zone: +hhmm (also tolerated: +hh:mm).
            std::size_t cursor = position + 1;
            int digits[4];
            int count = 0;
            while (cursor < size && count < 4 && (is_digit(value[cursor]) || (value[cursor] == ':' && count == 2))) {
                if (value[cursor] != ':')
                    digits[count++] = value[cursor] - '0';
                ++cursor;
            }
            if (count == 4) {
                const int hours = digits[0] * 10 + digits[1];
                const int minutes = digits[2] * 10 + digits[3];
                if (minutes >= 60)
                    return std::nullopt;
                zone_minutes = (hours * 60 + minutes) * (character == '-' ? -1 : 1);
            }
            position = cursor;
            continue;
        }
        if (is_digit(character)) {
            std::size_t cursor = position;
            std::int64_t number = 0;
            while (cursor < size && is_digit(value[cursor]) && cursor - position < 9)
                number = number * 10 + (value[cursor++] - '0');
            const std::size_t digit_count = cursor - position;
            if (cursor < size && value[cursor] == ':' && hour < 0 && digit_count <= 2) {
                // hh:mm[:ss]
                hour = static_cast<int>(number);
                minute = -1;
                ++cursor;
                std::size_t part_begin = cursor;
                int part = 0;
                while (cursor < size && is_digit(value[cursor]) && cursor - part_begin < 2)
                    part = part * 10 + (value[cursor++] - '0');
                if (cursor == part_begin)
                    return std::nullopt;
                minute = part;
                if (cursor + 1 < size && value[cursor] == ':' && is_digit(value[cursor + 1])) {
                    ++cursor;
                    part_begin = cursor;
                    part = 0;
                    while (cursor < size && is_digit(value[cursor]) && cursor - part_begin < 2)
                        part = part * 10 + (value[cursor++] - '0');
                    second = part;
                }
                // Fractional seconds, seen from some gateways, are dropped.
                if (cursor < size && value[cursor] == '.')
                    while (++cursor < size && is_digit(value[cursor])) {
                    }
            } else if (day < 0 && digit_count <= 2) {
                day = static_cast<int>(number);
            } else if (year < 0) {
                year = number;
                // RFC 5322 4.3: 00-49 are 2000-2049, 50-99 and three-digit years count from 1900.
                if (digit_count <= 2)
                    year += year < 50 ? 2000 : 1900;
                else if (digit_count == 3)
                    year += 1900;
            }
            position = cursor;
            continue;
        }
        if (is_letter(character)) {
            std::size_t cursor = position;
            while (cursor < size && is_letter(value[cursor]))
                ++cursor;
            const std::string_view word = value.substr(position, cursor - position);
            if (month == 0 && month_from_name(word) != 0 && word.size() <= 9) {
                month = month_from_name(word);
            } else if (hour >= 0) {
                // After the time, a word is the zone; an unknown one (or junk) means UTC.
                zone_minutes = zone_from_name(word).value_or(0);
            }
            // Anything else before the time (a weekday, "Date:" noise) is ignored.
            position = cursor;
            continue;
        }
        ++position;
    }

    if (day < 1 || month == 0 || year < 0 || year > 9999)
        return std::nullopt;
    if (day > days_in_month(year, month))
        return std::nullopt;
    if (hour < 0)
        hour = 0;  // a date without a time: midnight
    if (hour > 23 || minute < 0 || minute > 59 || second > 60)
        return std::nullopt;
    const std::int64_t days = days_from_civil(year, month, day);
    return days * 86400 + hour * 3600 + minute * 60 + second - std::int64_t{zone_minutes.value_or(0)} * 60;
}

}  // namespace cairn::mime
