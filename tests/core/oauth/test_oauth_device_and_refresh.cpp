// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <future>
#include <thread>

#include "core/oauth/sign_in.h"
#include "core/oauth/tokens.h"
#include "tests/support/loopback_http.h"
#include "tests/support/mock_oauth_provider.h"

using namespace cairn;
using testing::MockOAuthProvider;
using namespace std::chrono_literals;

namespace {

constexpr auto SlowDownIncrement = 300ms;

oauth::DeviceSignIn device_options(std::vector<oauth::DeviceCodePrompt>& shown) {
    oauth::DeviceSignIn options;
    options.slow_down_increment = SlowDownIncrement;
    options.show_code = [&shown](const oauth::DeviceCodePrompt& prompt) { shown.push_back(prompt); };
    return options;
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result<oauth::Tokens> browser_sign_in(const oauth::Provider& provider) {
    std::future<testing::HttpResponse> page;
    oauth::BrowserSignIn options;
    options.open_browser = [&page](const std::string& url) -> Result<void> {
        page = std::async(std::launch::async, [url] { return testing::browse(url); });
        return {};
    };
    auto tokens = oauth::sign_in_with_browser(provider, options, "account");
    if (page.valid()) page.get();
    return tokens;
}

}  // namespace

TEST_SUITE("oauth.device") {
TEST_CASE("Microsoft device sign-in polls at the interval, through pending and slow_down, to tokens") {
    MockOAuthProvider mock;
    MockOAuthProvider::DeviceScript script;
    script.polls_before_approval = 2;
    script.slow_down_polls = {2};
    script.interval_seconds = 1;
    script.slow_down_increment = SlowDownIncrement;
    mock.set_device_script(script);
    std::vector<oauth::DeviceCodePrompt> shown;
    auto started = std::chrono::steady_clock::now();
    auto tokens = oauth::sign_in_with_device_code(mock.microsoft(), device_options(shown), "work");
    REQUIRE_MESSAGE(tokens, tokens.error().describe());
    CHECK(tokens->access_token.starts_with("EwB"));
    CHECK_FALSE(tokens->refresh_token.empty());

    REQUIRE(shown.size() == 1);
    CHECK(shown[0].verification_uri == "https://microsoft.com/devicelogin");
    CHECK(shown[0].user_code.size() == 9);
    CHECK(shown[0].expires_in == 900s);
    CHECK(shown[0].message.find(shown[0].user_code) != std::string::npos);

    auto polls = mock.device_poll_times();
    REQUIRE(polls.size() == 3);  // pending, slow_down, granted
    CHECK(mock.device_polls_too_early() == 0);
    CHECK(polls[0] - started >= 900ms);
    CHECK(polls[1] - polls[0] >= 900ms);
    CHECK(polls[2] - polls[1] >= 1s + SlowDownIncrement - 100ms);
    // Generous: the machine may be busy, but a poll must not wait for many intervals.
    CHECK(polls[2] - polls[1] < 2500ms + SlowDownIncrement);
}

TEST_CASE("Google's device flow shows verification_url, and refuses the Gmail scope with advice") {
    MockOAuthProvider mock;
    MockOAuthProvider::DeviceScript script;
    script.polls_before_approval = 0;
    mock.set_device_script(script);
    std::vector<oauth::DeviceCodePrompt> shown;

    SUBCASE("a scope Google allows in this flow") {
        oauth::Provider provider = mock.google();
        provider.scope = "openid email";
        auto tokens = oauth::sign_in_with_device_code(provider, device_options(shown), "gmail");
        REQUIRE_MESSAGE(tokens, tokens.error().describe());
        CHECK(tokens->email == MockOAuthProvider::UserEmail);
        REQUIRE(shown.size() == 1);
        CHECK(shown[0].verification_uri == "https://www.google.com/device");
        CHECK(shown[0].user_code == "GQVQ-JKEC");
    }
    SUBCASE("the Gmail scope") {
        auto tokens = oauth::sign_in_with_device_code(mock.google(), device_options(shown), "gmail");
        REQUIRE_FALSE(tokens);
        CHECK(tokens.error().code == ErrorCode::Unsupported);
        CHECK(tokens.error().message.find("sign in with the browser") != std::string::npos);
        CHECK(shown.empty());
    }
}

TEST_CASE("a declined device sign-in is PermissionDenied, for both providers' error codes") {
    MockOAuthProvider mock;
    MockOAuthProvider::DeviceScript script;
    script.polls_before_approval = 0;
    script.consent = MockOAuthProvider::Consent::Decline;
    mock.set_device_script(script);
    std::vector<oauth::DeviceCodePrompt> shown;
    oauth::Provider google = mock.google();
    google.scope = "email";
    for (const oauth::Provider& provider : {google, mock.microsoft()}) {
        CAPTURE(provider.name);
        auto tokens = oauth::sign_in_with_device_code(provider, device_options(shown), "home");
        REQUIRE_FALSE(tokens);
        CHECK(tokens.error().code == ErrorCode::PermissionDenied);
    }
}

TEST_CASE("a device code that expires while pending ends with LimitExceeded") {
    MockOAuthProvider mock;
    MockOAuthProvider::DeviceScript script;
    script.polls_before_approval = 100;
    script.lifetime = 1500ms;  // the server lets it die before the announced expires_in
    mock.set_device_script(script);
    std::vector<oauth::DeviceCodePrompt> shown;
    auto tokens = oauth::sign_in_with_device_code(mock.microsoft(), device_options(shown), "work");
    REQUIRE_FALSE(tokens);
    CHECK(tokens.error().code == ErrorCode::LimitExceeded);
    CHECK(tokens.error().message.find("expired") != std::string::npos);
    // expires_in said 900 s, so only the server's expired_token can have ended it.
    CHECK_FALSE(mock.device_poll_times().empty());
}

TEST_CASE("cancel during device polling returns Cancelled at once") {
    MockOAuthProvider mock;
    MockOAuthProvider::DeviceScript script;
    script.polls_before_approval = 100;
    script.interval_seconds = 5;
    mock.set_device_script(script);
    std::vector<oauth::DeviceCodePrompt> shown;
    CancellationToken cancellation;
    oauth::DeviceSignIn options = device_options(shown);
    options.cancellation = &cancellation;
    std::chrono::steady_clock::time_point cancelled_at;
    std::thread canceller([&] {
        std::this_thread::sleep_for(200ms);
        cancelled_at = std::chrono::steady_clock::now();
        cancellation.cancel();
    });
    auto tokens = oauth::sign_in_with_device_code(mock.microsoft(), options, "work");
    auto returned_at = std::chrono::steady_clock::now();
    canceller.join();
    REQUIRE_FALSE(tokens);
    CHECK(tokens.error().code == ErrorCode::Cancelled);
    CHECK(returned_at - cancelled_at < 500ms);
}
}

TEST_SUITE("oauth.refresh") {
TEST_CASE("Microsoft rotates the refresh token; Google keeps it") {
    MockOAuthProvider mock;
    SUBCASE("Microsoft") {
        auto signed_in = browser_sign_in(mock.microsoft());
        REQUIRE_MESSAGE(signed_in, signed_in.error().describe());
        auto refreshed = oauth::refresh(mock.microsoft(), signed_in->refresh_token, "work");
        REQUIRE_MESSAGE(refreshed, refreshed.error().describe());
        CHECK(refreshed->access_token != signed_in->access_token);
        CHECK_FALSE(refreshed->refresh_token.empty());
        CHECK(refreshed->refresh_token != signed_in->refresh_token);
        auto again = oauth::refresh(mock.microsoft(), refreshed->refresh_token, "work");
        CHECK(again);
    }
    SUBCASE("Google") {
        auto signed_in = browser_sign_in(mock.google());
        REQUIRE_MESSAGE(signed_in, signed_in.error().describe());
        auto refreshed = oauth::refresh(mock.google(), signed_in->refresh_token, "gmail");
        REQUIRE_MESSAGE(refreshed, refreshed.error().describe());
        CHECK(refreshed->access_token != signed_in->access_token);
        CHECK(refreshed->refresh_token == signed_in->refresh_token);
        CHECK(refreshed->expires_at >= now_seconds() + 3500);
    }
}

TEST_CASE("a revoked refresh token says to sign in again, naming the account, and leaks no token") {
    MockOAuthProvider mock;
    for (const oauth::Provider& provider : {mock.google(), mock.microsoft()}) {
        CAPTURE(provider.name);
        auto signed_in = browser_sign_in(provider);
        REQUIRE_MESSAGE(signed_in, signed_in.error().describe());
        mock.revoke_refresh_tokens();
        auto refreshed = oauth::refresh(provider, signed_in->refresh_token, "work");
        REQUIRE_FALSE(refreshed);
        CHECK(refreshed.error().code == ErrorCode::PermissionDenied);
        CHECK(refreshed.error().message.starts_with("the sign-in for work was revoked or expired"));
        CHECK(refreshed.error().message.ends_with("sign in again with `cairn account login work`"));
        CHECK(refreshed.error().message.find(provider.name) != std::string::npos);
        CHECK(refreshed.error().describe().find(signed_in->refresh_token) == std::string::npos);
        CHECK(refreshed.error().describe().find(MockOAuthProvider::GoogleClientSecret) == std::string::npos);
    }
}

TEST_CASE("ensure_fresh refreshes only when the access token expires within the margin") {
    MockOAuthProvider mock;
    auto signed_in = browser_sign_in(mock.microsoft());
    REQUIRE_MESSAGE(signed_in, signed_in.error().describe());
    oauth::Tokens tokens = *signed_in;
    int requests = mock.token_requests();

    auto fresh = oauth::ensure_fresh(mock.microsoft(), tokens, "work", tokens.expires_at - 3000, 5min);
    REQUIRE(fresh);
    CHECK(*fresh == oauth::Freshness::StillValid);
    CHECK(mock.token_requests() == requests);
    CHECK(tokens.access_token == signed_in->access_token);

    auto refreshed = oauth::ensure_fresh(mock.microsoft(), tokens, "work", tokens.expires_at - 60, 5min);
    REQUIRE_MESSAGE(refreshed, refreshed.error().describe());
    CHECK(*refreshed == oauth::Freshness::Refreshed);
    CHECK(mock.token_requests() == requests + 1);
    CHECK(tokens.access_token != signed_in->access_token);
    CHECK(tokens.refresh_token != signed_in->refresh_token);
}

TEST_CASE("a token endpoint that cannot be reached is Unavailable and names the provider") {
    oauth::Provider provider = oauth::google_provider("id", "secret");
    int port;
    {
        MockOAuthProvider closed_soon;
        port = std::stoi(closed_soon.base_url().substr(std::string("http://127.0.0.1:").size()));
    }
    provider.token_endpoint = "http://127.0.0.1:" + std::to_string(port) + "/token";
    auto refreshed = oauth::refresh(provider, "some-refresh-token", "gmail");
    REQUIRE_FALSE(refreshed);
    CHECK(refreshed.error().code == ErrorCode::Unavailable);
    CHECK(refreshed.error().message.find("Google") != std::string::npos);
    CHECK(refreshed.error().message.find("some-refresh-token") == std::string::npos);
}
}
