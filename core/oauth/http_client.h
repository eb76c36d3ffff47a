// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "core/base/progress.h"
#include "core/base/result.h"

/// Internal to core/oauth: form encoding and the libcurl calls.
namespace cairn::oauth::detail {

using FormFields = std::initializer_list<std::pair<std::string_view, std::string_view>>;

/// RFC 3986 percent-encoding: everything but unreserved characters is encoded, so the result
/// is safe in a query string and in an application/x-www-form-urlencoded body.
std::string percent_encode(std::string_view text);
/// Decodes application/x-www-form-urlencoded ('+' is a space). Malformed escapes are kept as-is.
std::string form_decode(std::string_view text);
/// "a=1&b=2", skipping fields whose value is empty (optional parameters).
std::string form_encode(FormFields fields);
/// Splits "a=1&b=2" into decoded names and values.
std::map<std::string, std::string> parse_form(std::string_view text);

struct HttpResponse {
    long status = 0;
    std::string body;
};

/// POSTs an application/x-www-form-urlencoded body and returns whatever HTTP status came back.
/// Errors are about transport only: Unavailable (unreachable, TLS, timeout) naming the provider,
/// Cancelled. TLS certificates and host names are verified; redirects are not followed.
[[nodiscard]] Result<HttpResponse> post_form(const std::string& url, const std::string& body,
                                             std::string_view provider_name,
                                             const CancellationToken* cancellation);

}  // namespace cairn::oauth::detail
