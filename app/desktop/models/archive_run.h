// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/archive/archive.h"

namespace cairn::desktop {

/// "Archive mail now" imports the files and folders and fetches the accounts; the strip under
/// the list shows one summary. The accounts' counts join the files', and an account that could
/// not be fetched is a failure named after the account.
void add_fetch_to_report(ImportReport& report, const FetchReport& fetched);

}  // namespace cairn::desktop
