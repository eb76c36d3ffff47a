// SPDX-License-Identifier: GPL-3.0-or-later
#include <array>
#include <cstdint>

#include <fmt/format.h>

#include "core/crypto/crypto.h"
#include "core/oauth/http_client.h"
#include "core/oauth/loopback_listener.h"
#include "core/oauth/sign_in.h"
#include "core/oauth/token_endpoint.h"

namespace cairn::oauth {
namespace {

std::string random_base64url(std::size_t byte_count) {
    std::array<std::uint8_t, 64> bytes{};
    std::span<std::uint8_t> used(bytes.data(), std::min(byte_count, bytes.size()));
    crypto::random_bytes(used);
    return crypto::to_base64url(std::string_view(reinterpret_cast<const char*>(used.data()), used.size()));
}

std::string build_authorization_url(const Provider& provider, const BrowserSignIn& options,
                                    const std::string& redirect_uri, const std::string& state,
                                    const std::string& code_challenge) {
    bool google = provider.kind == ProviderKind::Google;
    std::string query = detail::form_encode({
        {"client_id", provider.client_id},
        {"response_type", "code"},
        {"redirect_uri", redirect_uri},
        {"scope", provider.scope},
        {"state", state},
        {"code_challenge", code_challenge},
        {"code_challenge_method", "S256"},
        {"login_hint", options.login_hint},
        // Google gives a refresh token only with offline access, and again for an account that
        // signed in before only when consent is asked for again.
        {"access_type", google ? "offline" : ""},
        {"prompt", google ? "consent" : ""},
        {"response_mode", google ? "" : "query"},
    });
    char separator = provider.authorization_endpoint.find('?') == std::string::npos ? '?' : '&';
    return provider.authorization_endpoint + separator + query;
}

}  // namespace

Result<Tokens> sign_in_with_browser(const Provider& provider, const BrowserSignIn& options,
                                    std::string_view account) {
    CAIRN_TRY_VOID(check_configured(provider));
    if (!options.open_browser)
        return make_error(ErrorCode::InvalidArgument, "the browser sign-in needs a way to open a browser");
    std::string context(account);

    detail::LoopbackListener listener = CAIRN_TRY(detail::LoopbackListener::open());
    std::string redirect_uri = fmt::format("http://127.0.0.1:{}/", listener.port());
    // 32 random bytes give the 43-character verifier RFC 7636 §4.1 recommends.
    std::string code_verifier = random_base64url(32);
    crypto::Digest challenge_digest = crypto::sha256(code_verifier);
    std::string code_challenge = crypto::to_base64url(
        std::string_view(reinterpret_cast<const char*>(challenge_digest.data()), challenge_digest.size()));
    std::string state = random_base64url(16);

    auto deadline = std::chrono::steady_clock::now() + options.timeout;
    CAIRN_TRY_VOID(options.open_browser(build_authorization_url(provider, options, redirect_uri, state, code_challenge)));
    detail::BrowserRequest request = CAIRN_TRY(listener.wait_for_redirect(deadline, options.cancellation));
    const auto& query = request.query();

    // The state is checked before anything else in the answer is believed: a page elsewhere could
    // have sent the browser here with its own code or error (RFC 6749 §10.12).
    auto returned_state = query.find("state");
    if (returned_state == query.end() || returned_state->second != state) {
        request.answer(400, "Sign-in refused",
                       "This answer does not belong to the sign-in Cairn started, so it was ignored. Start the "
                       "sign-in again from Cairn.");
        return make_error(ErrorCode::InvalidData,
                          "the browser returned an answer that does not belong to this sign-in (wrong state), "
                          "possibly forged by another web page; nothing was accepted: sign in again",
                          context);
    }
    if (auto error = query.find("error"); error != query.end()) {
        detail::OAuthError oauth_error{error->second, query.contains("error_description")
                                                          ? query.at("error_description")
                                                          : std::string{},
                                       0};
        if (oauth_error.error == "access_denied") {
            request.answer(403, "Access declined",
                           "Cairn was not allowed to read this mailbox. You can close this window.");
            return make_error(ErrorCode::PermissionDenied,
                              fmt::format("access was declined at {}: to archive this account, sign in again and "
                                          "allow Cairn to read the mail",
                                          provider.name),
                              context);
        }
        request.answer(400, "Sign-in failed", "The sign-in did not succeed. Cairn says why. You can close this window.");
        return std::unexpected(detail::describe_error(oauth_error, provider, account));
    }
    auto code = query.find("code");
    if (code == query.end() || code->second.empty()) {
        request.answer(400, "Sign-in failed", "The answer had no authorization code. You can close this window.");
        return make_error(ErrorCode::InvalidData,
                          fmt::format("{} sent the browser back without an authorization code: sign in again",
                                      provider.name),
                          context);
    }

    std::string_view scope = provider.kind == ProviderKind::Microsoft ? std::string_view(provider.scope) : "";
    std::string body = detail::form_encode({{"grant_type", "authorization_code"},
                                            {"code", code->second},
                                            {"redirect_uri", redirect_uri},
                                            {"client_id", provider.client_id},
                                            {"client_secret", provider.client_secret},
                                            {"code_verifier", code_verifier},
                                            {"scope", scope}});
    std::int64_t now = detail::seconds_since_epoch();
    auto answer = detail::call_endpoint(provider.token_endpoint, body, provider, options.cancellation);
    if (!answer || !answer->object) {
        request.answer(400, "Sign-in failed", "The sign-in did not succeed. Cairn says why. You can close this window.");
        if (!answer) return std::unexpected(answer.error());
        if (answer->error.error == "invalid_grant")
            return make_error(ErrorCode::PermissionDenied,
                              fmt::format("{} did not accept the sign-in code ({}): sign in again", provider.name,
                                          detail::error_summary(answer->error)),
                              context);
        return std::unexpected(detail::describe_error(answer->error, provider, account));
    }
    auto tokens = detail::read_tokens(*answer->object, provider, now);
    if (!tokens) {
        request.answer(400, "Sign-in failed", "The sign-in did not succeed. Cairn says why. You can close this window.");
        return tokens;
    }
    request.answer(200, "Signed in", "Cairn is signed in. You can close this window.");
    return tokens;
}

}  // namespace cairn::oauth
