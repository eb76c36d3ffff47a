// SPDX-License-Identifier: GPL-3.0-or-later
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "app/cli/commands.h"

namespace cairn::cli {
namespace {

/// The snippet with its matches marked for a reader: bold on a terminal, [brackets] otherwise.
std::string marked_snippet(const std::string& snippet, bool terminal) {
    std::string out;
    for (char c : snippet) {
        if (c == '\x02')
            out += terminal ? "\033[1m" : "[";
        else if (c == '\x03')
            out += terminal ? "\033[0m" : "]";
        else if (c == '\n' || c == '\r' || c == '\t')
            out.push_back(' ');
        else
            out.push_back(c);
    }
    return out;
}

nlohmann::json hit_json(const search::SearchHit& hit, const std::string& user) {
    return {{"id", hit.message_id},
            {"user", user},
            {"date", hit.date ? nlohmann::json(*hit.date) : nlohmann::json(nullptr)},
            {"from", hit.from},
            {"to", hit.to},
            {"subject", hit.subject},
            {"folders", hit.folders},
            {"size", hit.size},
            {"attachments", hit.attachment_names},
            {"snippet", hit.snippet}};
}

/// Nothing when USER's index is current; else repair_index_for_search decides (each program
/// has its own, see commands.h).
Result<void> make_index_current(const Context& context, Archive& archive, const std::string& user,
                                std::optional<IndexHealth> known = std::nullopt) {
    const IndexHealth health = known ? *known : CAIRN_TRY(archive.index_health(user));
    if (health.condition == IndexCondition::Current)
        return {};
    return repair_index_for_search(context, user, health);
}

/// CALL's result; when SQLite finds the user's index damaged on the way, the index is rebuilt
/// and CALL runs once more.
template <class Call>
auto with_index_repair(const Context& context, Archive& archive, const std::string& user, Call&& call)
    -> decltype(call()) {
    auto result = call();
    if (result || !is_damaged_index_error(result.error()))
        return result;
    IndexHealth damaged{IndexCondition::Damaged, result.error().describe()};
    CAIRN_TRY_VOID(make_index_current(context, archive, user, damaged));
    return call();
}

}  // namespace

int run_search(const Context& context, const SearchArguments& arguments) {
    if (arguments.all_users && arguments.user)
        return context.fail({ErrorCode::InvalidArgument, "--user and --all-users exclude each other", ""});
    auto archive = context.open_archive(Access::ReadOnly);
    if (!archive)
        return context.fail(archive.error());
    std::vector<std::string> users;
    if (arguments.all_users) {
        auto all = archive->users();
        if (!all)
            return context.fail(all.error());
        users = *all;
    } else {
        users.push_back(arguments.user ? *arguments.user : operating_system_user());
    }
    for (const auto& user : users)
        if (auto current = make_index_current(context, *archive, user); !current)
            return context.fail(current.error());

    // Timed from here: the archive is open and unlocked and the indexes are current, so what is
    // measured is the search a user waits for in a running app (benchmarks report it apart
    // from process start-up).
    const auto search_started = std::chrono::steady_clock::now();
    const auto print_timing = [&] {
        if (arguments.timing)
            fmt::print(stderr, "search time: {:.3f} ms\n",
                       std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - search_started)
                           .count());
    };
    if (arguments.count_only) {
        std::uint64_t total = 0;
        for (const auto& user : users) {
            auto count = with_index_repair(context, *archive, user, [&] { return archive->count(user, arguments.query); });
            if (!count)
                return context.fail(count.error());
            total += *count;
        }
        print_timing();
        if (context.options.json)
            context.print_json({{"count", total}});
        else
            fmt::print("{}\n", total);
        return ExitSuccess;
    }

    search::SearchRequest request;
    request.query = arguments.query;
    request.sort = arguments.sort == "relevance" ? search::SortOrder::Relevance : search::SortOrder::Date;
    // Each user's best offset+limit hits, merged: enough to cut the requested page from.
    request.limit = arguments.limit + arguments.offset;
    std::vector<std::pair<search::SearchHit, std::string>> hits;
    for (const auto& user : users) {
        auto found = with_index_repair(context, *archive, user, [&] { return archive->search(user, request); });
        if (!found)
            return context.fail(found.error());
        for (auto& hit : *found)
            hits.emplace_back(std::move(hit), user);
    }
    if (users.size() > 1) {
        std::stable_sort(hits.begin(), hits.end(), [&](const auto& left, const auto& right) {
            if (request.sort == search::SortOrder::Relevance && left.first.rank != right.first.rank)
                return left.first.rank < right.first.rank;
            return left.first.date.value_or(0) > right.first.date.value_or(0);
        });
    }
    print_timing();
    std::size_t begin = std::min<std::size_t>(hits.size(), arguments.offset);
    std::size_t end = std::min<std::size_t>(hits.size(), begin + arguments.limit);

    if (context.options.json) {
        nlohmann::json list = nlohmann::json::array();
        for (std::size_t i = begin; i < end; ++i)
            list.push_back(hit_json(hits[i].first, hits[i].second));
        context.print_json({{"hits", list}});
        return ExitSuccess;
    }
    bool terminal = ::isatty(STDOUT_FILENO) == 1;
    for (std::size_t i = begin; i < end; ++i) {
        const auto& hit = hits[i].first;
        std::string folders;
        for (const auto& folder : hit.folders)
            folders += (folders.empty() ? "" : ", ") + folder;
        fmt::print("{:>7}  {}  {}{}  {}  {}\n", hit.message_id, format_date(hit.date),
                   users.size() > 1 ? hits[i].second + ": " : "", folders, hit.from, hit.subject);
        if (!hit.attachment_names.empty()) {
            std::string names;
            for (const auto& name : hit.attachment_names)
                names += (names.empty() ? "" : ", ") + name;
            fmt::print("         attachments: {}\n", names);
        }
        if (!hit.snippet.empty())
            fmt::print("         {}\n", marked_snippet(hit.snippet, terminal));
    }
    return ExitSuccess;
}

}  // namespace cairn::cli
