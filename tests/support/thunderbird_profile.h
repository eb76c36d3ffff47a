// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cairn::testing {

/// One message written into a test profile, with what an import must make of it.
struct ProfileMessage {
    std::string folder;                ///< the archive folder it must land in
    std::string bytes;                 ///< the message as written (X-Mozilla-* headers included)
    std::vector<std::string> flags;    ///< the flags it must carry, in Cairn's order
    bool expunged = false;             ///< must not be archived
};

/// A Thunderbird installation built in a fake home from the public corpus, with the real layout:
/// HOME/.thunderbird/{profiles.ini, installs.ini} naming two profiles, the default
/// "t5l8wxyz.default-release" holding an IMAP account "ann@example.com" (ImapMail/imap.example.com:
/// INBOX, INBOX.sbd/Work, the modified UTF-7 "Entw&APw-rfe", an empty "Empty"), a maildir-store
/// POP account "Ann at example.net" (Mail/pop.example.net: Inbox/cur+new, Inbox.sbd/Lists),
/// "Local Folders" (Inbox, Trash, an empty "Unsent Messages"), a directory left behind by a
/// removed account (Mail/old.example.org/Archive), and the usual non-folder files (.msf,
/// msgFilterRules.dat, filterlog.html, an "nstmp" compaction temporary, folderCache.json,
/// session.json, places.sqlite, a Maildir tmp/ file).
struct TestProfile {
    std::filesystem::path home;
    std::filesystem::path installation;  ///< HOME/.thunderbird
    std::filesystem::path profile;       ///< the default profile's directory
    std::filesystem::path other_profile; ///< "k9x2abcd.default", Local Folders only, no mail
    std::vector<ProfileMessage> messages;

    /// Archive folder -> messages that must be archived there.
    std::map<std::string, std::size_t> expected_counts() const;
    std::size_t expunged_count() const;
};

/// Builds the profile under HOME; nullopt (with a doctest MESSAGE) when the corpus is absent.
std::optional<TestProfile> build_thunderbird_profile(const std::filesystem::path& home);

/// Every regular file under DIRECTORY (relative path -> contents), to prove it was not changed.
std::map<std::string, std::string> snapshot_tree(const std::filesystem::path& directory);

}  // namespace cairn::testing
