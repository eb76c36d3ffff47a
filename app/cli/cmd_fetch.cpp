// SPDX-License-Identifier: GPL-3.0-or-later
#include <fmt/format.h>

#include "app/cli/commands.h"

namespace cairn::cli {
namespace {

nlohmann::json error_json(const Error& error) {
    return {{"code", std::string(error_code_name(error.code))}, {"message", error.message}, {"context", error.context}};
}

}  // namespace

int run_fetch(const Context& context, const FetchArguments& arguments) {
    auto archive = context.open_archive(Access::ReadWrite);
    if (!archive)
        return context.fail(archive.error());
    FetchOptions options;
    options.worker_threads = arguments.workers;
    options.cleanup_dry_run = arguments.dry_run;
    options.oauth_clients = oauth_client_defaults_from_environment();
    ProgressPrinter progress("fetch", context.options.quiet);
    auto report = archive->fetch(arguments.accounts, options, &progress, context.cancel);
    if (!report)
        return context.fail(report.error());
    if (report->accounts.empty() && !context.options.json && !context.options.quiet)
        fmt::print("No accounts. Add one with `cairn account add imap NAME --host HOST --login LOGIN`.\n");

    bool any_failed = false, any_error = false;
    nlohmann::json accounts = nlohmann::json::array();
    for (const auto& account : report->accounts) {
        const auto& import = account.import;
        for (const auto& warning : import.warnings)
            fmt::print(stderr, "cairn: warning: {}: {}\n", account.account, warning);
        for (const auto& failure : import.failures)
            fmt::print(stderr, "cairn: not archived: {}{}: {}\n", failure.source_path,
                       failure.offset ? fmt::format(" UID {}", failure.offset) : "", failure.reason);
        if (account.error)
            fmt::print(stderr, "cairn: {}: {}\n", account.account, account.error->describe());
        any_failed = any_failed || !import.failures.empty();
        any_error = any_error || account.error.has_value();
        if (context.options.json) {
            nlohmann::json failures = nlohmann::json::array();
            for (const auto& failure : import.failures)
                failures.push_back({{"source", failure.source_path}, {"uid", failure.offset}, {"reason", failure.reason}});
            nlohmann::json item = {
                {"account", account.account},
                {"folders", account.folders},
                {"reconnections", account.reconnections},
                {"messages_seen", import.messages_seen},
                {"messages_stored", import.messages_stored},
                {"messages_added_to_folder", import.messages_linked},
                {"messages_already_archived", import.messages_unchanged},
                {"bytes_read", import.bytes_read},
                {"removed_from_server", account.removed_from_server},
                {"would_remove_from_server", account.cleanup_candidates},
                {"failures", failures},
                {"warnings", import.warnings},
                {"seconds", import.seconds},
            };
            if (account.error)
                item["error"] = error_json(*account.error);
            accounts.push_back(std::move(item));
        } else if (!context.options.quiet) {
            fmt::print("{}: {} folders, {} messages fetched in {:.1f}s: {} archived, {} already archived elsewhere and "
                       "added to their folder, {} already there; {} failed",
                       account.account, account.folders, import.messages_seen, import.seconds, import.messages_stored,
                       import.messages_linked, import.messages_unchanged, import.failures.size());
            if (account.removed_from_server)
                fmt::print("; {} removed from the server", account.removed_from_server);
            fmt::print("\n");
            if (arguments.dry_run) {
                fmt::print("{}: the cleanup rule would remove {} messages from the server{}\n", account.account,
                           account.cleanup_candidates.size(), account.cleanup_candidates.empty() ? "" : ":");
                for (const auto& candidate : account.cleanup_candidates)
                    fmt::print("    {}\n", candidate);
            }
        }
    }
    if (context.options.json)
        context.print_json({{"accounts", accounts}, {"cancelled", report->cancelled}});
    if (report->cancelled) {
        fmt::print(stderr, "cairn: interrupted; what was fetched so far is kept. Run the same command again to finish.\n");
        return ExitInterrupted;
    }
    if (any_error)
        return ExitCannotRun;
    return any_failed ? ExitSomeItemsFailed : ExitSuccess;
}

}  // namespace cairn::cli
