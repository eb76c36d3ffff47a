// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace cairn::desktop {

/// The quick filters beside the search box. They add conditions of the query language to what
/// is typed (one way to search, and the query shown teaches it), never a second search path.
struct QuickFilters {
    enum class Period { AnyTime, Last30Days, ThisYear, Between };
    std::string from;
    Period period = Period::AnyTime;
    std::chrono::year_month_day first_day{};  ///< Between: both days included
    std::chrono::year_month_day last_day{};
    bool has_attachment = false;
};

/// The filters as query conditions ("from:ann", "date:2026", "has:attachment"), TODAY being
/// the local date the periods count back from.
std::vector<std::string> filter_conditions(const QuickFilters& filters, std::chrono::year_month_day today);

}  // namespace cairn::desktop
