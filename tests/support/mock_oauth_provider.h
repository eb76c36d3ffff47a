// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/oauth/provider.h"
#include "tests/support/loopback_http.h"

/// A local stand-in for Google's and Microsoft's OAuth endpoints, following their documentation:
/// form-encoded requests, JSON answers with the documented fields and error codes, PKCE S256
/// checked, authorization codes used once, refresh tokens rotated by Microsoft and kept by
/// Google, and the device flow answering authorization_pending, slow_down and expired_token.
///
/// Paths: /google/auth, /google/token, /google/device/code and
/// /microsoft/{tenant}/oauth2/v2.0/{authorize,token,devicecode}; and /introspect, an RFC 7662
/// token introspection endpoint for the mail server (Dovecot's oauth2 passdb) to check the
/// access tokens it is shown.
namespace cairn::testing {

class MockOAuthProvider {
public:
    static constexpr const char* GoogleClientId = "mock-google.apps.googleusercontent.com";
    static constexpr const char* GoogleClientSecret = "mock-google-installed-app-secret";
    static constexpr const char* MicrosoftClientId = "00000000-0000-0000-0000-00000000c41b";
    static constexpr const char* UserEmail = "ann@example.com";

    MockOAuthProvider();

    /// Providers with every endpoint pointing here and the mock's client ids.
    oauth::Provider google() const;
    oauth::Provider microsoft(const std::string& tenant = "common") const;

    /// What the user does on the consent page.
    enum class Consent { Allow, Decline };
    void set_consent(Consent consent);

    /// Device flow script: the user finishes after `polls_before_approval` polls; the polls
    /// numbered in `slow_down_polls` (1-based) are answered slow_down. `interval` is announced.
    struct DeviceScript {
        int polls_before_approval = 2;
        std::vector<int> slow_down_polls;
        int interval_seconds = 1;
        int expires_in_seconds = 900;
        /// The code really dies this soon (server side), whatever expires_in said.
        std::chrono::milliseconds lifetime = std::chrono::minutes(15);
        /// What a slow_down adds to the interval the server then insists on.
        std::chrono::milliseconds slow_down_increment = std::chrono::seconds(5);
        Consent consent = Consent::Allow;
    };
    void set_device_script(DeviceScript script);
    /// When each token poll of the device flow arrived, and how many came too early.
    std::vector<std::chrono::steady_clock::time_point> device_poll_times() const;
    int device_polls_too_early() const;

    /// Every refresh token issued so far stops working (the user revoked access).
    void revoke_refresh_tokens();
    /// expires_in of the access tokens issued from now on (default: an hour, as both providers).
    void set_access_token_lifetime(std::chrono::seconds lifetime);
    /// A refresh token is spent when a rotated one replaces it (Microsoft only rotates), so a
    /// client that forgets to store the new one is caught.
    void set_refresh_tokens_single_use(bool single_use);
    /// The introspection endpoint: POST token=... (also GET ?token=... or a Bearer header)
    /// answers {"active": true, "email": UserEmail, "exp": ...} for an issued access token that
    /// has not expired, else {"active": false}.
    std::string introspection_url() const { return base_url() + "/introspect"; }
    /// Answers of the introspection endpoint that said active.
    int active_introspections() const;
    /// Every token and code handed out so far (to check that none leaks into files or output).
    std::vector<std::string> issued_secrets() const;
    /// Requests that reached the token endpoint, of any grant type.
    int token_requests() const;
    /// The last authorization code handed out through a redirect.
    std::string last_authorization_code() const;
    std::string base_url() const { return m_server->base_url(); }

private:
    struct IssuedCode {
        std::string client_id;
        std::string redirect_uri;
        std::string code_challenge;
        std::string scope;
        bool used = false;
    };
    struct DeviceCode {
        std::string client_id;
        std::string scope;
        std::chrono::steady_clock::time_point dies;
        int polls = 0;
        std::chrono::milliseconds required_interval{0};
        std::chrono::steady_clock::time_point last_poll;
    };
    struct Issuer;

    HttpResponse handle(const HttpRequest& request);
    HttpResponse authorize(const Issuer& issuer, const HttpRequest& request);
    HttpResponse token(const Issuer& issuer, const HttpRequest& request);
    HttpResponse device_authorization(const Issuer& issuer, const HttpRequest& request);
    HttpResponse introspect(const HttpRequest& request);
    HttpResponse grant_tokens(const Issuer& issuer, const std::string& client_id, const std::string& scope,
                              bool with_refresh_token);

    mutable std::mutex m_mutex;
    Consent m_consent = Consent::Allow;
    DeviceScript m_device_script;
    std::map<std::string, IssuedCode> m_codes;
    std::map<std::string, DeviceCode> m_device_codes;
    std::map<std::string, std::string> m_refresh_tokens;  ///< token -> client id
    std::vector<std::chrono::steady_clock::time_point> m_device_poll_times;
    int m_device_polls_too_early = 0;
    int m_token_requests = 0;
    std::chrono::seconds m_access_token_lifetime = std::chrono::hours(1);
    bool m_refresh_tokens_single_use = false;
    std::map<std::string, std::chrono::system_clock::time_point> m_access_tokens;  ///< token -> expiry
    std::vector<std::string> m_issued_secrets;
    int m_active_introspections = 0;
    int m_serial = 0;
    std::string m_last_code;
    // Last: the server thread calls back into the members above until it is destroyed.
    std::unique_ptr<LoopbackHttpServer> m_server;
};

}  // namespace cairn::testing
