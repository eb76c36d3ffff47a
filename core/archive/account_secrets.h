// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal to core/archive: account passwords and tokens, sealed with a key derived from the
// archive's data key and bound to the archive and the account name.

#include <string>

#include "core/archive/archive.h"
#include "core/store/archive_keys.h"

namespace cairn {

std::string seal_account_secret(const store::ArchiveKeys& keys, const std::string& account, const AccountSecret& secret);
/// An empty sealed value is an empty secret. Corrupt when it does not open.
Result<AccountSecret> open_account_secret(const store::ArchiveKeys& keys, const std::string& account,
                                          const std::string& sealed);

}  // namespace cairn
