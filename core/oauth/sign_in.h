// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/oauth/provider.h"
#include "core/oauth/tokens.h"

namespace cairn::oauth {

/// The desktop sign-in: authorization code with PKCE (RFC 7636, S256) and a loopback redirect
/// (RFC 8252 §7.3) to a port on 127.0.0.1 that is open only for this sign-in.
struct BrowserSignIn {
    /// Opens the URL in the user's browser and returns at once: the browser's visit to the
    /// loopback address is awaited after it returns. An error stops the sign-in (the CLI can
    /// instead print the URL and return success).
    std::function<Result<void>(const std::string& url)> open_browser;
    /// Pre-fills the account on the provider's page (an e-mail address); optional.
    std::string login_hint;
    /// How long the user has to finish in the browser.
    std::chrono::milliseconds timeout = std::chrono::minutes(5);
    const CancellationToken* cancellation = nullptr;
};

/// Runs the browser sign-in to the end: listens on 127.0.0.1, hands the authorization URL to
/// open_browser, waits for the redirect (checking `state`), answers the browser with a page that
/// says it can be closed, and exchanges the code (with the PKCE verifier) for tokens.
/// `account` names the account in messages. Blocks until done: call it from a worker thread.
/// Errors: InvalidArgument (no client id), PermissionDenied (the user declined, or the provider
/// refused the code), InvalidData (a redirect that does not belong to this sign-in, CSRF),
/// LimitExceeded (the browser did not come back in time), Unavailable (network), Cancelled.
[[nodiscard]] Result<Tokens> sign_in_with_browser(const Provider& provider, const BrowserSignIn& options,
                                                  std::string_view account);

/// What the user must do to finish a device-code sign-in: open verification_uri on any device
/// and enter user_code before it expires.
struct DeviceCodePrompt {
    std::string user_code;
    std::string verification_uri;
    /// The same page with the code filled in, when the provider gives one (RFC 8628 §3.2).
    std::string verification_uri_complete;
    std::chrono::seconds expires_in{0};
    /// The provider's own sentence to show (Microsoft sends one), else empty.
    std::string message;
};

/// The command-line sign-in: the device authorization grant (RFC 8628). Not available for
/// Gmail's mail scope (Google refuses it in this flow; the error says to use the browser).
struct DeviceSignIn {
    /// Shows the code to the user; called once, before polling starts.
    std::function<void(const DeviceCodePrompt& prompt)> show_code;
    /// RFC 8628 §3.5: every slow_down answer adds 5 seconds to the polling interval. Only tests
    /// shorten it.
    std::chrono::milliseconds slow_down_increment = std::chrono::seconds(5);
    const CancellationToken* cancellation = nullptr;
};

/// Asks for a device code, shows it, then polls the token endpoint at the interval the provider
/// asks for until the user has signed in, declined, or the code expired. Blocks until done.
/// Errors: InvalidArgument (no client id), PermissionDenied (declined), LimitExceeded (the code
/// expired), Unavailable (network), Unsupported (the provider does not allow this flow for the scope),
/// Cancelled (promptly, also while waiting between polls).
[[nodiscard]] Result<Tokens> sign_in_with_device_code(const Provider& provider, const DeviceSignIn& options,
                                                      std::string_view account);

}  // namespace cairn::oauth
