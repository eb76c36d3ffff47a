// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/models/archive_run.h"

namespace cairn::desktop {

void add_fetch_to_report(ImportReport& report, const FetchReport& fetched) {
    for (const AccountFetchReport& account : fetched.accounts) {
        const ImportReport& part = account.import;
        report.messages_seen += part.messages_seen;
        report.messages_stored += part.messages_stored;
        report.messages_linked += part.messages_linked;
        report.messages_unchanged += part.messages_unchanged;
        report.bytes_read += part.bytes_read;
        for (const ItemFailure& failure : part.failures)
            report.failures.push_back({account.account + ": " + failure.source_path, failure.offset, failure.reason});
        report.warnings.insert(report.warnings.end(), part.warnings.begin(), part.warnings.end());
        if (account.error)
            report.failures.push_back({account.account, 0, account.error->message});
        report.seconds += part.seconds;
    }
    report.cancelled = report.cancelled || fetched.cancelled;
}

}  // namespace cairn::desktop
