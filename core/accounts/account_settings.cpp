// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/accounts/account_settings.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cairn::accounts {
namespace {

bool equal_ignoring_case(std::string_view left, std::string_view right) {
    return left.size() == right.size() && std::equal(left.begin(), left.end(), right.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

/// Servers without special-use attributes name these folders in these ways (Dovecot, Exchange,
/// Thunderbird, Apple Mail, Gmail's localised names aside).
constexpr std::array TrashAndJunkNames = {"Trash", "Deleted Items", "Deleted Messages", "Junk", "Junk E-mail",
                                          "Junk Email", "Spam", "Bulk Mail"};

bool is_trash_or_junk(std::string_view folder_path, std::span<const std::string> special_use) {
    for (const auto& attribute : special_use)
        if (equal_ignoring_case(attribute, "\\Trash") || equal_ignoring_case(attribute, "\\Junk"))
            return true;
    // The name alone counts at the top level or directly below INBOX (Courier-style servers).
    std::string_view name = folder_path;
    if (name.size() > 6 && equal_ignoring_case(name.substr(0, 6), "INBOX/"))
        name.remove_prefix(6);
    return std::any_of(TrashAndJunkNames.begin(), TrashAndJunkNames.end(),
                       [&](const char* usual) { return equal_ignoring_case(name, usual); });
}

bool matches_from(std::string_view pattern, std::string_view path) {
    while (!pattern.empty()) {
        char wanted = pattern.front();
        if (wanted == '*' || wanted == '%') {
            pattern.remove_prefix(1);
            for (std::size_t skip = 0; skip <= path.size(); ++skip) {
                if (matches_from(pattern, path.substr(skip)))
                    return true;
                if (skip < path.size() && wanted == '%' && path[skip] == '/')
                    return false;
            }
            return false;
        }
        if (path.empty() || path.front() != wanted)
            return false;
        pattern.remove_prefix(1);
        path.remove_prefix(1);
    }
    return path.empty();
}

/// INBOX is case-insensitive in IMAP: "inbox/Work" is "INBOX/Work".
std::string canonical_inbox(std::string_view path) {
    if (path.size() >= 5 && equal_ignoring_case(path.substr(0, 5), "INBOX") && (path.size() == 5 || path[5] == '/'))
        return "INBOX" + std::string(path.substr(5));
    return std::string(path);
}

}  // namespace

std::string_view protocol_name(Protocol protocol) { return protocol == Protocol::Imap ? "imap" : "pop3"; }

std::string_view security_name(Security security) {
    switch (security) {
    case Security::Tls: return "tls";
    case Security::StartTls: return "starttls";
    case Security::None: return "none";
    }
    return "tls";
}

std::string_view sign_in_name(SignIn sign_in) {
    switch (sign_in) {
    case SignIn::Password: return "password";
    case SignIn::Google: return "google";
    case SignIn::Microsoft: return "microsoft";
    }
    return "password";
}

Result<Protocol> parse_protocol(std::string_view text) {
    if (text == "imap")
        return Protocol::Imap;
    if (text == "pop3")
        return Protocol::Pop3;
    return make_error(ErrorCode::InvalidArgument, fmt::format("unknown protocol '{}': use imap or pop3", text));
}

Result<Security> parse_security(std::string_view text) {
    if (text == "tls" || text == "ssl")
        return Security::Tls;
    if (text == "starttls")
        return Security::StartTls;
    if (text == "none" || text == "plain")
        return Security::None;
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("unknown connection security '{}': use tls, starttls or none", text));
}

std::uint16_t effective_port(const AccountSettings& settings) {
    if (settings.port)
        return settings.port;
    const bool implicit_tls = settings.security == Security::Tls;
    if (settings.protocol == Protocol::Imap)
        return implicit_tls ? 993 : 143;
    return implicit_tls ? 995 : 110;
}

std::string archive_folder(const AccountSettings& settings) {
    return settings.folder.empty() ? settings.name : settings.folder;
}

Result<void> validate(const AccountSettings& settings) {
    auto invalid = [&](std::string message) {
        return make_error(ErrorCode::InvalidArgument, std::move(message), settings.name);
    };
    if (settings.name.empty())
        return invalid("an account needs a name");
    if (settings.name.find('/') != std::string::npos || settings.name.front() == '.')
        return invalid("an account name must not contain '/' or start with '.'");
    if (settings.host.empty())
        return invalid("the account has no server host name");
    if (settings.login.empty())
        return invalid("the account has no login (user name on the server)");
    if (settings.user.empty())
        return invalid("the account has no archive user");
    if (settings.protocol == Protocol::Pop3 && settings.sign_in == SignIn::Google)
        return invalid("Gmail is archived over IMAP; add it as an imap or gmail account");
    if (settings.trusted_certificate_sha256) {
        const auto& fingerprint = *settings.trusted_certificate_sha256;
        if (fingerprint.size() != 64 || !std::all_of(fingerprint.begin(), fingerprint.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c));
            }))
            return invalid("a trusted certificate is given by its SHA-256 fingerprint: 64 hex digits");
    }
    // A journal mailbox exists to be emptied into the archive; a person's mailbox is not.
    if (settings.cleanup.action != ServerCleanup::Action::Keep && settings.cleanup.older_than_days == 0 &&
        !settings.journal)
        return invalid("a delete or move rule needs an age of at least 1 day (--delete-after DAYS): Cairn removes "
                       "mail the moment it is archived only from journal mailboxes");
    if (settings.cleanup.action == ServerCleanup::Action::Move) {
        if (settings.cleanup.move_to.empty())
            return invalid("a move rule needs the server folder to move to");
        if (settings.protocol == Protocol::Pop3)
            return invalid("POP3 has no folders to move mail to; use a delete rule");
    }
    return {};
}

std::string to_json(const AccountSettings& settings) {
    nlohmann::json json = {
        {"name", settings.name},
        {"protocol", protocol_name(settings.protocol)},
        {"host", settings.host},
        {"port", settings.port},
        {"security", security_name(settings.security)},
        {"login", settings.login},
        {"sign_in", sign_in_name(settings.sign_in)},
        {"allow_plaintext_password", settings.allow_plaintext_password},
        {"user", settings.user},
        {"folder", settings.folder},
        {"include_folders", settings.include_folders},
        {"exclude_folders", settings.exclude_folders},
        {"skip_trash_and_junk", settings.skip_trash_and_junk},
        {"journal", settings.journal},
        {"oauth_client_id", settings.oauth_client_id},
        {"oauth_tenant", settings.oauth_tenant},
        {"oauth_client_secret", settings.oauth_client_secret},
        {"oauth_authorization_url", settings.oauth_authorization_url},
        {"oauth_token_url", settings.oauth_token_url},
        {"oauth_device_url", settings.oauth_device_url},
    };
    if (settings.trusted_certificate_sha256)
        json["trusted_certificate_sha256"] = *settings.trusted_certificate_sha256;
    const char* action = settings.cleanup.action == ServerCleanup::Action::Delete ? "delete"
                         : settings.cleanup.action == ServerCleanup::Action::Move ? "move"
                                                                                   : "keep";
    json["cleanup"] = {{"action", action},
                       {"older_than_days", settings.cleanup.older_than_days},
                       {"move_to", settings.cleanup.move_to}};
    return json.dump();
}

Result<AccountSettings> from_json(std::string_view text) {
    try {
        auto json = nlohmann::json::parse(text);
        AccountSettings settings;
        settings.name = json.at("name").get<std::string>();
        settings.protocol = CAIRN_TRY(parse_protocol(json.at("protocol").get<std::string>()));
        settings.host = json.at("host").get<std::string>();
        settings.port = json.value("port", std::uint16_t{0});
        settings.security = CAIRN_TRY(parse_security(json.value("security", std::string("tls"))));
        settings.login = json.at("login").get<std::string>();
        auto sign_in = json.value("sign_in", std::string("password"));
        settings.sign_in = sign_in == "google" ? SignIn::Google : sign_in == "microsoft" ? SignIn::Microsoft
                                                                                         : SignIn::Password;
        settings.allow_plaintext_password = json.value("allow_plaintext_password", false);
        if (json.contains("trusted_certificate_sha256"))
            settings.trusted_certificate_sha256 = json["trusted_certificate_sha256"].get<std::string>();
        settings.user = json.at("user").get<std::string>();
        settings.folder = json.value("folder", std::string());
        settings.include_folders = json.value("include_folders", std::vector<std::string>{});
        settings.exclude_folders = json.value("exclude_folders", std::vector<std::string>{});
        settings.skip_trash_and_junk = json.value("skip_trash_and_junk", true);
        settings.journal = json.value("journal", false);
        settings.oauth_client_id = json.value("oauth_client_id", std::string());
        settings.oauth_tenant = json.value("oauth_tenant", std::string());
        settings.oauth_client_secret = json.value("oauth_client_secret", std::string());
        settings.oauth_authorization_url = json.value("oauth_authorization_url", std::string());
        settings.oauth_token_url = json.value("oauth_token_url", std::string());
        settings.oauth_device_url = json.value("oauth_device_url", std::string());
        if (json.contains("cleanup")) {
            const auto& cleanup = json["cleanup"];
            auto action = cleanup.value("action", std::string("keep"));
            settings.cleanup.action = action == "delete" ? ServerCleanup::Action::Delete
                                      : action == "move" ? ServerCleanup::Action::Move
                                                         : ServerCleanup::Action::Keep;
            settings.cleanup.older_than_days = cleanup.value("older_than_days", std::uint32_t{0});
            settings.cleanup.move_to = cleanup.value("move_to", std::string());
        }
        return settings;
    } catch (const nlohmann::json::exception& error) {
        return make_error(ErrorCode::InvalidData, fmt::format("the account's stored settings are unreadable ({})",
                                                              error.what()));
    }
}

bool folder_pattern_matches(std::string_view pattern, std::string_view folder_path) {
    return matches_from(canonical_inbox(pattern), canonical_inbox(folder_path));
}

bool is_folder_included(const AccountSettings& settings, std::string_view folder_path,
                        std::span<const std::string> special_use) {
    for (const auto& pattern : settings.exclude_folders)
        if (folder_pattern_matches(pattern, folder_path))
            return false;
    bool named = std::any_of(settings.include_folders.begin(), settings.include_folders.end(),
                             [&](const std::string& pattern) { return folder_pattern_matches(pattern, folder_path); });
    if (!settings.include_folders.empty() && !named)
        return false;
    // A trash folder the user named explicitly is fetched: the rule is a default, not a ban.
    if (settings.skip_trash_and_junk && !named && is_trash_or_junk(folder_path, special_use))
        return false;
    return true;
}

}  // namespace cairn::accounts
