// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/models/quick_filters.h"

#include <fmt/format.h>

#include "core/search/query.h"

namespace cairn::desktop {
namespace {

std::string iso_date(std::chrono::year_month_day day) {
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                       static_cast<unsigned>(day.day()));
}

}  // namespace

std::vector<std::string> filter_conditions(const QuickFilters& filters, std::chrono::year_month_day today) {
    std::vector<std::string> conditions;
    if (filters.from.find_first_not_of(" \t") != std::string::npos) {
        // Trimmed: a space typed after the name is not part of what is looked for.
        const auto first = filters.from.find_first_not_of(" \t");
        const auto last = filters.from.find_last_not_of(" \t");
        conditions.push_back("from:" + search::quote_query_value(filters.from.substr(first, last - first + 1)));
    }
    switch (filters.period) {
    case QuickFilters::Period::AnyTime:
        break;
    case QuickFilters::Period::Last30Days:
        conditions.push_back("after:" + iso_date(std::chrono::sys_days(today) - std::chrono::days(30)));
        break;
    case QuickFilters::Period::ThisYear:
        conditions.push_back(fmt::format("date:{:04}", static_cast<int>(today.year())));
        break;
    case QuickFilters::Period::Between:
        conditions.push_back("date:" + iso_date(filters.first_day) + ".." + iso_date(filters.last_day));
        break;
    }
    if (filters.has_attachment)
        conditions.push_back("has:attachment");
    return conditions;
}

}  // namespace cairn::desktop
