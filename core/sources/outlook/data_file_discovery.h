// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/sources/common/user_places.h"

namespace cairn::sources::outlook {

/// An Outlook data file found on disk. Finding only: reading it is the PST source's job.
struct FoundDataFile {
    std::filesystem::path path;
    std::string kind;         ///< "pst" (personal folders) or "ost" (offline copy of a server mailbox)
    std::uint64_t size = 0;
    std::string windows_user; ///< the profile directory it was found under ("ann"); "" for the current user
};

/// The data files under one Windows user profile directory (C:\Users\NAME, or a copy of it):
/// AppData/Local/Microsoft/Outlook, AppData/Roaming/Microsoft/Outlook, Documents/Outlook Files,
/// My Documents/Outlook Files, OneDrive/Documents/Outlook Files and Windows XP's Local
/// Settings/Application Data/Microsoft/Outlook, two directory levels deep. Names are matched
/// without regard to case, as Windows does, also on a case-sensitive mount.
std::vector<FoundDataFile> find_in_user_profile(const std::filesystem::path& user_profile,
                                                const std::string& windows_user = {});

/// The data files of every user of a Windows system tree: WINDOWS_ROOT is a mounted Windows
/// disk ("/mnt/c") or a Wine prefix's drive_c; its Users/* and Documents and Settings/*
/// profiles are searched.
std::vector<FoundDataFile> find_on_windows_disk(const std::filesystem::path& windows_root);

/// Everything found for the running user: on Windows their own profile (PLACES.home); on Linux
/// the Wine prefixes ~/.wine and ~/.local/share/wineprefixes/*; and every WINDOWS_ROOTS entry.
/// Each file appears once, in a stable order.
std::vector<FoundDataFile> find_outlook_data_files(const UserPlaces& places,
                                                   const std::vector<std::filesystem::path>& windows_roots);

}  // namespace cairn::sources::outlook
