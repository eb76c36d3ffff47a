// SPDX-License-Identifier: GPL-3.0-or-later
// `cairn reindex`, and the repair of an index a search finds not current (cairn-full only: it
// needs the import side of core, which the search-only `cairn` does not link).
#include <fmt/format.h>

#include "app/cli/commands.h"

namespace cairn::cli {
namespace {

std::string_view condition_verb(IndexCondition condition) {
    switch (condition) {
    case IndexCondition::Lagging: return "catching it up";
    case IndexCondition::Outdated: return "updating it";
    default: return "rebuilding it";
    }
}

}  // namespace

// The repair needs the writer lock: while an import holds it, a lagging index is searched as it
// is, with a warning.
Result<void> repair_index_for_search(const Context& context, const std::string& user, const IndexHealth& health) {
    fmt::print(stderr, "cairn: {}; {} now\n", health.description, condition_verb(health.condition));
    auto writable = context.open_archive(Access::ReadWrite);
    if (!writable) {
        if (writable.error().code == ErrorCode::Busy && health.condition == IndexCondition::Lagging) {
            fmt::print(stderr, "cairn: warning: an import is running; results may miss what it archived last\n");
            return {};
        }
        if (writable.error().code == ErrorCode::Busy)
            return make_error(ErrorCode::Busy,
                              fmt::format("the search index of {} cannot be rebuilt while an import runs; search "
                                          "again when it has finished",
                                          user),
                              writable.error().context);
        return std::unexpected(writable.error());
    }
    ProgressPrinter progress("index " + user, context.options.quiet);
    const std::uint64_t indexed = CAIRN_TRY(writable->repair_index(user, &progress, context.cancel));
    if (context.cancel && context.cancel->is_cancelled())
        return make_error(ErrorCode::Cancelled, "interrupted while repairing the search index", user);
    fmt::print(stderr, "cairn: the search index of {} is up to date ({} messages indexed)\n", user, indexed);
    return {};
}

int run_reindex(const Context& context, const ReindexArguments& arguments) {
    auto archive = context.open_archive(Access::ReadWrite);
    if (!archive)
        return context.fail(archive.error());
    std::vector<std::string> users;
    if (arguments.user) {
        users.push_back(*arguments.user);
    } else {
        auto all = archive->users();
        if (!all)
            return context.fail(all.error());
        users = *all;
    }
    nlohmann::json indexed = nlohmann::json::object();
    for (const auto& user : users) {
        ProgressPrinter progress("reindex " + user, context.options.quiet);
        auto count = archive->reindex(user, &progress, context.cancel);
        if (!count)
            return context.fail(count.error());
        indexed[user] = *count;
        if (!context.options.json && !context.options.quiet)
            fmt::print("{}: {} messages indexed\n", user, *count);
        if (context.cancel && context.cancel->is_cancelled())
            return ExitInterrupted;
    }
    if (context.options.json)
        context.print_json({{"indexed", indexed}});
    return ExitSuccess;
}

}  // namespace cairn::cli
