// SPDX-License-Identifier: GPL-3.0-or-later
#include <fmt/format.h>

#include "app/cli/commands.h"

namespace cairn::cli {

int run_verify(const Context& context) {
    auto archive = context.open_archive(Access::ReadOnly);
    if (!archive)
        return context.fail(archive.error());
    ProgressPrinter progress("verify", context.options.quiet);
    auto report = archive->verify(&progress, context.cancel);
    if (!report)
        return context.fail(report.error());
    if (context.options.json) {
        nlohmann::json messages = nlohmann::json::array();
        for (const auto& damaged : report->damaged_messages)
            messages.push_back({{"id", damaged.message_id},
                                {"user", damaged.user},
                                {"folder", damaged.folder},
                                {"subject", damaged.subject},
                                {"problem", damaged.problem}});
        context.print_json({{"ok", report->ok()},
                            {"blocks_checked", report->blocks_checked},
                            {"messages_checked", report->messages_checked},
                            {"bytes_checked", report->bytes_checked},
                            {"damaged_blocks", report->damaged_blocks},
                            {"damaged_messages", messages},
                            {"cancelled", report->cancelled}});
    } else {
        for (const auto& block : report->damaged_blocks)
            fmt::print("damaged block: {}\n", block);
        for (const auto& damaged : report->damaged_messages)
            fmt::print("damaged message {} (user {}, folder \"{}\", subject \"{}\"): {}\n", damaged.message_id,
                       damaged.user, damaged.folder, damaged.subject, damaged.problem);
        if (!context.options.quiet || !report->ok())
            fmt::print("{}: {} blocks and {} messages checked, {} damaged blocks, {} damaged messages\n",
                       report->ok() ? "OK" : "DAMAGED", report->blocks_checked, report->messages_checked,
                       report->damaged_blocks.size(), report->damaged_messages.size());
    }
    if (report->cancelled)
        return ExitInterrupted;
    return report->ok() ? ExitSuccess : ExitSomeItemsFailed;
}

}  // namespace cairn::cli
