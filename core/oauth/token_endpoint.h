// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/oauth/http_client.h"
#include "core/oauth/provider.h"
#include "core/oauth/tokens.h"

/// Internal to core/oauth: calling the token and device endpoints and reading their answers.
namespace cairn::oauth::detail {

/// An OAuth error answer (RFC 6749 §5.2): `error` is the machine-readable code.
struct OAuthError {
    std::string error;
    std::string description;
    long http_status = 0;
};

/// A JSON answer from an endpoint: the object on success (2xx), else the OAuth error.
struct EndpointAnswer {
    std::optional<nlohmann::json> object;
    OAuthError error;
};

/// POSTs the form and reads the answer. A transport failure or an answer that is neither a JSON
/// object nor an OAuth error is an Error naming the provider; an OAuth error is returned in the
/// answer, for the flow to interpret.
[[nodiscard]] Result<EndpointAnswer> call_endpoint(const std::string& url, const std::string& form_body,
                                                   const Provider& provider, const CancellationToken* cancellation);

/// Reads a successful token answer (RFC 6749 §5.1). `now` is seconds since the epoch.
[[nodiscard]] Result<Tokens> read_tokens(const nlohmann::json& object, const Provider& provider, std::int64_t now);

/// The error for an OAuth error that the flow has no special meaning for: names the provider and
/// says what to do for the standard codes.
Error describe_error(const OAuthError& error, const Provider& provider, std::string_view account);

/// "code (description)" or "code", for messages.
std::string error_summary(const OAuthError& error);

std::int64_t seconds_since_epoch();

}  // namespace cairn::oauth::detail
