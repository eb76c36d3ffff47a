// SPDX-License-Identifier: GPL-3.0-or-later
#include <fmt/format.h>

#include "app/cli/commands.h"
#include "core/sources/apple_mail/store_discovery.h"
#include "core/sources/outlook/data_file_discovery.h"
#include "core/sources/thunderbird/profile_discovery.h"

namespace cairn::cli {

namespace {

/// The paths to import: those given, plus the Thunderbird profile and Outlook data files asked for.
Result<std::vector<std::filesystem::path>> import_paths(const Context& context, const ImportArguments& arguments) {
    std::vector<std::filesystem::path> paths(arguments.paths.begin(), arguments.paths.end());
    const sources::UserPlaces places = sources::UserPlaces::of_current_user();
    const bool talk = !context.options.quiet && !context.options.json;
    if (arguments.thunderbird_profile) {
        std::optional<std::string> wanted;
        if (!arguments.thunderbird_profile->empty())
            wanted = *arguments.thunderbird_profile;
        auto profile =
            sources::thunderbird::choose_profile(sources::thunderbird::find_thunderbird_profiles(places), wanted);
        if (!profile)
            return std::unexpected(profile.error());
        if (talk)
            fmt::print("Thunderbird profile {}: {}\n", profile->name, profile->path.string());
        paths.push_back(profile->path);
    }
    if (arguments.outlook) {
        auto files = sources::outlook::find_outlook_data_files(places, windows_disk_paths(arguments.windows_disks));
        if (files.empty())
            return make_error(ErrorCode::NotFound,
                              "no Outlook data file (.pst, .ost) found; name a mounted Windows disk with "
                              "--windows-disk DIR, or give the files as paths",
                              "");
        for (const auto& file : files) {
            if (talk)
                fmt::print("Outlook data file: {}\n", file.path.string());
            paths.push_back(file.path);
        }
    }
    if (arguments.apple_mail) {
        auto stores = sources::apple_mail::find_apple_mail_stores(places);
        if (stores.empty())
            return make_error(ErrorCode::NotFound,
                              "no Apple Mail store found (~/Library/Mail/V2 to V10, on macOS); give a copied "
                              "Mail/Vn directory as a path",
                              "");
        // Mail moves its mail to a new Vn directory when it upgrades; the newest one is in use.
        if (talk)
            fmt::print("Apple Mail: {}\n", stores.front().path.string());
        paths.push_back(stores.front().path);
    }
    return paths;
}

}  // namespace

int run_import(const Context& context, const ImportArguments& arguments) {
    auto paths = import_paths(context, arguments);
    if (!paths)
        return context.fail(paths.error());
    auto archive = context.open_archive(Access::ReadWrite);
    if (!archive)
        return context.fail(archive.error());
    ImportOptions options;
    options.user = arguments.user.empty() ? operating_system_user() : arguments.user;
    options.folder_prefix = arguments.folder;
    while (!options.folder_prefix.empty() && options.folder_prefix.back() == '/')
        options.folder_prefix.pop_back();
    options.worker_threads = arguments.workers;
    ProgressPrinter progress("import", context.options.quiet);
    auto report = archive->import(*paths, options, &progress, context.cancel);
    if (!report)
        return context.fail(report.error());

    for (const auto& warning : report->warnings)
        fmt::print(stderr, "cairn: warning: {}\n", warning);
    for (const auto& failure : report->failures)
        fmt::print(stderr, "cairn: not archived: {}{}: {}\n", failure.source_path,
                   failure.offset ? fmt::format(" at offset {}", failure.offset) : "", failure.reason);
    if (context.options.json) {
        nlohmann::json failures = nlohmann::json::array();
        for (const auto& failure : report->failures)
            failures.push_back({{"source", failure.source_path}, {"offset", failure.offset}, {"reason", failure.reason}});
        nlohmann::json document = {
            {"messages_seen", report->messages_seen},
            {"messages_stored", report->messages_stored},
            {"messages_added_to_folder", report->messages_linked},
            {"messages_already_archived", report->messages_unchanged},
            {"bytes_read", report->bytes_read},
            {"files_unchanged", report->files_skipped_unchanged},
            {"files_passed_over", report->files_passed_over},
            {"failures", failures},
            {"warnings", report->warnings},
            {"cancelled", report->cancelled},
            {"seconds", report->seconds},
        };
        if (report->fatal_error)
            document["error"] = {{"code", std::string(error_code_name(report->fatal_error->code))},
                                 {"message", report->fatal_error->message},
                                 {"context", report->fatal_error->context}};
        context.print_json(document);
    } else if (!context.options.quiet) {
        fmt::print("{} messages read in {:.1f}s: {} archived, {} already archived elsewhere and added to this folder, "
                   "{} already here; {} unchanged files skipped; {} passed over (not mail: indexes, calendar "
                   "items, contacts...); {} failed\n",
                   report->messages_seen, report->seconds, report->messages_stored, report->messages_linked,
                   report->messages_unchanged, report->files_skipped_unchanged, report->files_passed_over,
                   report->failures.size());
    }
    if (report->fatal_error) {
        fmt::print(stderr, "cairn: the import stopped: {}\n", report->fatal_error->describe());
        fmt::print(stderr, "cairn: everything archived before this point is safe; run the same command again to finish\n");
        return ExitCannotRun;
    }
    if (report->cancelled) {
        fmt::print(stderr, "cairn: interrupted; what was archived so far is kept. Run the same command again to finish.\n");
        return ExitInterrupted;
    }
    return report->failures.empty() ? ExitSuccess : ExitSomeItemsFailed;
}

}  // namespace cairn::cli
