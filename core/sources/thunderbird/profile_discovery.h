// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/sources/common/user_places.h"
#include "core/sources/thunderbird/profile_layout.h"

namespace cairn::sources::thunderbird {

/// One account of a found profile, with how many folders it has on disk.
struct FoundAccount {
    Account account;
    std::size_t folder_count = 0;
};

struct FoundProfile {
    std::string name;                ///< Name= in profiles.ini (the directory name for a given path)
    std::filesystem::path path;
    bool is_default = false;         ///< the profile Thunderbird opens (installs.ini / [Install] / Default=1)
    std::string installation;        ///< "Thunderbird", "Thunderbird (Flatpak)", "Thunderbird (Snap)"
    std::vector<FoundAccount> accounts;
    std::optional<std::string> problem;  ///< why its accounts could not be listed (missing, no prefs.js)
};

struct ProfileDiscovery {
    std::vector<FoundProfile> profiles;
    std::vector<std::filesystem::path> places_searched;  ///< directories where a profiles.ini was looked for
    std::vector<std::string> problems;                   ///< unreadable profiles.ini files
};

/// Finds Thunderbird profiles from profiles.ini and installs.ini in the places PLACES.system
/// uses: Linux ~/.thunderbird, the Flatpak ~/.var/app/org.mozilla.Thunderbird/.thunderbird and
/// the Snap ~/snap/thunderbird/common/.thunderbird; macOS ~/Library/Thunderbird; Windows
/// %APPDATA%\Thunderbird. Reads only; a broken profiles.ini is listed in problems.
ProfileDiscovery find_thunderbird_profiles(const UserPlaces& places);

/// Describes the profile directory PATH (accounts, folder counts) as found there.
FoundProfile describe_profile(const std::filesystem::path& path, std::string name = {});

/// The profile to import: WANTED is a directory (any Thunderbird profile directory) or a name
/// from profiles.ini; without WANTED, the default profile (or the only one).
/// Errors: NotFound when nothing matches or no profile exists; InvalidArgument when the choice
/// is ambiguous (several profiles and none is the default, or a name found twice): the message
/// lists the candidates and says to name one.
[[nodiscard]] Result<FoundProfile> choose_profile(const ProfileDiscovery& discovery,
                                                  const std::optional<std::string>& wanted);

}  // namespace cairn::sources::thunderbird
