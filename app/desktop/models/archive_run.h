// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/archive/archive.h"

namespace cairn::desktop {

/// "Archive mail now" imports the files and folders and fetches the accounts; the strip under
/// the list shows one summary. The accounts' counts join the files', and an account that could
/// not be fetched is a failure named after the account.
void add_fetch_to_report(ImportReport& report, const FetchReport& fetched);
/// Adds one source's import to the run's report (the sources are imported one by one, so each
/// can show its own last run). PREFIX names the source in its failures when not empty.
void add_import_to_report(ImportReport& report, const ImportReport& part, const std::string& prefix = {});

}  // namespace cairn::desktop
