// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal to core/archive: the OAuth side of Google and Microsoft accounts — which provider and
// client an account signs in with, and the access tokens of one fetch.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/archive/archive_impl.h"
#include "core/oauth/provider.h"
#include "core/oauth/tokens.h"
#include "core/sources/imap/imap_client.h"

namespace cairn {

/// The provider an account signs in with: Google or Microsoft (with its tenant), the account's
/// client id or else the default, and the account's endpoint overrides. InvalidArgument for a
/// password account; check_configured's error (saying how to configure one) without a client id.
Result<oauth::Provider> oauth_provider_for(const accounts::AccountSettings& settings,
                                           const OAuthClientDefaults& defaults);

oauth::Tokens tokens_from_secret(const AccountSecret& secret);
AccountSecret secret_from_tokens(const oauth::Tokens& tokens);

/// Seals SECRET and stores it as the account's; on the thread that owns the archive's catalog.
Result<void> store_account_secret(Archive::Impl& archive, std::int64_t account_id, const std::string& account,
                                  const AccountSecret& secret);

/// The access tokens of one account's fetch.
///
/// Threading: the import's reader thread asks for credentials at every (re)connection while the
/// writer thread owns the catalog's connection, so a token refreshed on the reader thread cannot
/// be written to the catalog there. start() therefore refreshes on the calling thread (which
/// owns the catalog before and after the run) and stores the result at once; credentials() may
/// refresh again during a long run, into memory only (under a mutex), and store_rotated() writes
/// those tokens after the run, whatever its outcome. A crash in between loses at most a
/// rotated refresh token whose predecessor still works (Microsoft keeps it valid until it
/// expires), so the next fetch can refresh again. A second catalog connection from the reader
/// thread was the alternative, but it would compete with the writer's open batch for SQLite's
/// write lock.
class OAuthSession {
public:
    /// Refreshes the access token when it expires within 5 minutes, storing the new tokens.
    /// PermissionDenied ("sign in again with `cairn account login NAME`") when the refresh
    /// token was revoked or expired; InvalidArgument when the account was never signed in.
    static Result<std::shared_ptr<OAuthSession>> start(Archive::Impl& archive, std::int64_t account_id,
                                                       const accounts::AccountSettings& settings,
                                                       const AccountSecret& secret,
                                                       const OAuthClientDefaults& defaults,
                                                       const CancellationToken* cancellation);

    /// For any thread: the login and a current access token, refreshed in memory when it
    /// expires within a minute. XOAUTH2 (the client uses OAUTHBEARER when the server offers only that).
    Result<sources::imap::Credentials> credentials();

    /// On the thread that owns the catalog, after the run: stores tokens refreshed by credentials().
    Result<void> store_rotated(Archive::Impl& archive);

private:
    OAuthSession() = default;

    std::mutex m_mutex;
    oauth::Provider m_provider;
    oauth::Tokens m_tokens;
    bool m_rotated = false;
    std::int64_t m_account_id = 0;
    std::string m_account;
    std::string m_login;
    const CancellationToken* m_cancellation = nullptr;
};

}  // namespace cairn
