// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

#include "core/base/result.h"

/// Sign-in to Gmail and Microsoft 365 / Outlook.com mail accounts with OAuth 2.0, for IMAP and
/// POP3 (XOAUTH2 / OAUTHBEARER). The only module that talks to libcurl.
///
/// Client ids: an OAuth client id identifies the application to Google or Microsoft and is
/// registered by whoever publishes the application. Cairn ships none (a client id baked into an
/// open-source program can be copied and abused, and Google requires a verified app for the
/// mail scope), so the defaults below are empty placeholders: until the user registers their
/// own client with Google Cloud or Microsoft Entra and passes its id (--oauth-client-id, or the
/// CAIRN_GOOGLE_CLIENT_ID / CAIRN_MICROSOFT_CLIENT_ID defaults the front end reads; see
/// docs/accounts.md), every sign-in stops with a clear InvalidArgument error saying so
/// (check_configured).
namespace cairn::oauth {

enum class ProviderKind { Google, Microsoft };

/// Where and how to sign in. Every URL can be replaced (tests point them at a local mock).
struct Provider {
    ProviderKind kind = ProviderKind::Google;
    /// "Google" or "Microsoft": used in messages.
    std::string name;
    std::string client_id;
    /// Google's "Desktop app" clients come with a secret that is not confidential (it ships with
    /// the program) but that the token endpoint still requires. Empty for Microsoft public clients.
    std::string client_secret;
    std::string authorization_endpoint;
    std::string token_endpoint;
    std::string device_authorization_endpoint;
    /// Space-separated, as sent.
    std::string scope;
};

/// Microsoft's tenant that accepts both work or school and personal accounts.
inline constexpr std::string_view MicrosoftDefaultTenant = "common";

/// Google's documented endpoints for installed applications and the full IMAP/POP scope
/// (https://mail.google.com/). Google does not allow this scope in its device-code flow: use
/// the browser sign-in for Gmail.
Provider google_provider(std::string client_id = {}, std::string client_secret = {});

/// The Microsoft identity platform (v2.0 endpoints) for a tenant: "common" (work or school and
/// personal accounts), "consumers" (Outlook.com only), "organizations" (work or school only) or
/// a tenant id or domain. Scopes: IMAP and POP access, and offline_access for a refresh token.
Provider microsoft_provider(std::string client_id = {}, std::string_view tenant = MicrosoftDefaultTenant);

/// InvalidArgument, with what to do, when the provider has no client id or an endpoint is
/// missing. Every sign-in and refresh checks this first.
[[nodiscard]] Result<void> check_configured(const Provider& provider);

}  // namespace cairn::oauth
