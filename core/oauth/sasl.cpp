// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/sasl.h"

#include <fmt/format.h>

#include "core/crypto/crypto.h"

namespace cairn::oauth {
namespace {

// RFC 5801 saslname: ',' and '=' would end or confuse the gs2 header, so they are escaped.
std::string gs2_escape(std::string_view user) {
    std::string out;
    for (char character : user) {
        if (character == ',') out += "=2C";
        else if (character == '=') out += "=3D";
        else out.push_back(character);
    }
    return out;
}

}  // namespace

std::string xoauth2_initial_response(std::string_view user, std::string_view access_token) {
    return crypto::to_base64(fmt::format("user={}\x01" "auth=Bearer {}\x01\x01", user, access_token));
}

std::string oauthbearer_initial_response(std::string_view user, std::string_view host, std::uint16_t port,
                                         std::string_view access_token) {
    return crypto::to_base64(fmt::format("n,a={},\x01host={}\x01port={}\x01" "auth=Bearer {}\x01\x01",
                                         gs2_escape(user), host, port, access_token));
}

}  // namespace cairn::oauth
