// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <optional>
#include <vector>

#include "core/archive/archive.h"

namespace cairn::desktop {

/// A mail account as the person described it: the settings and the password (empty for Google
/// and Microsoft, which sign in in the browser). The password goes only to Archive::add_account.
struct NewAccount {
    accounts::AccountSettings settings;
    AccountSecret secret;
};

/// What becomes of a mail account the person adds.
enum class AccountTurn {
    AddNow,       ///< nothing holds the archive's writer
    AfterSignIn,  ///< another account signs in: this one is added when that has ended
    AfterRun,     ///< mail is being archived: not added; the person adds it again afterwards
};

/// "Archive mail now" imports the files and folders and fetches the accounts; the strip under
/// the list shows one summary. The accounts' counts join the files', and an account that could
/// not be fetched is a failure named after the account.
void add_fetch_to_report(ImportReport& report, const FetchReport& fetched);
/// Adds one source's import to the run's report (the sources are imported one by one, so each
/// can show its own last run). PREFIX names the source in its failures when not empty.
void add_import_to_report(ImportReport& report, const ImportReport& part, const std::string& prefix = {});

/// Requests to archive, and the one that has to wait: a Google or Microsoft sign-in holds the
/// archive's writer while the browser is open (the wizard starts one for such an account, and
/// then asks to archive the files it was given). That request runs when the sign-in ends,
/// however it ends, instead of being dropped; it then fetches the new account as well.
class ArchiveRequests {
public:
    /// A request to archive PATHS (and fetch the accounts): true when it may start now. While
    /// a sign-in goes on it waits (PATHS joined to any request waiting already); while a run
    /// goes on it is not needed, and dropped.
    bool request(const std::vector<std::filesystem::path>& paths, bool importing, bool signing_in);
    /// The sign-in has ended: the paths of the request that waited for it (then forgotten), or
    /// nullopt when none waited, or when an account still waits to sign in (the run waits for
    /// the last sign-in, so that it fetches every account).
    std::optional<std::vector<std::filesystem::path>> sign_in_ended();

    /// An account to add. While a sign-in goes on it waits (kept, in the order added): two
    /// Google accounts added in the wizard sign in one after the other, not the second refused.
    AccountTurn add_account(const NewAccount& account, bool importing, bool signing_in);
    /// After a sign-in: the next account that waited for it (then forgotten), to add before the
    /// request to archive runs; nullopt when none waits.
    std::optional<NewAccount> next_account();

private:
    std::optional<std::vector<std::filesystem::path>> m_waiting;
    std::deque<NewAccount> m_waiting_accounts;
};

/// "Archive every HOURS hours while the app is open": whether a run is due at NOW when the
/// last one ended (or the archive was opened) at LAST_RUN. Never while RUN_GOING; never for 0.
bool scheduled_run_due(std::chrono::system_clock::time_point now, std::chrono::system_clock::time_point last_run,
                       int hours, bool run_going);

}  // namespace cairn::desktop
