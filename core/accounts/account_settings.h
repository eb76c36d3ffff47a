// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

/// Mail accounts Cairn fetches from: what the user set up, without secrets (those are sealed
/// in the archive, see core/archive). Kept in the catalog as JSON.
namespace cairn::accounts {

enum class Protocol { Imap, Pop3 };

/// How the connection is protected. None exists for test servers and old LANs: a password is
/// then sent only if the account says so explicitly (allow_plaintext_password).
enum class Security { Tls, StartTls, None };

enum class SignIn {
    Password,
    Google,     ///< OAuth2 with Google, XOAUTH2 over IMAP
    Microsoft,  ///< OAuth2 with Microsoft identity (work/school and personal accounts)
};

/// What happens on the server to mail that is archived and verified (delete-after-archive).
struct ServerCleanup {
    enum class Action { Keep, Delete, Move };
    Action action = Action::Keep;
    /// Only messages whose server date (IMAP INTERNALDATE) is older than this many days. POP3
    /// servers give no dates: there it counts from when the message was first archived. 0
    /// (journal mailboxes only): every archived message.
    std::uint32_t older_than_days = 0;
    /// The server folder messages are moved to (Action::Move).
    std::string move_to;
};

struct AccountSettings {
    std::string name;
    Protocol protocol = Protocol::Imap;
    std::string host;
    std::uint16_t port = 0;  ///< 0: the standard port for the protocol and security
    Security security = Security::Tls;
    std::string login;
    SignIn sign_in = SignIn::Password;
    bool allow_plaintext_password = false;
    /// SHA-256 of a server certificate to trust though no certificate authority vouches for it
    /// (a self-signed certificate), as 64 hex digits.
    std::optional<std::string> trusted_certificate_sha256;
    /// The archive user the mail belongs to, and the archive folder the account's folders go below.
    std::string user;
    std::string folder;
    /// Server folders to fetch ('/'-separated paths; '*' matches anything, '%' anything but '/');
    /// empty: all. Exclusions win over inclusions.
    std::vector<std::string> include_folders;
    std::vector<std::string> exclude_folders;
    /// Trash and junk folders (by special-use attribute, or by their usual names) are not fetched.
    bool skip_trash_and_junk = true;
    /// A journal mailbox: Exchange journal reports are unwrapped (the original message is archived).
    bool journal = false;
    ServerCleanup cleanup;
    /// OAuth client registration (see docs/accounts.md); empty: the documented default.
    std::string oauth_client_id;
    std::string oauth_tenant;  ///< Microsoft: common, organizations, consumers or a tenant id
    /// Google "Desktop app" clients come with a secret that is not confidential (it ships with
    /// the program) but that Google's token endpoint requires; empty: the documented default.
    std::string oauth_client_secret;
    /// Replacements for the provider's endpoint URLs (empty: the provider's own). For tests,
    /// which point them at a local mock, and for sovereign clouds (login.microsoftonline.us...).
    std::string oauth_authorization_url;
    std::string oauth_token_url;
    std::string oauth_device_url;
};

std::string_view protocol_name(Protocol protocol);
std::string_view security_name(Security security);
std::string_view sign_in_name(SignIn sign_in);
Result<Protocol> parse_protocol(std::string_view text);
Result<Security> parse_security(std::string_view text);

/// The port to connect to: the configured one, or the standard one (IMAPS 993, IMAP 143,
/// POP3S 995, POP3 110).
std::uint16_t effective_port(const AccountSettings& settings);

/// The folder the account's mail is archived under: `folder`, or the account name.
std::string archive_folder(const AccountSettings& settings);

/// InvalidArgument naming the problem (no host, a name with '/', a cleanup rule without an age...).
Result<void> validate(const AccountSettings& settings);

std::string to_json(const AccountSettings& settings);
/// InvalidData when the text is not an account's settings.
Result<AccountSettings> from_json(std::string_view json);

/// Whether PATTERN matches a '/'-separated folder path: '*' matches any characters, '%' any but
/// '/'. A leading INBOX matches in any case, as IMAP treats INBOX.
bool folder_pattern_matches(std::string_view pattern, std::string_view folder_path);

/// Whether a server folder is fetched under the account's rules. special_use: the folder's
/// attributes as the server lists them ("\\Trash", "\\Junk"...).
bool is_folder_included(const AccountSettings& settings, std::string_view folder_path,
                        std::span<const std::string> special_use);

}  // namespace cairn::accounts
