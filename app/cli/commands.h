// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/cli_context.h"

/// One function per verb, one file per verb (cmd_<verb>.cpp). Each returns the exit code.
namespace cairn::cli {

struct InitArguments {
    std::string store_size;  ///< "50G", "512M", ... empty: no limit
    std::uint64_t store_messages = 0;
};
int run_init(const Context& context, const InitArguments& arguments);

struct ImportArguments {
    std::string user;
    std::string folder;
    std::vector<std::string> paths;
    unsigned workers = 0;
    /// --thunderbird given: the profile wanted (a name or a directory; empty: the default one).
    std::optional<std::string> thunderbird_profile;
    bool outlook = false;                     ///< --outlook: every PST/OST found
    bool apple_mail = false;                  ///< --apple-mail: the newest Apple Mail store
    std::vector<std::string> windows_disks;   ///< --windows-disk: mounted Windows disks to search
};
int run_import(const Context& context, const ImportArguments& arguments);

struct ExportArguments {
    std::string format = "eml";
    std::string out;
    std::optional<std::string> user;
    std::optional<std::string> folder;
    std::vector<std::int64_t> message_ids;  ///< --id: only these messages (ids from list or search)
};
int run_export(const Context& context, const ExportArguments& arguments);

int run_verify(const Context& context);
int run_stats(const Context& context);

struct ListArguments {
    std::optional<std::string> user;
    std::optional<std::string> folder;
};
int run_list(const Context& context, const ListArguments& arguments);

struct ShowArguments {
    std::int64_t id = 0;
    bool raw = false;
    bool html = false;                        ///< print the sanitised HTML instead
    std::optional<std::size_t> attachment;    ///< save this attachment to `output`
    std::string output;
};
int run_show(const Context& context, const ShowArguments& arguments);

struct SearchArguments {
    std::string query;
    std::optional<std::string> user;
    bool all_users = false;
    std::string sort = "date";
    std::uint64_t limit = 50;
    std::uint64_t offset = 0;
    bool count_only = false;
    /// Print the time of the search itself (the index query and the hits' details) on stderr.
    bool timing = false;
};
int run_search(const Context& context, const SearchArguments& arguments);
/// Called by run_search for an index that is not current (HEALTH says how). Each program has its
/// own: cairn-full repairs the index (cmd_reindex.cpp); the search-only `cairn` hands the whole
/// command to cairn-full (search_main.cpp). Nothing may have been printed to stdout before.
Result<void> repair_index_for_search(const Context& context, const std::string& user, const IndexHealth& health);

struct ChangePassphraseArguments {
    std::optional<std::string> recovery_key;
    std::string new_passphrase_file;
};
int run_change_passphrase(const Context& context, const ChangePassphraseArguments& arguments);

struct ReindexArguments {
    std::optional<std::string> user;
};
int run_reindex(const Context& context, const ReindexArguments& arguments);

struct SourcesArguments {
    std::vector<std::string> windows_disks;
};
/// Lists the Thunderbird profiles and Outlook data files found, without importing.
int run_sources(const Context& context, const SourcesArguments& arguments);
std::vector<std::filesystem::path> windows_disk_paths(const std::vector<std::string>& disks);

struct AccountAddArguments {
    std::string kind;  ///< imap, pop3, gmail, m365
    std::string name;
    std::string host;
    std::uint16_t port = 0;
    std::string security;
    std::string login;
    std::string password_file;
    std::string trust_certificate;
    std::string user;
    std::string folder;
    std::vector<std::string> include_folders;
    std::vector<std::string> exclude_folders;
    bool keep_trash_and_junk = false;
    bool journal = false;
    bool keep_on_server = false;  ///< a journal mailbox is otherwise emptied as it is archived
    bool allow_plaintext_password = false;
    std::uint32_t delete_older_than_days = 0;
    std::uint32_t move_older_than_days = 0;
    std::string move_to;
    std::string oauth_client_id;
    std::string oauth_tenant;
    std::string oauth_client_secret;
    /// Hidden: endpoint overrides for tests and sovereign clouds.
    std::string oauth_authorization_url;
    std::string oauth_token_url;
    std::string oauth_device_url;
    bool no_browser = false;  ///< gmail: print the sign-in address only
};
int run_account_add(const Context& context, const AccountAddArguments& arguments);

/// `cairn account login NAME`: signs in to a gmail or m365 account again; the options given
/// replace the account's.
struct AccountLoginArguments {
    std::string name;
    std::optional<std::string> oauth_client_id;
    std::optional<std::string> oauth_client_secret;
    std::optional<std::string> oauth_tenant;
    std::optional<std::string> oauth_authorization_url;
    std::optional<std::string> oauth_token_url;
    std::optional<std::string> oauth_device_url;
    bool no_browser = false;
};
int run_account_login(const Context& context, const AccountLoginArguments& arguments);

/// The OAuth clients for accounts without their own: CAIRN_GOOGLE_CLIENT_ID,
/// CAIRN_GOOGLE_CLIENT_SECRET and CAIRN_MICROSOFT_CLIENT_ID.
OAuthClientDefaults oauth_client_defaults_from_environment();
int run_account_list(const Context& context);
int run_account_remove(const Context& context, const std::string& name);

struct FetchArguments {
    std::vector<std::string> accounts;  ///< empty: all
    bool dry_run = false;               ///< cleanup rules only list what they would remove
    unsigned workers = 0;
};
int run_fetch(const Context& context, const FetchArguments& arguments);

/// "512M" -> bytes; InvalidArgument when not a size.
Result<std::uint64_t> parse_size(const std::string& text);
/// The user name of the account running Cairn.
std::string operating_system_user();

}  // namespace cairn::cli
