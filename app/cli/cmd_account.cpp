// SPDX-License-Identifier: GPL-3.0-or-later
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "app/cli/commands.h"

namespace cairn::cli {
namespace {

/// "AB:CD:..." or "abcd..." -> 64 lowercase hex digits, as the account keeps it.
Result<std::string> normalised_fingerprint(const std::string& text) {
    std::string hex;
    for (char c : text) {
        if (c == ':' || c == ' ')
            continue;
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return make_error(ErrorCode::InvalidArgument,
                              "a certificate fingerprint is 64 hex digits (colons allowed), as Cairn prints it", text);
        hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (hex.size() != 64)
        return make_error(ErrorCode::InvalidArgument, "a SHA-256 certificate fingerprint has 64 hex digits", text);
    return hex;
}

/// --password-file, else $CAIRN_ACCOUNT_PASSWORD, else a prompt on the terminal.
Result<std::string> account_password(const Context& context, const AccountAddArguments& arguments,
                                     const accounts::AccountSettings& settings) {
    if (!arguments.password_file.empty()) {
        std::ifstream in(arguments.password_file, std::ios::binary);
        if (!in)
            return make_error(ErrorCode::NotFound, "cannot read the password file", arguments.password_file);
        std::string text(std::istreambuf_iterator<char>(in), {});
        text = text.substr(0, text.find('\n'));
        if (!text.empty() && text.back() == '\r')
            text.pop_back();
        return text;
    }
    if (const char* from_environment = std::getenv("CAIRN_ACCOUNT_PASSWORD"); from_environment && *from_environment)
        return std::string(from_environment);
    auto typed = context.ask_hidden(fmt::format("Password for {} on {}: ", settings.login, settings.host));
    if (!typed)
        return make_error(ErrorCode::PermissionDenied,
                          "no password for the account: use --password-file FILE or CAIRN_ACCOUNT_PASSWORD, or run "
                          "on a terminal",
                          settings.name);
    if (typed->empty())
        return make_error(ErrorCode::PermissionDenied, "the password must not be empty", settings.name);
    return *typed;
}

Result<accounts::AccountSettings> settings_from(const AccountAddArguments& arguments) {
    accounts::AccountSettings settings;
    settings.name = arguments.name;
    settings.host = arguments.host;
    settings.login = arguments.login;
    if (arguments.kind == "gmail") {
        settings.sign_in = accounts::SignIn::Google;
        if (settings.host.empty())
            settings.host = "imap.gmail.com";
    } else if (arguments.kind == "m365") {
        settings.sign_in = accounts::SignIn::Microsoft;
        if (settings.host.empty())
            settings.host = "outlook.office365.com";
    } else {
        settings.protocol = CAIRN_TRY(accounts::parse_protocol(arguments.kind));
    }
    if (!arguments.security.empty())
        settings.security = CAIRN_TRY(accounts::parse_security(arguments.security));
    settings.port = arguments.port;
    settings.allow_plaintext_password = arguments.allow_plaintext_password;
    if (!arguments.trust_certificate.empty())
        settings.trusted_certificate_sha256 = CAIRN_TRY(normalised_fingerprint(arguments.trust_certificate));
    settings.user = arguments.user.empty() ? operating_system_user() : arguments.user;
    settings.folder = arguments.folder;
    while (!settings.folder.empty() && settings.folder.back() == '/')
        settings.folder.pop_back();
    settings.include_folders = arguments.include_folders;
    settings.exclude_folders = arguments.exclude_folders;
    settings.skip_trash_and_junk = !arguments.keep_trash_and_junk;
    settings.journal = arguments.journal;
    settings.oauth_client_id = arguments.oauth_client_id;
    settings.oauth_tenant = arguments.oauth_tenant;
    settings.oauth_client_secret = arguments.oauth_client_secret;
    settings.oauth_authorization_url = arguments.oauth_authorization_url;
    settings.oauth_token_url = arguments.oauth_token_url;
    settings.oauth_device_url = arguments.oauth_device_url;
    if (arguments.delete_older_than_days && arguments.move_older_than_days)
        return make_error(ErrorCode::InvalidArgument, "give either --delete-after or --move-after, not both");
    if (arguments.delete_older_than_days) {
        settings.cleanup.action = accounts::ServerCleanup::Action::Delete;
        settings.cleanup.older_than_days = arguments.delete_older_than_days;
    } else if (arguments.move_older_than_days) {
        settings.cleanup.action = accounts::ServerCleanup::Action::Move;
        settings.cleanup.older_than_days = arguments.move_older_than_days;
        settings.cleanup.move_to = arguments.move_to;
    } else if (!arguments.move_to.empty()) {
        return make_error(ErrorCode::InvalidArgument, "--move-to needs --move-after DAYS");
    } else if (arguments.journal && !arguments.keep_on_server) {
        // What a journal mailbox is for: emptied into the archive, message by verified message.
        settings.cleanup.action = accounts::ServerCleanup::Action::Delete;
        settings.cleanup.older_than_days = 0;
    }
    CAIRN_TRY_VOID(accounts::validate(settings));
    return settings;
}

std::string cleanup_text(const accounts::ServerCleanup& cleanup) {
    switch (cleanup.action) {
    case accounts::ServerCleanup::Action::Keep: return "keep";
    case accounts::ServerCleanup::Action::Delete:
        if (cleanup.older_than_days == 0)
            return "delete once archived and verified";
        return fmt::format("delete after {} days", cleanup.older_than_days);
    case accounts::ServerCleanup::Action::Move:
        return fmt::format("move to {} after {} days", cleanup.move_to, cleanup.older_than_days);
    }
    return "keep";
}

extern "C" char** environ;

/// Starts xdg-open on URL without waiting for it (it may stay until the browser exits); false
/// when there is no graphical session or it cannot be started.
bool open_in_browser(const std::string& url) {
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if ((display == nullptr || *display == '\0') && (wayland == nullptr || *wayland == '\0'))
        return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // The browser's chatter would mix with Cairn's output.
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::string program = "xdg-open";
    std::string argument = url;
    char* argv[] = {program.data(), argument.data(), nullptr};
    pid_t child = 0;
    int failed = posix_spawnp(&child, "xdg-open", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (failed != 0)
        return false;
    // xdg-open normally hands the URL over and exits at once; reap it if so, else leave it.
    int status = 0;
    ::usleep(200 * 1000);
    if (::waitpid(child, &status, WNOHANG) == child)
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return true;
}

/// Runs the sign-in for an OAuth account: the browser for Google (which refuses the device flow
/// for mail), the device code for Microsoft (no browser needed on this machine). Prompts go to
/// stderr, so --json output stays one document on stdout.
Result<void> sign_in(const Context& context, Archive& archive, const accounts::AccountSettings& settings,
                     bool no_browser) {
    AccountSignInOptions options;
    options.client_defaults = oauth_client_defaults_from_environment();
    options.cancellation = context.cancel;
    if (settings.sign_in == accounts::SignIn::Google) {
        options.flow = SignInFlow::Browser;
        options.open_browser = [no_browser](const std::string& url) -> Result<void> {
            if (!no_browser && open_in_browser(url)) {
                fmt::print(stderr, "Sign in to Google in the browser window that opened. If none did, open this "
                                   "address:\n\n    {}\n\n", url);
            } else {
                fmt::print(stderr, "To sign in to Google, open this address in a browser on this computer:\n\n    "
                                   "{}\n\n(On another machine, tunnel the port in it: ssh -L PORT:127.0.0.1:PORT "
                                   "this-host.)\n", url);
            }
            fmt::print(stderr, "Waiting for the sign-in to finish...\n");
            std::fflush(stderr);
            return {};
        };
    } else {
        options.flow = SignInFlow::DeviceCode;
        options.show_code = [](const oauth::DeviceCodePrompt& prompt) {
            fmt::print(stderr, "To sign in to Microsoft, open\n\n    {}\n\nin a browser on any device and enter "
                               "the code\n\n    {}\n\n",
                       prompt.verification_uri, prompt.user_code);
            if (prompt.expires_in.count() > 0)
                fmt::print(stderr, "The code works for {} minutes. Waiting for the sign-in to finish...\n",
                           (prompt.expires_in.count() + 59) / 60);
            std::fflush(stderr);
        };
    }
    return archive.sign_in_account(settings.name, options);
}

void print_signed_in(const Context& context, const accounts::AccountSettings& settings) {
    if (context.options.json || context.options.quiet)
        return;
    fmt::print("Signed in to {} as {}; the sign-in is kept encrypted in the archive.\n",
               settings.sign_in == accounts::SignIn::Google ? "Google" : "Microsoft", settings.login);
}

}  // namespace

OAuthClientDefaults oauth_client_defaults_from_environment() {
    auto variable = [](const char* name) {
        const char* value = std::getenv(name);
        return std::string(value != nullptr ? value : "");
    };
    return {variable("CAIRN_GOOGLE_CLIENT_ID"), variable("CAIRN_GOOGLE_CLIENT_SECRET"),
            variable("CAIRN_MICROSOFT_CLIENT_ID")};
}

int run_account_add(const Context& context, const AccountAddArguments& arguments) {
    auto settings = settings_from(arguments);
    if (!settings)
        return context.fail(settings.error());
    // Open (and unlock) the archive before asking for the account's password: a wrong archive
    // passphrase should not cost the user typing the other one first.
    auto archive = context.open_archive(Access::ReadWrite);
    if (!archive)
        return context.fail(archive.error());
    auto existing = archive->accounts();
    if (!existing)
        return context.fail(existing.error());
    if (std::any_of(existing->begin(), existing->end(), [&](const AccountSummary& account) {
            return account.settings.name == settings->name;
        }))
        return context.fail(Error{ErrorCode::AlreadyExists,
                                  "an account of this name exists; choose another name or remove it first",
                                  settings->name});
    AccountSecret secret;
    if (settings->sign_in == accounts::SignIn::Password) {
        auto password = account_password(context, arguments, *settings);
        if (!password)
            return context.fail(password.error());
        secret.password = std::move(*password);
    }
    if (auto added = archive->add_account(*settings, secret); !added)
        return context.fail(added.error());
    bool oauth = settings->sign_in != accounts::SignIn::Password;
    if (oauth) {
        if (!context.options.json && !context.options.quiet)
            fmt::print("Account {} added: {} {}@{}:{}, archived as user {} under {}/\n", settings->name,
                       accounts::protocol_name(settings->protocol), settings->login, settings->host,
                       accounts::effective_port(*settings), settings->user, accounts::archive_folder(*settings));
        if (auto signed_in = sign_in(context, *archive, *settings, arguments.no_browser); !signed_in) {
            // The account stays: fixing the client id or retrying should not need the options again.
            fmt::print(stderr, "cairn: the account {0} was added but is not signed in; fix the problem below, then "
                               "run `cairn account login {0}`\n",
                       settings->name);
            return context.fail(signed_in.error());
        }
        print_signed_in(context, *settings);
    }
    if (context.options.json) {
        context.print_json({{"account", settings->name}, {"added", true}, {"signed_in", oauth}});
    } else if (oauth) {
        if (!context.options.quiet)
            fmt::print("Run `cairn fetch {}` to archive its mail.\n", settings->name);
    } else if (!context.options.quiet) {
        fmt::print("Account {} added: {} {}@{}:{}, archived as user {} under {}/\n", settings->name,
                   accounts::protocol_name(settings->protocol), settings->login, settings->host,
                   accounts::effective_port(*settings), settings->user, accounts::archive_folder(*settings));
        fmt::print("Run `cairn fetch {}` to archive its mail.\n", settings->name);
    }
    return ExitSuccess;
}

int run_account_login(const Context& context, const AccountLoginArguments& arguments) {
    auto archive = context.open_archive(Access::ReadWrite);
    if (!archive)
        return context.fail(archive.error());
    auto accounts = archive->accounts();
    if (!accounts)
        return context.fail(accounts.error());
    auto found = std::find_if(accounts->begin(), accounts->end(),
                              [&](const AccountSummary& account) { return account.settings.name == arguments.name; });
    if (found == accounts->end())
        return context.fail(Error{ErrorCode::NotFound, "no such account; `cairn account list` shows them", arguments.name});
    accounts::AccountSettings settings = found->settings;
    if (settings.sign_in == accounts::SignIn::Password)
        return context.fail(Error{ErrorCode::InvalidArgument,
                                  "this account signs in with a password, not with Google or Microsoft; remove it and "
                                  "add it again to change the password",
                                  arguments.name});
    bool changed = false;
    auto replace = [&changed](std::string& setting, const std::optional<std::string>& given) {
        if (given && *given != setting) {
            setting = *given;
            changed = true;
        }
    };
    replace(settings.oauth_client_id, arguments.oauth_client_id);
    replace(settings.oauth_client_secret, arguments.oauth_client_secret);
    replace(settings.oauth_tenant, arguments.oauth_tenant);
    replace(settings.oauth_authorization_url, arguments.oauth_authorization_url);
    replace(settings.oauth_token_url, arguments.oauth_token_url);
    replace(settings.oauth_device_url, arguments.oauth_device_url);
    if (changed)
        if (auto updated = archive->update_account(settings); !updated)
            return context.fail(updated.error());
    if (auto signed_in = sign_in(context, *archive, settings, arguments.no_browser); !signed_in)
        return context.fail(signed_in.error());
    if (context.options.json)
        context.print_json({{"account", settings.name}, {"signed_in", true}});
    else
        print_signed_in(context, settings);
    return ExitSuccess;
}

int run_account_list(const Context& context) {
    auto archive = context.open_archive(Access::ReadOnly);
    if (!archive)
        return context.fail(archive.error());
    auto accounts = archive->accounts();
    if (!accounts)
        return context.fail(accounts.error());
    if (context.options.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& account : *accounts) {
            const auto& settings = account.settings;
            nlohmann::json item = {
                {"name", settings.name},
                {"protocol", accounts::protocol_name(settings.protocol)},
                {"host", settings.host},
                {"port", accounts::effective_port(settings)},
                {"security", accounts::security_name(settings.security)},
                {"login", settings.login},
                {"sign_in", accounts::sign_in_name(settings.sign_in)},
                {"user", settings.user},
                {"folder", accounts::archive_folder(settings)},
                {"include_folders", settings.include_folders},
                {"exclude_folders", settings.exclude_folders},
                {"skip_trash_and_junk", settings.skip_trash_and_junk},
                {"journal", settings.journal},
                {"cleanup", cleanup_text(settings.cleanup)},
                {"signed_in", account.has_secret},
                {"last_fetch", account.last_fetch ? nlohmann::json(*account.last_fetch) : nlohmann::json()},
                {"last_fetch_summary", account.last_fetch_summary},
            };
            list.push_back(std::move(item));
        }
        context.print_json({{"accounts", list}});
        return ExitSuccess;
    }
    if (accounts->empty()) {
        if (!context.options.quiet)
            fmt::print("No accounts. Add one with `cairn account add imap NAME --host HOST --login LOGIN`.\n");
        return ExitSuccess;
    }
    for (const auto& account : *accounts) {
        const auto& settings = account.settings;
        fmt::print("{}: {} {}@{}:{} ({}), user {}, folder {}/, on the server: {}\n", settings.name,
                   accounts::protocol_name(settings.protocol), settings.login, settings.host,
                   accounts::effective_port(settings), accounts::security_name(settings.security), settings.user,
                   accounts::archive_folder(settings), cleanup_text(settings.cleanup));
        fmt::print("    last fetched: {}{}\n", account.last_fetch ? format_date(account.last_fetch) : "never",
                   account.last_fetch_summary.empty() ? "" : " (" + account.last_fetch_summary + ")");
    }
    return ExitSuccess;
}

int run_account_remove(const Context& context, const std::string& name) {
    auto archive = context.open_archive(Access::ReadWrite);
    if (!archive)
        return context.fail(archive.error());
    if (auto removed = archive->remove_account(name); !removed)
        return context.fail(removed.error());
    if (context.options.json)
        context.print_json({{"account", name}, {"removed", true}});
    else if (!context.options.quiet)
        fmt::print("Account {} removed; the mail archived from it stays in the archive.\n", name);
    return ExitSuccess;
}

}  // namespace cairn::cli
