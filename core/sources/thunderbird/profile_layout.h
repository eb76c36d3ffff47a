// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace cairn::sources::thunderbird {

/// How an account keeps its folders (mail.server.serverN.storeContractID).
enum class MailStore {
    Mbox,     ///< one mbox file per folder, sub-folders in "Name.sbd/" (Thunderbird's default)
    Maildir,  ///< one directory per folder with cur/ new/ tmp/, sub-folders in "Name.sbd/"
};

/// One account of a profile as Thunderbird shows it in its folder pane.
struct Account {
    std::string server_key;  ///< "server2"; empty for a mail directory no preference names
    /// The account's top folder: mail.server.serverN.name ("Local Folders", "ann@example.com"),
    /// else the host name, else the directory name; made unique within the profile.
    std::string name;
    std::string type;        ///< "imap", "pop3", "none" (Local Folders), "nntp", "rss"; "" if unknown
    std::string hostname;
    std::filesystem::path directory;  ///< where its folders are on disk
    bool directory_exists = false;
    MailStore store = MailStore::Mbox;
};

struct ProfileLayout {
    std::filesystem::path profile;
    /// In Thunderbird's account order (mail.accountmanager.accounts), then servers no account
    /// lists, then directories under Mail/ and ImapMail/ that no server points to (left behind
    /// by a removed account: still mail the user had). A directory appears once: a server whose
    /// directory an earlier server has is left out.
    std::vector<Account> accounts;
};

/// True when DIRECTORY holds a profiles.ini: a Thunderbird installation's directory
/// (~/.thunderbird, %APPDATA%\Thunderbird), whose profiles are in it or in its Profiles/.
bool is_installation_directory(const std::filesystem::path& directory);

/// True when DIRECTORY looks like a Thunderbird profile: it has a prefs.js and a Mail/ or an
/// ImapMail/ directory.
bool is_profile_directory(const std::filesystem::path& directory);

/// The profile whose mail holds DIRECTORY: for ".../PROFILE/Mail", ".../PROFILE/ImapMail",
/// ".../PROFILE/News" or any directory below them (an account, a "Name.sbd"), PROFILE.
std::optional<std::filesystem::path> profile_holding(const std::filesystem::path& directory);

/// Reads PROFILE's prefs.js (read-only) and finds each account's directory: directory-rel
/// ("[ProfD]ImapMail/host") first, then the absolute directory, then Mail/HOST or ImapMail/HOST.
/// Errors: the prefs.js cannot be read (NotFound, PermissionDenied, Io, naming it).
[[nodiscard]] Result<ProfileLayout> read_profile_layout(const std::filesystem::path& profile);

/// Why a file named NAME in an account directory is not a folder (indexes, filter rules and
/// logs, POP state, compaction temporaries such as "nstmp"), or nullopt when it is an mbox.
std::optional<std::string> skipped_account_file_reason(std::string_view name);

/// Why a directory named NAME in an account directory is passed over, or nullopt.
std::optional<std::string> skipped_account_directory_reason(std::string_view name);

/// The folder name an on-disk folder name shows as in Thunderbird: "Work.sbd" -> "Work",
/// modified UTF-7 "Entw&APw-rfe" -> "Entwürfe"; other names unchanged.
std::string folder_display_name(std::string_view on_disk_name);

/// The folders of an account directory, '/'-separated display paths, sorted: every mbox file
/// (per skipped_account_file_reason), every maildir-store folder (a directory with cur/ or
/// new/), and the sub-folders in "Name.sbd/" directories.
std::vector<std::string> list_account_folders(const std::filesystem::path& directory);

}  // namespace cairn::sources::thunderbird
