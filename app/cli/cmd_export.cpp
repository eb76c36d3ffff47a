// SPDX-License-Identifier: GPL-3.0-or-later
#include <fmt/format.h>

#include "app/cli/commands.h"

namespace cairn::cli {

int run_export(const Context& context, const ExportArguments& arguments) {
    ExportOptions options;
    if (arguments.format == "eml")
        options.format = ExportFormat::Eml;
    else if (arguments.format == "mbox")
        options.format = ExportFormat::Mbox;
    else if (arguments.format == "zip")
        options.format = ExportFormat::Zip;
    else
        return context.fail({ErrorCode::InvalidArgument, "--format must be eml, mbox or zip", arguments.format});
    options.out = arguments.out;
    options.filter.user = arguments.user;
    options.filter.folder = arguments.folder;
    options.message_ids = arguments.message_ids;
    auto archive = context.open_archive(Access::ReadOnly);
    if (!archive)
        return context.fail(archive.error());
    ProgressPrinter progress("export", context.options.quiet);
    auto report = archive->export_messages(options, &progress, context.cancel);
    if (!report)
        return context.fail(report.error());
    for (const auto& failure : report->failures)
        fmt::print(stderr, "cairn: not exported: {}: {}\n", failure.source_path, failure.reason);
    if (context.options.json) {
        nlohmann::json failures = nlohmann::json::array();
        for (const auto& failure : report->failures)
            failures.push_back({{"item", failure.source_path}, {"reason", failure.reason}});
        context.print_json({{"messages", report->messages},
                            {"bytes", report->bytes},
                            {"out", options.out.string()},
                            {"failures", failures},
                            {"cancelled", report->cancelled}});
    } else if (!context.options.quiet) {
        fmt::print("Exported {} messages ({}) to {}\n", report->messages, format_bytes(report->bytes), options.out.string());
    }
    if (report->cancelled)
        return ExitInterrupted;
    return report->failures.empty() ? ExitSuccess : ExitSomeItemsFailed;
}

}  // namespace cairn::cli
