// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <map>

#include "core/oauth/sign_in.h"
#include "tests/support/loopback_http.h"
#include "tests/support/mock_oauth_provider.h"

using namespace cairn;
using testing::MockOAuthProvider;

namespace {

std::map<std::string, std::string> query_of(const std::string& url) {
    std::map<std::string, std::string> fields;
    std::string query = url.substr(url.find('?') + 1);
    std::size_t start = 0;
    while (start < query.size()) {
        std::size_t end = std::min(query.find('&', start), query.size());
        std::string field = query.substr(start, end - start);
        std::size_t equals = field.find('=');
        fields[field.substr(0, equals)] = field.substr(equals + 1);
        start = end + 1;
    }
    return fields;
}

std::string replace_parameter(std::string url, const std::string& name, const std::string& value) {
    std::size_t start = url.find("&" + name + "=");
    if (start == std::string::npos) start = url.find("?" + name + "=");
    REQUIRE(start != std::string::npos);
    start += name.size() + 2;
    std::size_t end = std::min(url.find('&', start), url.size());
    return url.replace(start, end - start, value);
}

/// Plays the user's browser: visits the authorization page on another thread (a real browser
/// does not block Cairn either) and keeps what the browser ended up showing.
struct TestBrowser {
    std::string authorization_url;
    std::string redirect_location;
    std::future<testing::HttpResponse> final_page;
    std::function<std::string(std::string)> tamper = [](std::string url) { return url; };
    /// Runs on the browser's thread just before it follows the redirect to Cairn.
    std::function<void(const std::string& location)> before_redirect = [](const std::string&) {};

    oauth::BrowserSignIn options() {
        oauth::BrowserSignIn sign_in;
        sign_in.timeout = std::chrono::seconds(10);
        sign_in.open_browser = [this](const std::string& url) -> Result<void> {
            authorization_url = url;
            std::string visited = tamper(url);
            final_page = std::async(std::launch::async, [this, visited] {
                testing::HttpResponse consent = testing::http_request("GET", visited);
                if (consent.status != 302) return consent;
                redirect_location = consent.headers["location"];
                before_redirect(redirect_location);
                return testing::browse(redirect_location);
            });
            return {};
        };
        return sign_in;
    }
    testing::HttpResponse page() { return final_page.valid() ? final_page.get() : testing::HttpResponse{}; }
};

}  // namespace

TEST_SUITE("oauth.browser") {
TEST_CASE("Google sign-in with PKCE and a loopback redirect gives tokens and a page to close") {
    MockOAuthProvider mock;
    TestBrowser browser;
    oauth::BrowserSignIn options = browser.options();
    options.login_hint = "ann@example.com";
    auto tokens = oauth::sign_in_with_browser(mock.google(), options, "gmail");
    testing::HttpResponse page = browser.page();
    REQUIRE_MESSAGE(tokens, tokens.error().describe());
    CHECK(tokens->access_token.starts_with("ya29."));
    CHECK(tokens->refresh_token.starts_with("1//0g"));
    CHECK(tokens->scope == "https://mail.google.com/");
    CHECK(tokens->expires_at > 0);
    CHECK(tokens->email.empty());  // no OpenID scope asked for, so no id_token
    CHECK(page.status == 200);
    CHECK(page.body.find("You can close this window") != std::string::npos);

    auto query = query_of(browser.authorization_url);
    CHECK(query["response_type"] == "code");
    CHECK(query["code_challenge_method"] == "S256");
    CHECK(query["code_challenge"].size() == 43);
    CHECK(query["access_type"] == "offline");
    CHECK(query["prompt"] == "consent");
    CHECK(query["login_hint"] == "ann%40example.com");
    CHECK(query["redirect_uri"].starts_with("http%3A%2F%2F127.0.0.1%3A"));
    CHECK(query["state"].size() >= 22);
}

TEST_CASE("Microsoft sign-in works past a favicon request and an idle speculative connection") {
    MockOAuthProvider mock;
    TestBrowser browser;
    int idle_socket = -1;
    browser.before_redirect = [&idle_socket](const std::string& location) {
        int port = std::stoi(location.substr(location.find("127.0.0.1:") + 10));
        // Browsers open connections they may never use, and ask for /favicon.ico.
        idle_socket = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        CHECK(::connect(idle_socket, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        CHECK(testing::http_request("GET", "http://127.0.0.1:" + std::to_string(port) + "/favicon.ico").status == 404);
    };
    oauth::Provider provider = mock.microsoft("organizations");
    provider.scope += " openid email";
    auto tokens = oauth::sign_in_with_browser(provider, browser.options(), "work");
    testing::HttpResponse page = browser.page();
    if (idle_socket >= 0) ::close(idle_socket);
    REQUIRE_MESSAGE(tokens, tokens.error().describe());
    CHECK(tokens->access_token.starts_with("EwB"));
    CHECK(tokens->refresh_token.starts_with("M.R3_"));
    CHECK(tokens->email == MockOAuthProvider::UserEmail);
    CHECK(page.status == 200);
    auto query = query_of(browser.authorization_url);
    CHECK(query["response_mode"] == "query");
    CHECK_FALSE(query.contains("access_type"));
    CHECK(browser.authorization_url.find("/organizations/oauth2/v2.0/authorize?") != std::string::npos);

    SUBCASE("the authorization code is good for one exchange only") {
        testing::HttpResponse replay = testing::http_request(
            "POST", provider.token_endpoint,
            "grant_type=authorization_code&client_id=" + std::string(MockOAuthProvider::MicrosoftClientId) +
                "&code=" + mock.last_authorization_code() + "&redirect_uri=x&code_verifier=x");
        CHECK(replay.status == 400);
        CHECK(replay.body.find("invalid_grant") != std::string::npos);
    }
}

TEST_CASE("a redirect with another state (a forged request) is refused before any code is exchanged") {
    MockOAuthProvider mock;
    std::future<testing::HttpResponse> page;
    oauth::BrowserSignIn options;
    options.timeout = std::chrono::seconds(10);
    options.open_browser = [&page](const std::string& url) -> Result<void> {
        // Another web page sends the browser to the loopback address with the attacker's code.
        std::string redirect = url.substr(url.find("redirect_uri=") + 13);
        redirect = redirect.substr(0, redirect.find('&'));
        int port = std::stoi(redirect.substr(redirect.find("127.0.0.1%3A") + 12));
        page = std::async(std::launch::async, [port] {
            return testing::http_request("GET", "http://127.0.0.1:" + std::to_string(port) +
                                                    "/?code=attacker-code&state=attacker-state");
        });
        return {};
    };
    auto tokens = oauth::sign_in_with_browser(mock.google(), options, "gmail");
    REQUIRE_FALSE(tokens);
    CHECK(tokens.error().code == ErrorCode::InvalidData);
    CHECK(tokens.error().message.find("does not belong to this sign-in") != std::string::npos);
    CHECK(tokens.error().context == "gmail");
    CHECK(mock.token_requests() == 0);
    CHECK(page.get().status == 400);
}

TEST_CASE("declining on the consent page gives a clear PermissionDenied") {
    MockOAuthProvider mock;
    mock.set_consent(MockOAuthProvider::Consent::Decline);
    for (const oauth::Provider& provider : {mock.google(), mock.microsoft()}) {
        CAPTURE(provider.name);
        TestBrowser browser;
        auto tokens = oauth::sign_in_with_browser(provider, browser.options(), "home");
        testing::HttpResponse page = browser.page();
        REQUIRE_FALSE(tokens);
        CHECK(tokens.error().code == ErrorCode::PermissionDenied);
        CHECK(tokens.error().message.find("declined at " + provider.name) != std::string::npos);
        CHECK(page.status == 403);
    }
    CHECK(mock.token_requests() == 0);
}

TEST_CASE("a code obtained with another PKCE challenge is refused at the token endpoint") {
    MockOAuthProvider mock;
    for (const oauth::Provider& provider : {mock.google(), mock.microsoft()}) {
        CAPTURE(provider.name);
        TestBrowser browser;
        // As if a malicious app had started the authorization with its own challenge.
        browser.tamper = [](std::string url) {
            return replace_parameter(url, "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        };
        auto tokens = oauth::sign_in_with_browser(provider, browser.options(), "home");
        testing::HttpResponse page = browser.page();
        REQUIRE_FALSE(tokens);
        CHECK(tokens.error().code == ErrorCode::PermissionDenied);
        CHECK(tokens.error().message.find(provider.name + " did not accept the sign-in code") != std::string::npos);
        CHECK(tokens.error().message.find("invalid_grant") != std::string::npos);
        CHECK(page.status == 400);
    }
}

TEST_CASE("no visit from the browser ends with LimitExceeded at the timeout, and cancel ends it sooner") {
    MockOAuthProvider mock;
    oauth::BrowserSignIn options;
    options.open_browser = [](const std::string&) -> Result<void> { return {}; };
    SUBCASE("timeout") {
        options.timeout = std::chrono::milliseconds(300);
        auto tokens = oauth::sign_in_with_browser(mock.google(), options, "gmail");
        REQUIRE_FALSE(tokens);
        CHECK(tokens.error().code == ErrorCode::LimitExceeded);
    }
    SUBCASE("cancel") {
        CancellationToken cancellation;
        options.cancellation = &cancellation;
        auto started = std::chrono::steady_clock::now();
        std::thread canceller([&cancellation] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            cancellation.cancel();
        });
        auto tokens = oauth::sign_in_with_browser(mock.google(), options, "gmail");
        canceller.join();
        REQUIRE_FALSE(tokens);
        CHECK(tokens.error().code == ErrorCode::Cancelled);
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
    }
}

TEST_CASE("without a client id the sign-in stops with the configuration error and opens no browser") {
    bool opened = false;
    oauth::BrowserSignIn options;
    options.open_browser = [&opened](const std::string&) -> Result<void> {
        opened = true;
        return {};
    };
    auto tokens = oauth::sign_in_with_browser(oauth::google_provider(), options, "gmail");
    REQUIRE_FALSE(tokens);
    CHECK(tokens.error().code == ErrorCode::InvalidArgument);
    CHECK(tokens.error().message.starts_with("no OAuth client id configured for Google: register a client"));
    CHECK(tokens.error().message.find("docs/accounts.md") != std::string::npos);
    CHECK_FALSE(opened);
    auto microsoft = oauth::check_configured(oauth::microsoft_provider());
    REQUIRE_FALSE(microsoft);
    CHECK(microsoft.error().message.starts_with("no OAuth client id configured for Microsoft"));
}

TEST_CASE("the documented endpoints are the defaults") {
    oauth::Provider google = oauth::google_provider("id");
    CHECK(google.authorization_endpoint == "https://accounts.google.com/o/oauth2/v2/auth");
    CHECK(google.token_endpoint == "https://oauth2.googleapis.com/token");
    CHECK(google.device_authorization_endpoint == "https://oauth2.googleapis.com/device/code");
    CHECK(google.scope == "https://mail.google.com/");
    oauth::Provider microsoft = oauth::microsoft_provider("id");
    CHECK(microsoft.authorization_endpoint == "https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
    CHECK(microsoft.token_endpoint == "https://login.microsoftonline.com/common/oauth2/v2.0/token");
    CHECK(microsoft.device_authorization_endpoint == "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode");
    CHECK(microsoft.scope.find("offline_access") != std::string::npos);
    CHECK(oauth::microsoft_provider("id", "consumers").token_endpoint ==
          "https://login.microsoftonline.com/consumers/oauth2/v2.0/token");
    CHECK(oauth::check_configured(google));
}
}
