// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/provider.h"

#include <fmt/format.h>

namespace cairn::oauth {

Provider google_provider(std::string client_id, std::string client_secret) {
    Provider provider;
    provider.kind = ProviderKind::Google;
    provider.name = "Google";
    provider.client_id = std::move(client_id);
    provider.client_secret = std::move(client_secret);
    provider.authorization_endpoint = "https://accounts.google.com/o/oauth2/v2/auth";
    provider.token_endpoint = "https://oauth2.googleapis.com/token";
    provider.device_authorization_endpoint = "https://oauth2.googleapis.com/device/code";
    provider.scope = "https://mail.google.com/";
    return provider;
}

Provider microsoft_provider(std::string client_id, std::string_view tenant) {
    if (tenant.empty()) tenant = MicrosoftDefaultTenant;
    std::string base = fmt::format("https://login.microsoftonline.com/{}/oauth2/v2.0/", tenant);
    Provider provider;
    provider.kind = ProviderKind::Microsoft;
    provider.name = "Microsoft";
    provider.client_id = std::move(client_id);
    provider.authorization_endpoint = base + "authorize";
    provider.token_endpoint = base + "token";
    provider.device_authorization_endpoint = base + "devicecode";
    provider.scope =
        "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All "
        "offline_access";
    return provider;
}

Result<void> check_configured(const Provider& provider) {
    bool google = provider.kind == ProviderKind::Google;
    if (provider.client_id.empty())
        return make_error(ErrorCode::InvalidArgument,
                          fmt::format("no OAuth client id configured for {}: register a client (see "
                                      "docs/accounts.md) and give its id with --oauth-client-id on `cairn account "
                                      "add` or `cairn account login`, or set {} as the default for all accounts",
                                      provider.name,
                                      google ? "CAIRN_GOOGLE_CLIENT_ID (and CAIRN_GOOGLE_CLIENT_SECRET)"
                                             : "CAIRN_MICROSOFT_CLIENT_ID"));
    if (provider.token_endpoint.empty() || provider.authorization_endpoint.empty() ||
        provider.device_authorization_endpoint.empty())
        return make_error(ErrorCode::InvalidArgument,
                          fmt::format("an OAuth endpoint URL for {} is empty: sign in again with `cairn account "
                                      "login` without the endpoint options to use the provider's own",
                                      provider.name));
    return {};
}

}  // namespace cairn::oauth
