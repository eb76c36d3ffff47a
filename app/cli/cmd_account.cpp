// SPDX-License-Identifier: GPL-3.0-or-later
#include <algorithm>
#include <cctype>
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

}  // namespace

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
    if (context.options.json) {
        context.print_json({{"account", settings->name}, {"added", true}});
    } else if (!context.options.quiet) {
        fmt::print("Account {} added: {} {}@{}:{}, archived as user {} under {}/\n", settings->name,
                   accounts::protocol_name(settings->protocol), settings->login, settings->host,
                   accounts::effective_port(*settings), settings->user, accounts::archive_folder(*settings));
        fmt::print("Run `cairn fetch {}` to archive its mail.\n", settings->name);
    }
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
