// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/oauth/provider.h"

namespace cairn::oauth {

/// What a sign-in or a refresh gives. Secrets: never log them, never put them in an Error; the
/// caller keeps them sealed (core/archive keeps them encrypted in the archive), never in plain text.
struct Tokens {
    std::string access_token;
    /// Keep this one: it gets new access tokens without the user. A refresh can replace it
    /// (Microsoft rotates it on every refresh), so store Tokens again after each refresh.
    std::string refresh_token;
    /// When the access token stops working, in seconds since the Unix epoch; 0 when unknown.
    std::int64_t expires_at = 0;
    /// What was granted (space-separated), which can be less than what was asked.
    std::string scope;
    /// The "email" claim of the id_token, when the provider sent one (only when an OpenID scope
    /// was asked for); empty otherwise. For display and as a login hint, not for authorization.
    std::string email;
};

/// Gets a new access token with a refresh token (RFC 6749 §6). The result keeps refresh_token
/// unless the provider sent a rotated one. `account` names the account in messages.
/// Errors: PermissionDenied when the refresh token was revoked or expired (invalid_grant: the
/// user must sign in again), Unavailable when the provider cannot be reached, Cancelled.
[[nodiscard]] Result<Tokens> refresh(const Provider& provider, std::string_view refresh_token,
                                     std::string_view account, const CancellationToken* cancellation = nullptr);

enum class Freshness { StillValid, Refreshed };

/// Refreshes `tokens` in place when the access token expires within `margin` of `now` (seconds
/// since the epoch) or its expiry is unknown. Refreshed means the caller must store the tokens.
[[nodiscard]] Result<Freshness> ensure_fresh(const Provider& provider, Tokens& tokens, std::string_view account,
                                             std::int64_t now, std::chrono::seconds margin = std::chrono::minutes(5),
                                             const CancellationToken* cancellation = nullptr);

}  // namespace cairn::oauth
