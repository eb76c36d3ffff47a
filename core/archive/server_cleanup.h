// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal to core/archive: delete-after-archive rules.

#include "core/archive/archive_impl.h"
#include "core/sources/imap/account_reader.h"

namespace cairn {

/// Applies the account's cleanup rule on the server: messages older than the rule's age whose
/// archived copy is found (by the UID they were fetched under) and reads back with a matching
/// SHA-256 are deleted (UID EXPUNGE of exactly those) or moved. A message the archive does not
/// hold, or cannot read back, stays. With DRY_RUN they are only listed in the report.
Result<void> clean_up_server(Archive::Impl& archive, std::int64_t account_id, const accounts::AccountSettings& settings,
                             const sources::imap::AccountReadOptions& read_options, bool dry_run,
                             AccountFetchReport& report, const CancellationToken* cancel);

}  // namespace cairn
