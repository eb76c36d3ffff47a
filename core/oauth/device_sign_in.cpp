// SPDX-License-Identifier: GPL-3.0-or-later
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/oauth/http_client.h"
#include "core/oauth/sign_in.h"
#include "core/oauth/token_endpoint.h"

namespace cairn::oauth {
namespace {

struct DeviceAuthorization {
    std::string device_code;
    DeviceCodePrompt prompt;
    std::chrono::milliseconds interval{0};
};

std::string string_field(const nlohmann::json& object, const char* name) {
    auto found = object.find(name);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string{};
}

Result<DeviceAuthorization> read_device_authorization(const nlohmann::json& object, const Provider& provider) {
    try {
        DeviceAuthorization authorization;
        authorization.device_code = string_field(object, "device_code");
        authorization.prompt.user_code = string_field(object, "user_code");
        // RFC 8628 and Microsoft say verification_uri; Google says verification_url.
        authorization.prompt.verification_uri = string_field(object, "verification_uri");
        if (authorization.prompt.verification_uri.empty())
            authorization.prompt.verification_uri = string_field(object, "verification_url");
        authorization.prompt.verification_uri_complete = string_field(object, "verification_uri_complete");
        authorization.prompt.message = string_field(object, "message");
        if (authorization.device_code.empty() || authorization.prompt.user_code.empty() ||
            authorization.prompt.verification_uri.empty())
            return make_error(ErrorCode::InvalidData,
                              fmt::format("{}'s device sign-in answer lacks the code or the address to enter it at",
                                          provider.name));
        auto expires_in = object.find("expires_in");
        authorization.prompt.expires_in = std::chrono::seconds(
            expires_in != object.end() && expires_in->is_number() ? expires_in->get<std::int64_t>() : 600);
        // RFC 8628 §3.2: 5 seconds when the provider does not say.
        auto interval = object.find("interval");
        double interval_seconds = interval != object.end() && interval->is_number() ? interval->get<double>() : 5.0;
        authorization.interval = std::chrono::milliseconds(static_cast<std::int64_t>(interval_seconds * 1000));
        return authorization;
    } catch (const nlohmann::json::exception& exception) {
        return make_error(ErrorCode::InvalidData,
                          fmt::format("{}'s sign-in service sent malformed JSON ({})", provider.name, exception.what()));
    }
}

// Sleeps in short slices so that a cancel is noticed at once.
Result<void> wait_cancellable(std::chrono::milliseconds duration, const CancellationToken* cancellation) {
    auto until = std::chrono::steady_clock::now() + duration;
    for (;;) {
        if (cancellation != nullptr && cancellation->is_cancelled())
            return make_error(ErrorCode::Cancelled, "sign-in cancelled");
        auto now = std::chrono::steady_clock::now();
        if (now >= until) return {};
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now,
                                                                                  std::chrono::milliseconds(20)));
    }
}

Error expired_error(const Provider& provider, std::string_view account) {
    return Error{ErrorCode::LimitExceeded,
                 fmt::format("the code for {} expired before the sign-in was finished: sign in again and enter the "
                             "new code in time",
                             provider.name),
                 std::string(account)};
}

}  // namespace

Result<Tokens> sign_in_with_device_code(const Provider& provider, const DeviceSignIn& options,
                                        std::string_view account) {
    CAIRN_TRY_VOID(check_configured(provider));
    if (!options.show_code)
        return make_error(ErrorCode::InvalidArgument, "the device sign-in needs a way to show the code");
    std::string context(account);

    std::string request_body = detail::form_encode({{"client_id", provider.client_id}, {"scope", provider.scope}});
    detail::EndpointAnswer device_answer = CAIRN_TRY(
        detail::call_endpoint(provider.device_authorization_endpoint, request_body, provider, options.cancellation));
    if (!device_answer.object) {
        const detail::OAuthError& error = device_answer.error;
        if (provider.kind == ProviderKind::Google && error.error == "invalid_scope")
            return make_error(ErrorCode::Unsupported,
                              fmt::format("Google does not allow mail access through a device code ({}): sign in "
                                          "with the browser instead",
                                          detail::error_summary(error)),
                              context);
        if (provider.kind == ProviderKind::Microsoft && error.error == "invalid_client")
            return make_error(ErrorCode::InvalidArgument,
                              fmt::format("Microsoft does not allow a device code for the configured client ({}): "
                                          "turn on \"Allow public client flows\" in its app registration (see "
                                          "docs/accounts.md)",
                                          detail::error_summary(error)),
                              context);
        return std::unexpected(detail::describe_error(error, provider, account));
    }
    DeviceAuthorization authorization = CAIRN_TRY(read_device_authorization(*device_answer.object, provider));
    auto expires = std::chrono::steady_clock::now() + authorization.prompt.expires_in;
    options.show_code(authorization.prompt);

    std::string poll_body =
        detail::form_encode({{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                             {"device_code", authorization.device_code},
                             {"client_id", provider.client_id},
                             {"client_secret", provider.client_secret}});
    std::chrono::milliseconds interval = authorization.interval;
    for (;;) {
        CAIRN_TRY_VOID(wait_cancellable(interval, options.cancellation));
        if (std::chrono::steady_clock::now() >= expires) return std::unexpected(expired_error(provider, account));
        std::int64_t now = detail::seconds_since_epoch();
        detail::EndpointAnswer answer =
            CAIRN_TRY(detail::call_endpoint(provider.token_endpoint, poll_body, provider, options.cancellation));
        if (answer.object) return detail::read_tokens(*answer.object, provider, now);

        const std::string& error = answer.error.error;
        if (error == "authorization_pending") continue;
        if (error == "slow_down") {
            interval += options.slow_down_increment;
            continue;
        }
        // Microsoft says authorization_declined where RFC 8628 says access_denied.
        if (error == "access_denied" || error == "authorization_declined")
            return make_error(ErrorCode::PermissionDenied,
                              fmt::format("access was declined at {}: to archive this account, sign in again and "
                                          "allow Cairn to read the mail",
                                          provider.name),
                              context);
        if (error == "expired_token") return std::unexpected(expired_error(provider, account));
        return std::unexpected(detail::describe_error(answer.error, provider, account));
    }
}

}  // namespace cairn::oauth
