// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

/// The SASL initial responses that carry an OAuth access token to an IMAP or POP3 server.
/// Both results are base64, ready for `AUTHENTICATE XOAUTH2 <response>` (IMAP, with SASL-IR)
/// or `AUTH XOAUTH2 <response>` (POP3). They contain the token: never log them.
namespace cairn::oauth {

/// Google's and Microsoft's XOAUTH2: base64("user=" user ^A "auth=Bearer " token ^A ^A).
std::string xoauth2_initial_response(std::string_view user, std::string_view access_token);

/// RFC 7628 OAUTHBEARER: base64(gs2-header ^A "host=" host ^A "port=" port ^A "auth=Bearer "
/// token ^A ^A), where the gs2 header is "n,a=" user "," with ',' and '=' in the user escaped.
std::string oauthbearer_initial_response(std::string_view user, std::string_view host, std::uint16_t port,
                                         std::string_view access_token);

}  // namespace cairn::oauth
