// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "core/oauth/http_client.h"

using namespace cairn::oauth;

TEST_SUITE("oauth.form") {
TEST_CASE("percent-encoding keeps only RFC 3986 unreserved characters") {
    CHECK(detail::percent_encode("https://mail.google.com/ a+b~c") == "https%3A%2F%2Fmail.google.com%2F%20a%2Bb~c");
    CHECK(detail::percent_encode("\xc3\xa9") == "%C3%A9");
}

TEST_CASE("a form body skips empty optional fields and round-trips through parse_form") {
    std::string body = detail::form_encode({{"grant_type", "refresh_token"}, {"client_secret", ""}, {"scope", "a b"}});
    CHECK(body == "grant_type=refresh_token&scope=a%20b");
    auto fields = detail::parse_form(body);
    CHECK(fields.size() == 2);
    CHECK(fields["scope"] == "a b");
}

TEST_CASE("form decoding turns '+' into a space and keeps malformed escapes") {
    auto fields = detail::parse_form("code=4%2F0Ab+c&state=%zz&empty&=x");
    CHECK(fields["code"] == "4/0Ab c");
    CHECK(fields["state"] == "%zz");
    CHECK(fields["empty"].empty());
}
}
