// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/thunderbird/profile_discovery.h"

#include <fstream>
#include <map>
#include <sstream>

namespace cairn::sources::thunderbird {
namespace {

namespace fs = std::filesystem;

/// Section name -> key -> value, from an .ini file as Mozilla writes them.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;

IniFile parse_ini(const std::string& text) {
    IniFile ini;
    std::string section;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || line.front() == ';' || line.front() == '#')
            continue;
        if (line.front() == '[') {
            std::size_t close = line.find(']');
            section = line.substr(1, close == std::string::npos ? std::string::npos : close - 1);
            ini[section];
            continue;
        }
        std::size_t equals = line.find('=');
        if (equals != std::string::npos && !section.empty())
            ini[section][line.substr(0, equals)] = line.substr(equals + 1);
    }
    return ini;
}

/// Reads PATH; nullopt when it does not exist; an error text when it exists but cannot be read.
std::optional<Result<IniFile>> read_ini(const fs::path& path) {
    std::error_code error;
    if (!fs::exists(path, error))
        return std::nullopt;
    std::ifstream stream(path, std::ios::binary);
    std::ostringstream contents;
    if (stream)
        contents << stream.rdbuf();
    if (!stream || stream.bad())
        return Result<IniFile>(make_errno_error(errno, "cannot read the Thunderbird profile list", path.string()));
    return Result<IniFile>(parse_ini(contents.str()));
}

std::string value_of(const std::map<std::string, std::string>& section, const std::string& key) {
    auto found = section.find(key);
    return found == section.end() ? std::string() : found->second;
}

struct Installation {
    fs::path root;
    std::string label;
};

std::vector<Installation> installations(const UserPlaces& places) {
    switch (places.system) {
    case HostSystem::Windows: {
        fs::path roaming = places.roaming_app_data ? *places.roaming_app_data : places.home / "AppData" / "Roaming";
        return {{roaming / "Thunderbird", "Thunderbird"}};
    }
    case HostSystem::MacOS:
        return {{places.home / "Library" / "Thunderbird", "Thunderbird"}};
    case HostSystem::Linux:
        break;
    }
    return {{places.home / ".thunderbird", "Thunderbird"},
            {places.home / ".var" / "app" / "org.mozilla.Thunderbird" / ".thunderbird", "Thunderbird (Flatpak)"},
            {places.home / "snap" / "thunderbird" / "common" / ".thunderbird", "Thunderbird (Snap)"}};
}

fs::path profile_path(const fs::path& root, const std::string& path, const std::string& is_relative) {
    // Mozilla writes relative paths with '/' on every system.
    if (is_relative == "1")
        return (root / fs::path(path)).lexically_normal();
    return fs::path(path).lexically_normal();
}

void add_installation(const Installation& installation, ProfileDiscovery& discovery) {
    discovery.places_searched.push_back(installation.root);
    std::optional<Result<IniFile>> profiles = read_ini(installation.root / "profiles.ini");
    if (!profiles)
        return;
    if (!*profiles) {
        discovery.problems.push_back(profiles->error().describe());
        return;
    }
    // Since Thunderbird 68 each installation names its default profile in an [Install...]
    // section (profiles.ini and installs.ini); Default=1 on a profile is the older way.
    std::vector<fs::path> install_defaults;
    auto collect_defaults = [&](const IniFile& ini, bool every_section) {
        for (const auto& [section, keys] : ini) {
            if (!every_section && !section.starts_with("Install"))
                continue;
            if (std::string path = value_of(keys, "Default"); !path.empty()) {
                const char* is_relative = fs::path(path).is_absolute() ? "0" : "1";
                install_defaults.push_back(profile_path(installation.root, path, is_relative));
            }
        }
    };
    collect_defaults(**profiles, false);
    if (std::optional<Result<IniFile>> installs = read_ini(installation.root / "installs.ini"); installs && *installs)
        collect_defaults(**installs, true);

    std::vector<FoundProfile> found;
    for (const auto& [section, keys] : **profiles) {
        if (!section.starts_with("Profile") || value_of(keys, "Path").empty())
            continue;
        fs::path path = profile_path(installation.root, value_of(keys, "Path"), value_of(keys, "IsRelative"));
        FoundProfile profile = describe_profile(path, value_of(keys, "Name"));
        profile.installation = installation.label;
        bool named_by_install = false;
        for (const fs::path& default_path : install_defaults)
            named_by_install = named_by_install || default_path == path;
        profile.is_default = install_defaults.empty() ? value_of(keys, "Default") == "1" : named_by_install;
        found.push_back(std::move(profile));
    }
    for (FoundProfile& profile : found)
        discovery.profiles.push_back(std::move(profile));
}

std::string candidate_list(const std::vector<const FoundProfile*>& candidates) {
    std::string list;
    for (const FoundProfile* profile : candidates)
        list += "\n  " + profile->name + "  " + profile->path.string() + (profile->is_default ? "  (default)" : "");
    return list;
}

}  // namespace

ProfileDiscovery find_thunderbird_profiles(const UserPlaces& places) {
    ProfileDiscovery discovery;
    if (places.home.empty() && !places.roaming_app_data) {
        discovery.problems.emplace_back("no home directory is known (HOME is not set), so no profile was looked for");
        return discovery;
    }
    for (const Installation& installation : installations(places))
        add_installation(installation, discovery);
    return discovery;
}

FoundProfile describe_profile(const fs::path& path, std::string name) {
    FoundProfile profile;
    profile.path = path;
    profile.name = name.empty() ? path.filename().string() : std::move(name);
    profile.installation = "Thunderbird";
    std::error_code error;
    if (!fs::is_directory(path, error)) {
        profile.problem = "the profile directory does not exist";
        return profile;
    }
    if (!is_profile_directory(path)) {
        profile.problem = "not a Thunderbird profile with mail (no prefs.js with a Mail or ImapMail directory)";
        return profile;
    }
    Result<ProfileLayout> layout = read_profile_layout(path);
    if (!layout) {
        profile.problem = layout.error().describe();
        return profile;
    }
    for (Account& account : layout->accounts) {
        FoundAccount found;
        if (account.directory_exists)
            found.folder_count = list_account_folders(account.directory).size();
        found.account = std::move(account);
        profile.accounts.push_back(std::move(found));
    }
    return profile;
}

Result<FoundProfile> choose_profile(const ProfileDiscovery& discovery, const std::optional<std::string>& wanted) {
    std::vector<const FoundProfile*> candidates;
    if (wanted) {
        std::error_code error;
        if (fs::is_directory(*wanted, error)) {
            FoundProfile profile = describe_profile(fs::absolute(*wanted).lexically_normal());
            if (profile.problem)
                return make_error(ErrorCode::InvalidArgument, *profile.problem, *wanted);
            return profile;
        }
        for (const FoundProfile& profile : discovery.profiles) {
            if (profile.name == *wanted)
                candidates.push_back(&profile);
        }
        if (candidates.empty())
            return make_error(ErrorCode::NotFound,
                              "no Thunderbird profile has this name and no directory has this path; "
                              "`cairn sources` lists the profiles found",
                              *wanted);
        if (candidates.size() > 1)
            return make_error(ErrorCode::InvalidArgument,
                              "several Thunderbird profiles have this name; give the profile directory instead:" +
                                  candidate_list(candidates),
                              *wanted);
    } else {
        if (discovery.profiles.empty()) {
            std::string searched;
            for (const fs::path& place : discovery.places_searched)
                searched += (searched.empty() ? "" : ", ") + place.string();
            return make_error(ErrorCode::NotFound,
                              "no Thunderbird profile found (looked in " + searched +
                                  "); give the profile directory: cairn import --thunderbird DIR",
                              "");
        }
        for (const FoundProfile& profile : discovery.profiles) {
            if (profile.is_default)
                candidates.push_back(&profile);
        }
        if (candidates.empty() && discovery.profiles.size() == 1)
            candidates.push_back(&discovery.profiles.front());
        if (candidates.size() != 1) {
            std::vector<const FoundProfile*> all;
            for (const FoundProfile& profile : discovery.profiles)
                all.push_back(&profile);
            return make_error(ErrorCode::InvalidArgument,
                              std::string(candidates.empty() ? "several Thunderbird profiles and none is the default"
                                                             : "several default Thunderbird profiles") +
                                  "; name one: cairn import --thunderbird NAME-OR-DIRECTORY" + candidate_list(all),
                              "");
        }
    }
    if (candidates.front()->problem)
        return make_error(ErrorCode::NotFound, *candidates.front()->problem, candidates.front()->path.string());
    return *candidates.front();
}

}  // namespace cairn::sources::thunderbird
