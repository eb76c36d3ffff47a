// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/mock_oauth_provider.h"

#include <algorithm>
#include <array>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/crypto/crypto.h"

namespace cairn::testing {

struct MockOAuthProvider::Issuer {
    bool google = true;
    std::string client_id;
    std::string client_secret;  ///< required at the token endpoint when not empty (Google)
};

namespace {

std::string random_token(std::string_view prefix) {
    std::array<std::uint8_t, 24> bytes{};
    crypto::random_bytes(bytes);
    return std::string(prefix) + crypto::to_base64url(std::string_view(reinterpret_cast<const char*>(bytes.data()),
                                                                       bytes.size()));
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

std::string encode(std::string_view text) {
    static constexpr char Digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(Digits[c >> 4]);
            out.push_back(Digits[c & 15]);
        }
    }
    return out;
}

std::map<std::string, std::string> parse_form(std::string_view text) {
    std::map<std::string, std::string> fields;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('&', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view field = text.substr(start, end - start);
        if (!field.empty()) {
            std::size_t equals = field.find('=');
            fields[decode(field.substr(0, equals))] =
                equals == std::string_view::npos ? "" : decode(field.substr(equals + 1));
        }
        start = end + 1;
    }
    return fields;
}

std::vector<std::string> split_scope(const std::string& scope) {
    std::vector<std::string> scopes;
    std::istringstream stream(scope);
    for (std::string item; stream >> item;) scopes.push_back(item);
    return scopes;
}

bool has_scope(const std::string& scope, std::string_view wanted) {
    return std::ranges::count(split_scope(scope), std::string(wanted)) > 0;
}

HttpResponse json_response(int status, const nlohmann::json& body) {
    HttpResponse response;
    response.status = status;
    response.headers["Content-Type"] = "application/json; charset=utf-8";
    response.headers["Cache-Control"] = "no-store";
    response.body = body.dump();
    return response;
}

HttpResponse oauth_error(int status, std::string error, std::string description = {}) {
    nlohmann::json body{{"error", std::move(error)}};
    if (!description.empty()) body["error_description"] = std::move(description);
    return json_response(status, body);
}

HttpResponse error_page(std::string text) {
    HttpResponse response;
    response.status = 400;
    response.headers["Content-Type"] = "text/html";
    response.body = "<html><body>" + text + "</body></html>";
    return response;
}

HttpResponse redirect(const std::string& redirect_uri, const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string location = redirect_uri + (redirect_uri.find('?') == std::string::npos ? "?" : "&");
    for (std::size_t i = 0; i < fields.size(); ++i)
        location += (i == 0 ? "" : "&") + fields[i].first + "=" + encode(fields[i].second);
    HttpResponse response;
    response.status = 302;
    response.headers["Location"] = location;
    return response;
}

// Both providers let native apps use any port on the loopback interface (RFC 8252 §7.3).
bool is_loopback_redirect(const std::string& uri) {
    return uri.starts_with("http://127.0.0.1:") || uri.starts_with("http://localhost:");
}

bool is_valid_code_challenge(const std::string& challenge) {
    // RFC 7636 §4.2: base64url of a SHA-256 digest is 43 characters.
    return challenge.size() == 43 && std::ranges::all_of(challenge, [](unsigned char c) {
               return std::isalnum(c) || c == '-' || c == '_';
           });
}

std::string s256(const std::string& verifier) {
    crypto::Digest digest = crypto::sha256(verifier);
    return crypto::to_base64url(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string fake_id_token(const std::string& issuer, const std::string& audience) {
    nlohmann::json header{{"alg", "RS256"}, {"typ", "JWT"}};
    nlohmann::json claims{{"iss", issuer}, {"aud", audience}, {"sub", "110169484474386276334"},
                          {"email", MockOAuthProvider::UserEmail}};
    return crypto::to_base64url(header.dump()) + "." + crypto::to_base64url(claims.dump()) + ".c2lnbmF0dXJl";
}

}  // namespace

MockOAuthProvider::MockOAuthProvider()
    : m_server(std::make_unique<LoopbackHttpServer>([this](const HttpRequest& request) { return handle(request); })) {}

oauth::Provider MockOAuthProvider::google() const {
    oauth::Provider provider = oauth::google_provider(GoogleClientId, GoogleClientSecret);
    provider.authorization_endpoint = base_url() + "/google/auth";
    provider.token_endpoint = base_url() + "/google/token";
    provider.device_authorization_endpoint = base_url() + "/google/device/code";
    return provider;
}

oauth::Provider MockOAuthProvider::microsoft(const std::string& tenant) const {
    oauth::Provider provider = oauth::microsoft_provider(MicrosoftClientId, tenant);
    std::string base = base_url() + "/microsoft/" + tenant + "/oauth2/v2.0/";
    provider.authorization_endpoint = base + "authorize";
    provider.token_endpoint = base + "token";
    provider.device_authorization_endpoint = base + "devicecode";
    return provider;
}

void MockOAuthProvider::set_consent(Consent consent) {
    std::lock_guard lock(m_mutex);
    m_consent = consent;
}

void MockOAuthProvider::set_device_script(DeviceScript script) {
    std::lock_guard lock(m_mutex);
    m_device_script = std::move(script);
}

std::vector<std::chrono::steady_clock::time_point> MockOAuthProvider::device_poll_times() const {
    std::lock_guard lock(m_mutex);
    return m_device_poll_times;
}

int MockOAuthProvider::device_polls_too_early() const {
    std::lock_guard lock(m_mutex);
    return m_device_polls_too_early;
}

void MockOAuthProvider::revoke_refresh_tokens() {
    std::lock_guard lock(m_mutex);
    m_refresh_tokens.clear();
}

void MockOAuthProvider::set_access_token_lifetime(std::chrono::seconds lifetime) {
    std::lock_guard lock(m_mutex);
    m_access_token_lifetime = lifetime;
}

void MockOAuthProvider::set_refresh_tokens_single_use(bool single_use) {
    std::lock_guard lock(m_mutex);
    m_refresh_tokens_single_use = single_use;
}

int MockOAuthProvider::active_introspections() const {
    std::lock_guard lock(m_mutex);
    return m_active_introspections;
}

std::vector<std::string> MockOAuthProvider::issued_secrets() const {
    std::lock_guard lock(m_mutex);
    return m_issued_secrets;
}

HttpResponse MockOAuthProvider::introspect(const HttpRequest& request) {
    std::string token;
    if (request.method == "POST")
        token = parse_form(request.body)["token"];
    if (token.empty())
        token = parse_form(request.query)["token"];
    if (token.empty() && request.headers.contains("authorization") &&
        request.headers.at("authorization").starts_with("Bearer "))
        token = request.headers.at("authorization").substr(7);
    auto found = m_access_tokens.find(token);
    auto now = std::chrono::system_clock::now();
    // RFC 7662 §2.2: anything not currently valid is just inactive, with no reason given.
    if (found == m_access_tokens.end() || found->second <= now)
        return json_response(200, {{"active", false}});
    ++m_active_introspections;
    return json_response(200, {{"active", true},
                               {"email", UserEmail},
                               {"token_type", "Bearer"},
                               {"exp", std::chrono::duration_cast<std::chrono::seconds>(
                                           found->second.time_since_epoch()).count()}});
}

int MockOAuthProvider::token_requests() const {
    std::lock_guard lock(m_mutex);
    return m_token_requests;
}

std::string MockOAuthProvider::last_authorization_code() const {
    std::lock_guard lock(m_mutex);
    return m_last_code;
}

HttpResponse MockOAuthProvider::handle(const HttpRequest& request) {
    std::lock_guard lock(m_mutex);
    Issuer google{true, GoogleClientId, GoogleClientSecret};
    Issuer microsoft{false, MicrosoftClientId, ""};
    const std::string& path = request.path;
    bool is_post_form = request.method == "POST" && request.headers.contains("content-type") &&
                        request.headers.at("content-type").starts_with("application/x-www-form-urlencoded");
    if (path == "/introspect") return introspect(request);
    if (path == "/google/auth" && request.method == "GET") return authorize(google, request);
    if (path == "/google/token" && is_post_form) return token(google, request);
    if (path == "/google/device/code" && is_post_form) return device_authorization(google, request);
    if (path.starts_with("/microsoft/")) {
        if (path.ends_with("/oauth2/v2.0/authorize") && request.method == "GET") return authorize(microsoft, request);
        if (path.ends_with("/oauth2/v2.0/token") && is_post_form) return token(microsoft, request);
        if (path.ends_with("/oauth2/v2.0/devicecode") && is_post_form)
            return device_authorization(microsoft, request);
    }
    if (request.method == "POST" && !is_post_form)
        return oauth_error(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
    HttpResponse not_found;
    not_found.status = 404;
    return not_found;
}

HttpResponse MockOAuthProvider::authorize(const Issuer& issuer, const HttpRequest& request) {
    auto query = parse_form(request.query);
    // Neither provider redirects to a URI it cannot trust: a bad client or redirect URI gets a page.
    if (query["client_id"] != issuer.client_id)
        return error_page(issuer.google ? "Error 401: invalid_client. The OAuth client was not found."
                                        : "AADSTS700016: Application with identifier was not found in the directory.");
    const std::string& redirect_uri = query["redirect_uri"];
    if (!is_loopback_redirect(redirect_uri))
        return error_page(issuer.google ? "Error 400: redirect_uri_mismatch"
                                        : "AADSTS50011: The redirect URI specified in the request does not match.");
    const std::string& state = query["state"];
    auto fail = [&](std::string error, std::string description) {
        std::vector<std::pair<std::string, std::string>> fields{{"error", std::move(error)}};
        if (!issuer.google) fields.emplace_back("error_description", std::move(description));
        fields.emplace_back("state", state);
        return redirect(redirect_uri, fields);
    };
    if (query["response_type"] != "code") return fail("unsupported_response_type", "AADSTS700054");
    if (query["code_challenge_method"] != "S256" || !is_valid_code_challenge(query["code_challenge"]))
        return fail("invalid_request", "AADSTS501491: Invalid code_challenge_method or code_challenge.");
    std::string scope = query["scope"];
    bool mail_scope = issuer.google ? has_scope(scope, "https://mail.google.com/")
                                    : has_scope(scope, "https://outlook.office.com/IMAP.AccessAsUser.All");
    if (!mail_scope) return fail("invalid_scope", "AADSTS70011: The provided value for scope is not valid.");
    if (issuer.google && query["access_type"] != "offline")
        // Google answers without a refresh token then; Cairn always needs one.
        scope += " (online)";
    if (m_consent == Consent::Decline)
        return fail("access_denied", "AADSTS65004: User declined to consent to access the app.");

    std::string code = random_token(issuer.google ? "4/0A" : "M.C5");
    m_codes[code] = IssuedCode{query["client_id"], redirect_uri, query["code_challenge"], scope, false};
    m_last_code = code;
    if (issuer.google) return redirect(redirect_uri, {{"state", state}, {"code", code}, {"scope", query["scope"]}});
    return redirect(redirect_uri, {{"code", code}, {"state", state}, {"session_state", random_token("")}});
}

HttpResponse MockOAuthProvider::grant_tokens(const Issuer& issuer, const std::string& client_id,
                                             const std::string& scope, bool with_refresh_token) {
    std::string granted_scope = scope.substr(0, scope.find(" (online)"));
    std::string access_token = random_token(issuer.google ? "ya29." : "EwB");
    m_access_tokens[access_token] = std::chrono::system_clock::now() + m_access_token_lifetime;
    m_issued_secrets.push_back(access_token);
    // Google says 3599 for its hour.
    auto expires_in = m_access_token_lifetime.count() - (issuer.google && m_access_token_lifetime.count() > 1 ? 1 : 0);
    nlohmann::json body{{"access_token", access_token},
                        {"token_type", "Bearer"},
                        {"expires_in", expires_in},
                        {"scope", granted_scope}};
    if (!issuer.google) body["ext_expires_in"] = 3600;
    bool offline = issuer.google ? scope.find(" (online)") == std::string::npos : has_scope(scope, "offline_access");
    if (with_refresh_token && offline) {
        std::string refresh_token = random_token(issuer.google ? "1//0g" : "M.R3_");
        m_refresh_tokens[refresh_token] = client_id;
        m_issued_secrets.push_back(refresh_token);
        body["refresh_token"] = refresh_token;
    }
    if (has_scope(scope, "openid") || (issuer.google && has_scope(scope, "email")))
        body["id_token"] = fake_id_token(issuer.google ? "https://accounts.google.com"
                                                       : "https://login.microsoftonline.com/9188040d/v2.0",
                                         client_id);
    return json_response(200, body);
}

HttpResponse MockOAuthProvider::token(const Issuer& issuer, const HttpRequest& request) {
    ++m_token_requests;
    auto form = parse_form(request.body);
    if (form["client_id"] != issuer.client_id)
        return oauth_error(issuer.google ? 401 : 400, issuer.google ? "invalid_client" : "unauthorized_client",
                           issuer.google ? "The OAuth client was not found." : "AADSTS700016: Application not found.");
    if (issuer.google && form["client_secret"] != issuer.client_secret)
        return oauth_error(401, "invalid_client", "Unauthorized");
    if (!issuer.google && form.contains("client_secret"))
        return oauth_error(400, "invalid_client",
                           "AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should "
                           "be presented.");
    const std::string& grant_type = form["grant_type"];

    if (grant_type == "authorization_code") {
        auto issued = m_codes.find(form["code"]);
        if (issued == m_codes.end() || issued->second.used)
            return oauth_error(400, "invalid_grant",
                               issuer.google ? "Bad Request"
                                             : "AADSTS54005: OAuth2 Authorization code was already redeemed.");
        // Spent whatever happens next: a code is good for one attempt (RFC 6749 §4.1.2).
        issued->second.used = true;
        if (issued->second.redirect_uri != form["redirect_uri"])
            return oauth_error(400, issuer.google ? "redirect_uri_mismatch" : "invalid_grant", "Bad Request");
        if (!form.contains("code_verifier"))
            return oauth_error(400, "invalid_grant", issuer.google ? "Missing code verifier." : "AADSTS50148");
        if (s256(form["code_verifier"]) != issued->second.code_challenge)
            return oauth_error(400, "invalid_grant",
                               issuer.google ? "Invalid code verifier."
                                             : "AADSTS501481: The Code_Verifier does not match the code_challenge "
                                               "supplied in the authorization request.");
        return grant_tokens(issuer, form["client_id"], issued->second.scope, true);
    }
    if (grant_type == "refresh_token") {
        auto found = m_refresh_tokens.find(form["refresh_token"]);
        if (found == m_refresh_tokens.end() || found->second != form["client_id"])
            return oauth_error(400, "invalid_grant",
                               issuer.google ? "Token has been expired or revoked."
                                             : "AADSTS70008: The provided authorization code or refresh token has "
                                               "expired due to inactivity.");
        // Microsoft rotates refresh tokens; Google keeps the one it gave.
        std::string scope = issuer.google ? "https://mail.google.com/" : form["scope"];
        if (!issuer.google && m_refresh_tokens_single_use)
            m_refresh_tokens.erase(found);
        return grant_tokens(issuer, form["client_id"], scope, !issuer.google);
    }
    if (grant_type == "urn:ietf:params:oauth:grant-type:device_code") {
        auto found = m_device_codes.find(form["device_code"]);
        if (found == m_device_codes.end())
            return oauth_error(400, issuer.google ? "invalid_grant" : "bad_verification_code");
        DeviceCode& device = found->second;
        auto now = std::chrono::steady_clock::now();
        m_device_poll_times.push_back(now);
        ++device.polls;
        if (now >= device.dies) return oauth_error(400, "expired_token");
        // 100 ms of slack for scheduling.
        if (now - device.last_poll + std::chrono::milliseconds(100) < device.required_interval) {
            ++m_device_polls_too_early;
            device.required_interval += m_device_script.slow_down_increment;
            device.last_poll = now;
            return oauth_error(issuer.google ? 403 : 400, "slow_down");
        }
        device.last_poll = now;
        if (std::ranges::count(m_device_script.slow_down_polls, device.polls) > 0) {
            device.required_interval += m_device_script.slow_down_increment;
            return oauth_error(issuer.google ? 403 : 400, "slow_down");
        }
        if (device.polls <= m_device_script.polls_before_approval)
            return oauth_error(issuer.google ? 428 : 400, "authorization_pending");
        if (m_device_script.consent == Consent::Decline)
            return oauth_error(issuer.google ? 403 : 400, issuer.google ? "access_denied" : "authorization_declined");
        std::string scope = device.scope;
        std::string client_id = device.client_id;
        m_device_codes.erase(found);
        return grant_tokens(issuer, client_id, scope, true);
    }
    return oauth_error(400, "unsupported_grant_type");
}

HttpResponse MockOAuthProvider::device_authorization(const Issuer& issuer, const HttpRequest& request) {
    auto form = parse_form(request.body);
    if (form["client_id"] != issuer.client_id)
        return oauth_error(401, "invalid_client", issuer.google ? "The OAuth client was not found." : "AADSTS700016");
    // Google allows only a short list of scopes in this flow, and Gmail's is not among them.
    if (issuer.google && has_scope(form["scope"], "https://mail.google.com/")) return oauth_error(400, "invalid_scope");
    if (form["scope"].empty()) return oauth_error(400, "invalid_scope");

    std::string device_code = random_token(issuer.google ? "AH-1Ng" : "DAQABAAEAAA");
    auto now = std::chrono::steady_clock::now();
    DeviceCode device;
    device.client_id = form["client_id"];
    device.scope = form["scope"];
    device.dies = now + m_device_script.lifetime;
    device.required_interval = std::chrono::seconds(m_device_script.interval_seconds);
    device.last_poll = now;
    m_device_codes[device_code] = device;
    ++m_serial;
    std::string user_code = issuer.google ? "GQVQ-JKEC" : "FG7QW2RZ" + std::to_string(m_serial % 10);
    nlohmann::json body{{"device_code", device_code},
                        {"user_code", user_code},
                        {"expires_in", m_device_script.expires_in_seconds},
                        {"interval", m_device_script.interval_seconds}};
    if (issuer.google) {
        body["verification_url"] = "https://www.google.com/device";
    } else {
        body["verification_uri"] = "https://microsoft.com/devicelogin";
        body["message"] = "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and "
                          "enter the code " + user_code + " to authenticate.";
    }
    return json_response(200, body);
}

}  // namespace cairn::testing
