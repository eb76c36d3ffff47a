// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: Gmail and Microsoft 365 accounts sign in against a local mock of the providers'
// documented OAuth endpoints, and fetch from a real Dovecot whose oauth2 passdb checks the
// access tokens at the mock's introspection endpoint (no human, no network).
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"
#include "tests/support/dovecot_server.h"
#include "tests/support/loopback_http.h"
#include "tests/support/mock_oauth_provider.h"
#include "tests/support/temp_dir.h"

using namespace cairn::testing;
using nlohmann::json;

namespace {

std::string message(const std::string& tag) {
    return "From: Sender <sender@example.org>\r\nTo: ann@example.com\r\nSubject: " + tag + "\r\nMessage-ID: <" + tag +
           "@example.org>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nBody of " + tag + ".\r\n";
}

DovecotServer::Options accepting_tokens_of(const MockOAuthProvider& mock) {
    DovecotServer::Options options;
    options.oauth2_introspection_url = mock.introspection_url();
    return options;
}

/// A mock provider, a Dovecot that trusts it, and an archive.
struct OAuthWorkspace {
    OAuthWorkspace() : server(accepting_tokens_of(mock)) {
        // The password is never used: the account signs in with tokens only.
        server.add_user(MockOAuthProvider::UserEmail, "not the way in");
        MockOAuthProvider::DeviceScript script;
        script.polls_before_approval = 2;
        script.interval_seconds = 1;
        mock.set_device_script(script);
    }

    MockOAuthProvider mock;  // first: Dovecot is configured with its address
    TempDir temp;
    DovecotServer server;
    std::vector<RunResult> runs;  ///< every run's output, checked for leaked tokens

    RunResult cairn(std::vector<std::string> arguments, RunOptions options = {},
                    const ErrorOutputWatcher& on_error_output = {}) {
        arguments.insert(arguments.begin(), {"--archive", (temp.path() / "archive").string()});
        // Hermetic: no default client ids from the caller's environment, no browser.
        std::map<std::string, std::string> environment = {
            {"CAIRN_PASSPHRASE", "test passphrase"}, {"CAIRN_KEY_CACHE", "0"}, {"CAIRN_TEST_RECONNECT_PAUSE", "0.2"},
            {"CAIRN_GOOGLE_CLIENT_ID", ""},          {"CAIRN_GOOGLE_CLIENT_SECRET", ""},
            {"CAIRN_MICROSOFT_CLIENT_ID", ""},       {"DISPLAY", ""},
            {"WAYLAND_DISPLAY", ""}};
        for (auto& [key, value] : options.environment)
            environment[key] = value;
        options.environment = environment;
        RunResult result = run_cairn(arguments, options, on_error_output);
        runs.push_back(result);
        return result;
    }

    std::vector<std::string> imap_arguments() const {
        return {"--host", "127.0.0.1", "--port", std::to_string(server.imaps_port()), "--trust-certificate",
                server.certificate_sha256(), "--login", MockOAuthProvider::UserEmail};
    }

    std::vector<std::string> microsoft_endpoints() const {
        std::string base = mock.base_url() + "/microsoft/common/oauth2/v2.0/";
        return {"--oauth-authorization-url", base + "authorize", "--oauth-token-url", base + "token",
                "--oauth-device-url", base + "devicecode"};
    }

    RunResult add_m365(const std::string& name, std::vector<std::string> extra = {}) {
        std::vector<std::string> arguments = {"account", "add", "m365", name};
        for (auto& argument : imap_arguments())
            arguments.push_back(argument);
        for (auto& argument : microsoft_endpoints())
            arguments.push_back(argument);
        for (auto& argument : extra)
            arguments.push_back(argument);
        return cairn(arguments);
    }

    void init() { REQUIRE(cairn({"init"}).exit_code == 0); }

    json fetch_json(int expected_exit = 0) {
        RunResult result = cairn({"--json", "fetch"});
        INFO(result.err);
        REQUIRE(result.exit_code == expected_exit);
        return json::parse(result.out);
    }

    /// No token the mock handed out appears in any output or in any file of the archive
    /// (the catalog, its WAL, the packs).
    void check_no_token_leaked() {
        auto secrets = mock.issued_secrets();
        REQUIRE_FALSE(secrets.empty());
        for (const auto& run : runs)
            for (const auto& secret : secrets) {
                CHECK(run.out.find(secret) == std::string::npos);
                CHECK(run.err.find(secret) == std::string::npos);
            }
        int files = 0;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(temp.path() / "archive")) {
            if (!entry.is_regular_file())
                continue;
            ++files;
            std::string bytes = read_file(entry.path());
            for (const auto& secret : secrets) {
                INFO(entry.path().string());
                CHECK(bytes.find(secret) == std::string::npos);
            }
        }
        CHECK(files > 0);
    }
};

}  // namespace

TEST_SUITE("cli.oauth") {

TEST_CASE("an m365 account signs in with the device code and fetches over XOAUTH2") {
    OAuthWorkspace workspace;
    workspace.server.put_message(MockOAuthProvider::UserEmail, "INBOX", message("first"));
    workspace.server.put_message(MockOAuthProvider::UserEmail, "Archive", message("second"));
    workspace.init();

    RunResult added = workspace.add_m365("work", {"--oauth-client-id", MockOAuthProvider::MicrosoftClientId});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    CHECK(added.err.find("https://microsoft.com/devicelogin") != std::string::npos);
    CHECK(added.err.find("FG7QW2RZ") != std::string::npos);
    CHECK(added.out.find("Signed in to Microsoft as ann@example.com") != std::string::npos);

    int token_requests = workspace.mock.token_requests();
    const json fetched = workspace.fetch_json();
    const json& account = fetched["accounts"][0];
    CHECK(account["messages_stored"] == 2);
    CHECK_FALSE(account.contains("error"));
    // The token from the sign-in is good for an hour: no refresh, and Dovecot checked it.
    CHECK(workspace.mock.token_requests() == token_requests);
    CHECK(workspace.mock.active_introspections() >= 1);

    RunResult listed = workspace.cairn({"--json", "account", "list"});
    REQUIRE(listed.exit_code == 0);
    CHECK(json::parse(listed.out)["accounts"][0]["signed_in"] == true);
    workspace.check_no_token_leaked();
}

TEST_CASE("an expiring access token is refreshed silently and the rotated refresh token is kept") {
    OAuthWorkspace workspace;
    // Shorter than the 5 minutes Cairn wants left before a run, longer than the minute it
    // wants at a connection: every fetch refreshes once, before it connects.
    workspace.mock.set_access_token_lifetime(std::chrono::seconds(90));
    // The spent refresh token stops working, so only a stored rotated one lets a later fetch in.
    workspace.mock.set_refresh_tokens_single_use(true);
    workspace.server.put_message(MockOAuthProvider::UserEmail, "INBOX", message("one"));
    workspace.init();
    // The client id comes from the documented environment default this time.
    std::vector<std::string> arguments = {"account", "add", "m365", "work"};
    for (auto& argument : workspace.imap_arguments())
        arguments.push_back(argument);
    for (auto& argument : workspace.microsoft_endpoints())
        arguments.push_back(argument);
    RunOptions with_default_client;
    with_default_client.environment["CAIRN_MICROSOFT_CLIENT_ID"] = MockOAuthProvider::MicrosoftClientId;
    RunResult added = workspace.cairn(arguments, with_default_client);
    INFO(added.err);
    REQUIRE(added.exit_code == 0);

    for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        workspace.server.put_message(MockOAuthProvider::UserEmail, "INBOX", message("round-" + std::to_string(round)));
        int token_requests = workspace.mock.token_requests();
        RunResult fetched = workspace.cairn({"--json", "fetch"}, with_default_client);
        INFO(fetched.err);
        REQUIRE(fetched.exit_code == 0);
        const json report = json::parse(fetched.out);
        const json& account = report["accounts"][0];
        CHECK(account["messages_stored"] == (round == 0 ? 2 : 1));
        CHECK(workspace.mock.token_requests() == token_requests + 1);
    }
    workspace.check_no_token_leaked();
}

TEST_CASE("a token too short-lived for the connection is refreshed on the reader thread and stored after the run") {
    OAuthWorkspace workspace;
    // Under the minute Cairn wants left at a connection: the token refreshed before the run is
    // refreshed again when the reader connects, in memory, and stored once the run is over.
    workspace.mock.set_access_token_lifetime(std::chrono::seconds(30));
    workspace.mock.set_refresh_tokens_single_use(true);
    workspace.server.put_message(MockOAuthProvider::UserEmail, "INBOX", message("short"));
    workspace.init();
    REQUIRE(workspace.add_m365("work", {"--oauth-client-id", MockOAuthProvider::MicrosoftClientId}).exit_code == 0);
    for (int round = 0; round < 2; ++round) {
        CAPTURE(round);
        int token_requests = workspace.mock.token_requests();
        const json fetched = workspace.fetch_json();
        CHECK(fetched["accounts"][0]["messages_stored"] == (round == 0 ? 1 : 0));
        // Before the run, then at the connection; the second round works only if the last
        // rotated refresh token was stored.
        CHECK(workspace.mock.token_requests() == token_requests + 2);
    }
    workspace.check_no_token_leaked();
}

TEST_CASE("a revoked sign-in stops the fetch with exit 3 and `cairn account login` signs in again") {
    OAuthWorkspace workspace;
    workspace.mock.set_access_token_lifetime(std::chrono::seconds(90));
    workspace.server.put_message(MockOAuthProvider::UserEmail, "INBOX", message("kept"));
    workspace.init();
    REQUIRE(workspace.add_m365("work", {"--oauth-client-id", MockOAuthProvider::MicrosoftClientId}).exit_code == 0);

    workspace.mock.revoke_refresh_tokens();
    RunResult refused = workspace.cairn({"fetch"});
    CHECK(refused.exit_code == 3);
    CHECK(refused.err.find("sign in again with `cairn account login work`") != std::string::npos);

    RunResult login = workspace.cairn({"account", "login", "work"});
    INFO(login.err);
    REQUIRE(login.exit_code == 0);
    CHECK(login.err.find("https://microsoft.com/devicelogin") != std::string::npos);
    const json fetched = workspace.fetch_json();
    CHECK(fetched["accounts"][0]["messages_stored"] == 1);
    workspace.check_no_token_leaked();
}

TEST_CASE("a gmail account signs in through the browser address it prints with --no-browser") {
    OAuthWorkspace workspace;
    workspace.server.put_message(MockOAuthProvider::UserEmail, "INBOX", message("gmail"));
    workspace.init();
    std::vector<std::string> arguments = {"account", "add", "gmail", "mail", "--no-browser",
                                          "--oauth-client-id", MockOAuthProvider::GoogleClientId,
                                          "--oauth-client-secret", MockOAuthProvider::GoogleClientSecret,
                                          "--oauth-authorization-url", workspace.mock.base_url() + "/google/auth",
                                          "--oauth-token-url", workspace.mock.base_url() + "/google/token",
                                          "--oauth-device-url", workspace.mock.base_url() + "/google/device/code"};
    for (auto& argument : workspace.imap_arguments())
        arguments.push_back(argument);
    // The test is the user: it opens the printed address in its "browser", which follows the
    // provider's redirect back to Cairn's loopback listener.
    bool visited = false;
    int browser_status = 0;
    auto play_browser = [&](const std::string& error_output) {
        std::size_t start = error_output.find(workspace.mock.base_url() + "/google/auth?");
        if (visited || start == std::string::npos)
            return;
        std::size_t end = error_output.find_first_of(" \n", start);
        if (end == std::string::npos)
            return;  // the line is not complete yet
        visited = true;
        browser_status = browse(error_output.substr(start, end - start)).status;
    };
    RunResult added = workspace.cairn(arguments, {}, play_browser);
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    CHECK(visited);
    CHECK(browser_status == 200);
    CHECK(added.out.find("Signed in to Google") != std::string::npos);

    const json fetched = workspace.fetch_json();
    CHECK(fetched["accounts"][0]["messages_stored"] == 1);
    workspace.check_no_token_leaked();
}

TEST_CASE("without a client id, adding an m365 account says how to configure one") {
    OAuthWorkspace workspace;
    workspace.init();
    RunResult added = workspace.add_m365("work");
    CHECK(added.exit_code != 0);
    CHECK(added.err.find("no OAuth client id configured for Microsoft") != std::string::npos);
    CHECK(added.err.find("--oauth-client-id") != std::string::npos);
    CHECK(added.err.find("CAIRN_MICROSOFT_CLIENT_ID") != std::string::npos);
    CHECK(added.err.find("cairn account login work") != std::string::npos);
}

}  // TEST_SUITE
