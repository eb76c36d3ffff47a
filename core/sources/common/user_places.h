// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <optional>

namespace cairn::sources {

/// The operating system whose conventions say where mail programs keep their data.
enum class HostSystem { Linux, MacOS, Windows };

/// The system this binary was built for.
HostSystem this_host_system();

/// Where a user's files are, as discovery needs them. Tests build one by hand over a fake home.
struct UserPlaces {
    std::filesystem::path home;  ///< $HOME (Windows: %USERPROFILE%)
    std::optional<std::filesystem::path> roaming_app_data;  ///< Windows %APPDATA%; else home/AppData/Roaming
    HostSystem system = this_host_system();

    /// The running user's places, from $HOME (or %USERPROFILE%) and %APPDATA%.
    static UserPlaces of_current_user();
};

}  // namespace cairn::sources
