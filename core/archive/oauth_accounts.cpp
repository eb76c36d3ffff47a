// SPDX-License-Identifier: GPL-3.0-or-later
// Signing in to Google and Microsoft accounts and keeping their tokens sealed in the archive.

#include "core/archive/oauth_accounts.h"

#include <chrono>

#include <fmt/format.h>

#include "core/archive/account_secrets.h"

namespace cairn {
namespace {

std::int64_t seconds_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Before a run: a token that would expire during the first minutes is replaced up front.
constexpr std::chrono::seconds StartMargin = std::chrono::minutes(5);
/// At a (re)connection during a run: enough for the login to reach the server.
constexpr std::chrono::seconds ConnectionMargin = std::chrono::minutes(1);

}  // namespace

Result<oauth::Provider> oauth_provider_for(const accounts::AccountSettings& settings,
                                           const OAuthClientDefaults& defaults) {
    oauth::Provider provider;
    switch (settings.sign_in) {
    case accounts::SignIn::Password:
        return make_error(ErrorCode::InvalidArgument,
                          "this account signs in with a password, not with Google or Microsoft", settings.name);
    case accounts::SignIn::Google: {
        // A client secret belongs to its client id: the default secret only goes with the default id.
        bool own_client = !settings.oauth_client_id.empty();
        provider = oauth::google_provider(own_client ? settings.oauth_client_id : defaults.google_client_id,
                                          own_client ? settings.oauth_client_secret : defaults.google_client_secret);
        break;
    }
    case accounts::SignIn::Microsoft:
        provider = oauth::microsoft_provider(
            settings.oauth_client_id.empty() ? defaults.microsoft_client_id : settings.oauth_client_id,
            settings.oauth_tenant.empty() ? oauth::MicrosoftDefaultTenant : std::string_view(settings.oauth_tenant));
        break;
    }
    if (!settings.oauth_authorization_url.empty())
        provider.authorization_endpoint = settings.oauth_authorization_url;
    if (!settings.oauth_token_url.empty())
        provider.token_endpoint = settings.oauth_token_url;
    if (!settings.oauth_device_url.empty())
        provider.device_authorization_endpoint = settings.oauth_device_url;
    CAIRN_TRY_VOID(oauth::check_configured(provider));
    return provider;
}

oauth::Tokens tokens_from_secret(const AccountSecret& secret) {
    oauth::Tokens tokens;
    tokens.access_token = secret.access_token;
    tokens.refresh_token = secret.refresh_token;
    tokens.expires_at = secret.access_token_expires;
    return tokens;
}

AccountSecret secret_from_tokens(const oauth::Tokens& tokens) {
    AccountSecret secret;
    secret.access_token = tokens.access_token;
    secret.refresh_token = tokens.refresh_token;
    secret.access_token_expires = tokens.expires_at;
    return secret;
}

Result<void> store_account_secret(Archive::Impl& archive, std::int64_t account_id, const std::string& account,
                                  const AccountSecret& secret) {
    return archive.catalog->set_account_secret(account_id, seal_account_secret(archive.keys, account, secret));
}

Result<std::shared_ptr<OAuthSession>> OAuthSession::start(Archive::Impl& archive, std::int64_t account_id,
                                                          const accounts::AccountSettings& settings,
                                                          const AccountSecret& secret,
                                                          const OAuthClientDefaults& defaults,
                                                          const CancellationToken* cancellation) {
    std::shared_ptr<OAuthSession> session(new OAuthSession());
    session->m_provider = CAIRN_TRY(oauth_provider_for(settings, defaults));
    session->m_tokens = tokens_from_secret(secret);
    session->m_account_id = account_id;
    session->m_account = settings.name;
    session->m_login = settings.login;
    session->m_cancellation = cancellation;
    auto freshness = CAIRN_TRY(oauth::ensure_fresh(session->m_provider, session->m_tokens, settings.name,
                                                   seconds_now(), StartMargin, cancellation));
    if (freshness == oauth::Freshness::Refreshed)
        CAIRN_TRY_VOID(store_account_secret(archive, account_id, settings.name, secret_from_tokens(session->m_tokens)));
    return session;
}

Result<sources::imap::Credentials> OAuthSession::credentials() {
    std::lock_guard lock(m_mutex);
    auto freshness = CAIRN_TRY(
        oauth::ensure_fresh(m_provider, m_tokens, m_account, seconds_now(), ConnectionMargin, m_cancellation));
    if (freshness == oauth::Freshness::Refreshed)
        m_rotated = true;
    return sources::imap::Credentials{m_login, m_tokens.access_token, sources::imap::AuthMechanism::XOAuth2};
}

Result<void> OAuthSession::store_rotated(Archive::Impl& archive) {
    std::lock_guard lock(m_mutex);
    if (!m_rotated)
        return {};
    CAIRN_TRY_VOID(store_account_secret(archive, m_account_id, m_account, secret_from_tokens(m_tokens)));
    m_rotated = false;
    return {};
}

Result<void> Archive::update_account(const accounts::AccountSettings& settings) {
    if (m_impl->access != Access::ReadWrite)
        return make_error(ErrorCode::Internal, "changing an account needs the archive opened for writing");
    CAIRN_TRY_VOID(accounts::validate(settings));
    auto row = CAIRN_TRY(m_impl->catalog->account(settings.name));
    if (!row)
        return make_error(ErrorCode::NotFound, "no such account; `cairn account list` shows them", settings.name);
    return m_impl->catalog->set_account_settings(row->id, accounts::to_json(settings));
}

Result<void> Archive::set_account_secret(const std::string& name, const AccountSecret& secret) {
    if (m_impl->access != Access::ReadWrite)
        return make_error(ErrorCode::Internal, "changing an account needs the archive opened for writing");
    auto row = CAIRN_TRY(m_impl->catalog->account(name));
    if (!row)
        return make_error(ErrorCode::NotFound, "no such account; `cairn account list` shows them", name);
    return store_account_secret(*m_impl, row->id, name, secret);
}

Result<void> Archive::sign_in_account(const std::string& name, const AccountSignInOptions& options) {
    if (m_impl->access != Access::ReadWrite)
        return make_error(ErrorCode::Internal, "signing in needs the archive opened for writing");
    auto row = CAIRN_TRY(m_impl->catalog->account(name));
    if (!row)
        return make_error(ErrorCode::NotFound, "no such account; `cairn account list` shows them", name);
    auto settings = CAIRN_TRY(accounts::from_json(row->settings));
    if (settings.sign_in == accounts::SignIn::Password)
        return make_error(ErrorCode::InvalidArgument,
                          "this account signs in with a password: remove it and add it again to change the password",
                          name);
    auto provider = CAIRN_TRY(oauth_provider_for(settings, options.client_defaults));
    oauth::Tokens tokens;
    if (options.flow == SignInFlow::Browser) {
        oauth::BrowserSignIn browser;
        browser.open_browser = options.open_browser;
        browser.login_hint = settings.login;
        browser.timeout = options.browser_timeout;
        browser.cancellation = options.cancellation;
        tokens = CAIRN_TRY(oauth::sign_in_with_browser(provider, browser, name));
    } else {
        oauth::DeviceSignIn device;
        device.show_code = options.show_code;
        device.cancellation = options.cancellation;
        tokens = CAIRN_TRY(oauth::sign_in_with_device_code(provider, device, name));
    }
    // Without a refresh token every fetch would need the user again; Cairn archives unattended.
    if (tokens.refresh_token.empty())
        return make_error(ErrorCode::PermissionDenied,
                          fmt::format("{} signed in but gave no refresh token, so Cairn could not fetch without you: "
                                      "check that the client may ask for offline access, then run `cairn account "
                                      "login {}` again",
                                      provider.name, name),
                          name);
    return store_account_secret(*m_impl, row->id, name, secret_from_tokens(tokens));
}

}  // namespace cairn
