// SPDX-License-Identifier: GPL-3.0-or-later
// Outlook PST/OST files through libpff (the only user of libpff). Written without
// core/base/result.h so the libFuzzer target (clang 14) can compile it.
#pragma once

#include <string>

#include "core/base/progress.h"
#include "core/sources/common/raw_message.h"

namespace cairn::sources::pst {

/// Where the items of one PST/OST file go.
struct PstOrigin {
    std::string source_path;  ///< for messages, failures and skipped items
    std::string base_folder;  ///< the PST's folders map below this ("" for an import root)
};

enum class PstOutcome {
    Completed,    ///< every item was read; mail went to the sink, other items were skipped
    ItemsFailed,  ///< read to the end, but some items or attachments failed (each reported)
    Unreadable,   ///< the file could not be opened as PST/OST (reported)
    Stopped,      ///< the sink returned false
    Cancelled,
};

/// Reads the PST or OST file at FILE_PATH item by item (one item in memory at a time) and
/// passes every mail item (IPM.Note and its variants, meeting requests, reports) to SINK as an
/// RFC 5322 message with folder ORIGIN.base_folder/<folder below the top of the store>, offset
/// the item's identifier, flags "seen"/"flagged"/"draft" and the delivery time. Calendar items,
/// contacts, tasks, notes, distribution lists and journal entries go to sink.on_skipped as
/// "SOURCE#folder/item N". Items and attachments that cannot be read are reported to
/// sink.on_failure ("item id N in folder X: ..."); the rest of the file is still read. The same
/// file always gives the same bytes. CANCEL is polled between items.
PstOutcome read_pst_file(const std::string& file_path, const PstOrigin& origin, const CancellationToken* cancel,
                         MessageSink& sink);

}  // namespace cairn::sources::pst
