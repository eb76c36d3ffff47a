// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "core/crypto/crypto.h"
#include "core/oauth/provider.h"
#include "core/oauth/sasl.h"

using namespace cairn;

TEST_SUITE("oauth.sasl") {
TEST_CASE("OAUTHBEARER matches the initial client response of RFC 7628 §4.1") {
    std::string response = oauth::oauthbearer_initial_response("user@example.com", "server.example.com", 143,
                                                                "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==");
    CHECK(response ==
          "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRj"
          "Mk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB");
    CHECK(*crypto::from_base64(response) ==
          "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01"
          "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01");
}

TEST_CASE("OAUTHBEARER escapes ',' and '=' in the user name of the GS2 header") {
    std::string response = oauth::oauthbearer_initial_response("a,b=c", "imap.example.com", 993, "token");
    CHECK(crypto::from_base64(response)->starts_with("n,a=a=2Cb=3Dc,\x01host=imap.example.com\x01port=993\x01"));
}

TEST_CASE("XOAUTH2 is user, bearer token and two ^A, in base64, as Google documents it") {
    // The example of Google's "OAuth 2.0 Mechanism" page.
    CHECK(oauth::xoauth2_initial_response("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg") ==
          "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMj"
          "l0Q2cBAQ==");
}
}
