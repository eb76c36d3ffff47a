// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/models/archive_run.h"

#include <algorithm>
#include <utility>

namespace cairn::desktop {

void add_import_to_report(ImportReport& report, const ImportReport& part, const std::string& prefix) {
    report.messages_seen += part.messages_seen;
    report.messages_stored += part.messages_stored;
    report.messages_linked += part.messages_linked;
    report.messages_unchanged += part.messages_unchanged;
    report.bytes_read += part.bytes_read;
    report.files_skipped_unchanged += part.files_skipped_unchanged;
    report.files_passed_over += part.files_passed_over;
    for (const ItemFailure& failure : part.failures)
        report.failures.push_back(
            {prefix.empty() ? failure.source_path : prefix + ": " + failure.source_path, failure.offset, failure.reason});
    report.warnings.insert(report.warnings.end(), part.warnings.begin(), part.warnings.end());
    report.cancelled = report.cancelled || part.cancelled;
    if (!report.fatal_error && part.fatal_error)
        report.fatal_error = part.fatal_error;
    report.seconds += part.seconds;
}

void add_fetch_to_report(ImportReport& report, const FetchReport& fetched) {
    for (const AccountFetchReport& account : fetched.accounts) {
        add_import_to_report(report, account.import, account.account);
        if (account.error)
            report.failures.push_back({account.account, 0, account.error->message});
    }
    report.cancelled = report.cancelled || fetched.cancelled;
}

bool ArchiveRequests::request(const std::vector<std::filesystem::path>& paths, bool importing, bool signing_in) {
    if (signing_in) {
        if (!m_waiting)
            m_waiting.emplace();
        for (const auto& path : paths)
            if (std::find(m_waiting->begin(), m_waiting->end(), path) == m_waiting->end())
                m_waiting->push_back(path);
        return false;
    }
    return !importing;
}

std::optional<std::vector<std::filesystem::path>> ArchiveRequests::sign_in_ended() {
    if (!m_waiting_accounts.empty())
        return std::nullopt;
    return std::exchange(m_waiting, std::nullopt);
}

AccountTurn ArchiveRequests::add_account(const NewAccount& account, bool importing, bool signing_in) {
    if (signing_in) {
        m_waiting_accounts.push_back(account);
        return AccountTurn::AfterSignIn;
    }
    return importing ? AccountTurn::AfterRun : AccountTurn::AddNow;
}

std::optional<NewAccount> ArchiveRequests::next_account() {
    if (m_waiting_accounts.empty())
        return std::nullopt;
    NewAccount next = std::move(m_waiting_accounts.front());
    m_waiting_accounts.pop_front();
    return next;
}

bool scheduled_run_due(std::chrono::system_clock::time_point now, std::chrono::system_clock::time_point last_run,
                       int hours, bool run_going) {
    if (hours <= 0 || run_going)
        return false;
    return now - last_run >= std::chrono::hours(hours);
}

}  // namespace cairn::desktop
