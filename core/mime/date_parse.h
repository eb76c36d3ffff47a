// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cairn::mime {

/// Parses an RFC 5322 Date: value, leniently: the obsolete forms (two- and three-digit years,
/// named zones such as GMT, UT, EST or PDT, military zones taken as UTC as RFC 5322 advises),
/// a missing weekday, missing seconds, missing zone (UTC), comments, asctime order
/// ("Mon Jan  2 15:04:05 2006") and junk after the zone. Returns seconds since the epoch in UTC,
/// or nullopt when no day, month and year can be found or a field is out of range.
std::optional<std::int64_t> parse_date(std::string_view value);

}  // namespace cairn::mime
