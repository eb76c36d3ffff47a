// SPDX-License-Identifier: GPL-3.0-or-later
#include <fmt/format.h>

#include "app/cli/commands.h"

namespace cairn::cli {

int run_stats(const Context& context) {
    auto archive = context.open_archive(Access::ReadOnly);
    if (!archive)
        return context.fail(archive.error());
    auto statistics = archive->statistics();
    if (!statistics)
        return context.fail(statistics.error());
    const auto& catalog = statistics->catalog;
    std::uint64_t stored = statistics->pack_file_bytes + statistics->catalog_file_bytes + statistics->index_file_bytes;
    // What deduplication saved: a message kept once for several folders or users, and an
    // attachment kept once for several messages. (Compression, and storing base64 decoded, are
    // not counted here: they show in the stored size.)
    std::uint64_t dedup_saved = (catalog.placed_bytes - catalog.raw_bytes) + catalog.shared_part_bytes;
    if (context.options.json) {
        context.print_json({{"archive", archive->directory().string()},
                            {"messages", catalog.messages},
                            {"placements", catalog.placements},
                            {"users", catalog.users},
                            {"folders", catalog.folders},
                            {"raw_bytes", catalog.raw_bytes},
                            {"placed_bytes", catalog.placed_bytes},
                            {"stored_bytes",
                             {{"packs", statistics->pack_file_bytes},
                              {"catalog", statistics->catalog_file_bytes},
                              {"index", statistics->index_file_bytes},
                              {"total", stored}}},
                            {"distinct_content_bytes", catalog.stored_content_bytes},
                            {"dedup_saved_bytes", dedup_saved},
                            {"stores", catalog.stores},
                            {"packs", catalog.packs}});
        return ExitSuccess;
    }
    double ratio = catalog.raw_bytes ? 100.0 * static_cast<double>(stored) / static_cast<double>(catalog.raw_bytes) : 0;
    fmt::print("Archive      {}\n", archive->directory().string());
    fmt::print("Messages     {} distinct, {} in folders ({} users, {} folders)\n", catalog.messages, catalog.placements,
               catalog.users, catalog.folders);
    fmt::print("Raw size     {}\n", format_bytes(catalog.raw_bytes));
    fmt::print("Stored       {} ({:.1f}% of raw): packs {}, catalog {}, index {}\n", format_bytes(stored), ratio,
               format_bytes(statistics->pack_file_bytes), format_bytes(statistics->catalog_file_bytes),
               format_bytes(statistics->index_file_bytes));
    fmt::print("Dedup saved  {}\n", format_bytes(dedup_saved));
    fmt::print("Stores       {} ({} packs)\n", catalog.stores, catalog.packs);
    return ExitSuccess;
}

}  // namespace cairn::cli
