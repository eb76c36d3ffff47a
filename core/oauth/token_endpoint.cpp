// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/token_endpoint.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/crypto/crypto.h"

namespace cairn::oauth::detail {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

std::string string_field(const nlohmann::json& object, const char* name) {
    auto found = object.find(name);
    if (found == object.end() || !found->is_string()) return {};
    return found->get<std::string>();
}

// expires_in is a number in RFC 6749, but some servers have sent it as a string.
std::optional<double> number_field(const nlohmann::json& object, const char* name) {
    auto found = object.find(name);
    if (found == object.end()) return std::nullopt;
    if (found->is_number()) return found->get<double>();
    if (found->is_string()) {
        try {
            return std::stod(found->get<std::string>());
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

// The id_token came straight from the token endpoint over TLS, so its claims are trusted without
// checking the signature (OpenID Connect Core §3.1.3.7); it is only read for the address anyway.
std::string email_from_id_token(std::string_view id_token) {
    std::size_t first_dot = id_token.find('.');
    if (first_dot == std::string_view::npos) return {};
    std::size_t second_dot = id_token.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos) return {};
    auto payload = crypto::from_base64url(id_token.substr(first_dot + 1, second_dot - first_dot - 1));
    if (!payload) return {};
    nlohmann::json claims = nlohmann::json::parse(*payload, nullptr, false);
    if (!claims.is_object()) return {};
    return string_field(claims, "email");
}

}  // namespace

std::int64_t seconds_since_epoch() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string error_summary(const OAuthError& error) {
    if (error.description.empty()) return error.error;
    return fmt::format("{}: {}", error.error, error.description);
}

Result<EndpointAnswer> call_endpoint(const std::string& url, const std::string& form_body, const Provider& provider,
                                     const CancellationToken* cancellation) {
    HttpResponse response = CAIRN_TRY(post_form(url, form_body, provider.name, cancellation));
    try {
        nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
        EndpointAnswer answer;
        if (body.is_object() && body.contains("error") && body["error"].is_string()) {
            answer.error.error = body["error"].get<std::string>();
            answer.error.description = string_field(body, "error_description");
            answer.error.http_status = response.status;
            return answer;
        }
        if (response.status >= 200 && response.status < 300 && body.is_object()) {
            answer.object = std::move(body);
            return answer;
        }
        if (response.status >= 500)
            return make_error(ErrorCode::Unavailable,
                              fmt::format("{}'s sign-in service is not working right now (HTTP {}): try again later",
                                          provider.name, response.status));
        return make_error(ErrorCode::InvalidData,
                          fmt::format("{}'s sign-in service gave an answer Cairn does not understand (HTTP {}): "
                                      "check the endpoint URLs if they were changed (see docs/accounts.md)",
                                      provider.name, response.status));
    } catch (const nlohmann::json::exception& exception) {
        return make_error(ErrorCode::InvalidData,
                          fmt::format("{}'s sign-in service sent malformed JSON ({})", provider.name, exception.what()));
    }
}

Result<Tokens> read_tokens(const nlohmann::json& object, const Provider& provider, std::int64_t now) {
    try {
        Tokens tokens;
        tokens.access_token = string_field(object, "access_token");
        if (tokens.access_token.empty())
            return make_error(ErrorCode::InvalidData,
                              fmt::format("{}'s sign-in service answered without an access token", provider.name));
        std::string token_type = string_field(object, "token_type");
        // Only bearer tokens can go into XOAUTH2 and OAUTHBEARER.
        if (!token_type.empty() && !equals_ignoring_case(token_type, "Bearer"))
            return make_error(ErrorCode::Unsupported,
                              fmt::format("{} issued a \"{}\" token; Cairn can only use bearer tokens", provider.name,
                                          token_type));
        if (auto expires_in = number_field(object, "expires_in"); expires_in && *expires_in > 0)
            tokens.expires_at = now + static_cast<std::int64_t>(std::floor(*expires_in));
        tokens.refresh_token = string_field(object, "refresh_token");
        tokens.scope = string_field(object, "scope");
        if (std::string id_token = string_field(object, "id_token"); !id_token.empty())
            tokens.email = email_from_id_token(id_token);
        return tokens;
    } catch (const nlohmann::json::exception& exception) {
        return make_error(ErrorCode::InvalidData,
                          fmt::format("{}'s sign-in service sent malformed JSON ({})", provider.name, exception.what()));
    }
}

Error describe_error(const OAuthError& error, const Provider& provider, std::string_view account) {
    std::string summary = error_summary(error);
    std::string context(account);
    if (error.error == "invalid_client" || error.error == "unauthorized_client")
        return Error{ErrorCode::InvalidArgument,
                     fmt::format("{} does not accept the OAuth client configured for this account ({}): check its "
                                 "client id and secret (see docs/accounts.md)",
                                 provider.name, summary),
                     context};
    if (error.error == "invalid_scope")
        return Error{ErrorCode::InvalidArgument,
                     fmt::format("{} refused the access Cairn asks for ({}): check that the OAuth client may use "
                                 "the mail scopes (see docs/accounts.md)",
                                 provider.name, summary),
                     context};
    if (error.error == "access_denied")
        return Error{ErrorCode::PermissionDenied,
                     fmt::format("access was declined at {}: sign in again and allow Cairn to read the mail",
                                 provider.name),
                     context};
    if (error.error == "server_error" || error.error == "temporarily_unavailable" || error.http_status >= 500)
        return Error{ErrorCode::Unavailable,
                     fmt::format("{}'s sign-in service is not working right now ({}): try again later", provider.name,
                                 summary),
                     context};
    return Error{ErrorCode::InvalidArgument,
                 fmt::format("{} refused the sign-in ({}): sign in again", provider.name, summary), context};
}

}  // namespace cairn::oauth::detail
