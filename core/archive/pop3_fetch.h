// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal to core/archive: fetching POP3 accounts and their delete-after-archive rule.

#include "core/archive/archive_impl.h"

namespace cairn {

/// Archives the POP3 account's new mail (by UIDL, recorded in remote_messages under the remote
/// folder "INBOX" with uid_validity 0, in the batch that stores the message), then applies the
/// account's delete rule. Errors that stop the account are returned; REPORT holds what was done.
Result<void> fetch_pop3_account(Archive::Impl& archive, std::int64_t account_id,
                                const accounts::AccountSettings& settings, const AccountSecret& secret,
                                const FetchOptions& options, AccountFetchReport& report, ProgressObserver* observer,
                                const CancellationToken* cancel);

}  // namespace cairn
