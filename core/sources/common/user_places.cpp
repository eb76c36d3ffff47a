// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/common/user_places.h"

#include <cstdlib>

namespace cairn::sources {

HostSystem this_host_system() {
#if defined(_WIN32)
    return HostSystem::Windows;
#elif defined(__APPLE__)
    return HostSystem::MacOS;
#else
    return HostSystem::Linux;
#endif
}

UserPlaces UserPlaces::of_current_user() {
    UserPlaces places;
    places.system = this_host_system();
    const char* home = std::getenv(places.system == HostSystem::Windows ? "USERPROFILE" : "HOME");
    if (home != nullptr && *home != '\0')
        places.home = home;
    if (places.system == HostSystem::Windows) {
        if (const char* app_data = std::getenv("APPDATA"); app_data != nullptr && *app_data != '\0')
            places.roaming_app_data = std::filesystem::path(app_data);
    }
    return places;
}

}  // namespace cairn::sources
