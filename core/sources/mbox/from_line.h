// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cairn::sources::mbox {

/// True when LINE (without its '\n'; a trailing '\r' is allowed) has the strict shape of an mbox
/// separator written by a real mbox writer: `From <addr>[ at <host>] <asctime>`, where asctime is
/// `Www Mmm dd hh:mm[:ss] [ZONE ]yyyy`. This is the acceptance oracle's separator rule, matched by
/// hand because it runs on every candidate line of multi-gigabyte files.
bool is_separator_line(std::string_view line);

/// True when LINE starts like a header field: one or more printable non-space, non-colon ASCII
/// characters followed by ':'.
bool is_header_line(std::string_view line);

/// Seconds since the epoch of the asctime date in a From_ line, read as UTC; nullopt when the line
/// holds no recognisable date. Lenient: the date may sit anywhere after the address.
std::optional<std::int64_t> from_line_time(std::string_view line);

/// Seconds since the epoch of a proleptic Gregorian civil date and time in UTC.
std::int64_t civil_to_epoch_seconds(int year, unsigned month, unsigned day, unsigned hour,
                                    unsigned minute, unsigned second);

}  // namespace cairn::sources::mbox
