// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/tokens.h"

#include <fmt/format.h>

#include "core/oauth/http_client.h"
#include "core/oauth/token_endpoint.h"

namespace cairn::oauth {

Result<Tokens> refresh(const Provider& provider, std::string_view refresh_token, std::string_view account,
                       const CancellationToken* cancellation) {
    CAIRN_TRY_VOID(check_configured(provider));
    if (refresh_token.empty())
        return make_error(ErrorCode::InvalidArgument,
                          fmt::format("there is no saved sign-in for this account: sign in with `cairn account "
                                      "login {}`",
                                      account),
                          std::string(account));
    // Microsoft wants the scopes again (the refresh may ask for fewer); Google takes the granted ones.
    std::string_view scope = provider.kind == ProviderKind::Microsoft ? std::string_view(provider.scope) : "";
    std::string body = detail::form_encode({{"grant_type", "refresh_token"},
                                            {"refresh_token", refresh_token},
                                            {"client_id", provider.client_id},
                                            {"client_secret", provider.client_secret},
                                            {"scope", scope}});
    std::int64_t now = detail::seconds_since_epoch();
    detail::EndpointAnswer answer =
        CAIRN_TRY(detail::call_endpoint(provider.token_endpoint, body, provider, cancellation));
    if (!answer.object) {
        if (answer.error.error == "invalid_grant")
            return make_error(ErrorCode::PermissionDenied,
                              fmt::format("the sign-in for {0} was revoked or expired ({1}: {2}): sign in again with "
                                          "`cairn account login {0}`",
                                          account, provider.name, detail::error_summary(answer.error)),
                              std::string(account));
        return std::unexpected(detail::describe_error(answer.error, provider, account));
    }
    Tokens tokens = CAIRN_TRY(detail::read_tokens(*answer.object, provider, now));
    // Google sends no new refresh token: the one used stays valid.
    if (tokens.refresh_token.empty()) tokens.refresh_token = std::string(refresh_token);
    return tokens;
}

Result<Freshness> ensure_fresh(const Provider& provider, Tokens& tokens, std::string_view account, std::int64_t now,
                               std::chrono::seconds margin, const CancellationToken* cancellation) {
    if (!tokens.access_token.empty() && tokens.expires_at != 0 && tokens.expires_at - margin.count() > now)
        return Freshness::StillValid;
    Tokens refreshed = CAIRN_TRY(refresh(provider, tokens.refresh_token, account, cancellation));
    // A refresh answer carries no id_token from Google: keep what is known.
    if (refreshed.email.empty()) refreshed.email = tokens.email;
    if (refreshed.scope.empty()) refreshed.scope = tokens.scope;
    tokens = std::move(refreshed);
    return Freshness::Refreshed;
}

}  // namespace cairn::oauth
