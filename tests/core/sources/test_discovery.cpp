// SPDX-License-Identifier: GPL-3.0-or-later
// Finding Thunderbird profiles and Outlook data files in fake home directories.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/sources/apple_mail/store_discovery.h"
#include "core/sources/outlook/data_file_discovery.h"
#include "core/sources/thunderbird/profile_discovery.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thunderbird_profile.h"

using namespace cairn;
using namespace cairn::sources;
using namespace cairn::testing;
namespace fs = std::filesystem;

namespace {

/// A minimal profile with one Local Folders account holding FOLDERS (empty mbox files).
void write_profile(const fs::path& directory, const std::vector<std::string>& folders) {
    write_file(directory / "prefs.js", "user_pref(\"mail.server.server1.type\", \"none\");\n"
                                       "user_pref(\"mail.server.server1.directory-rel\", \"[ProfD]Mail/Local Folders\");\n");
    for (const std::string& folder : folders)
        write_file(directory / "Mail" / "Local Folders" / folder, "");
}

UserPlaces linux_home(const fs::path& home) { return UserPlaces{home, std::nullopt, HostSystem::Linux}; }

std::vector<std::string> names_of(const thunderbird::ProfileDiscovery& discovery) {
    std::vector<std::string> names;
    for (const auto& profile : discovery.profiles)
        names.push_back(profile.name + (profile.is_default ? "*" : "") + " " + profile.installation);
    return names;
}

}  // namespace

TEST_SUITE("sources.discovery") {
TEST_CASE("profiles are found in ~/.thunderbird with the installation's default, accounts and folder counts") {
    TempDir temp;
    auto built = build_thunderbird_profile(temp.path());
    if (!built)
        return;
    auto discovery = thunderbird::find_thunderbird_profiles(linux_home(temp.path()));
    CHECK(discovery.problems.empty());
    REQUIRE(discovery.profiles.size() == 2);
    const auto& release = *std::find_if(discovery.profiles.begin(), discovery.profiles.end(),
                                        [](const auto& profile) { return profile.name == "default-release"; });
    CHECK(release.is_default);
    CHECK(release.path == built->profile);
    REQUIRE(release.accounts.size() == 4);
    CHECK(release.accounts[0].account.name == "ann@example.com");
    CHECK(release.accounts[0].folder_count == 5);  // INBOX, INBOX/Work, INBOX/(hashed), Entwürfe, Empty
    CHECK(release.accounts[1].folder_count == 2);  // Inbox, Inbox/Lists (maildir store)
    CHECK(release.accounts[2].folder_count == 3);  // Inbox, Trash, Unsent Messages

    auto chosen = thunderbird::choose_profile(discovery, std::nullopt);
    REQUIRE(chosen);
    CHECK(chosen->path == built->profile);
    auto by_name = thunderbird::choose_profile(discovery, std::string("default"));
    REQUIRE(by_name);
    CHECK(by_name->path == built->other_profile);
    auto by_path = thunderbird::choose_profile(discovery, built->profile.string());
    REQUIRE(by_path);
    CHECK(by_path->accounts.size() == 4);
    auto unknown = thunderbird::choose_profile(discovery, std::string("nope"));
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == ErrorCode::NotFound);
}

TEST_CASE("without an installation default, Default=1 marks the default profile") {
    TempDir temp;
    const fs::path root = temp.path() / ".thunderbird";
    write_file(root / "profiles.ini", "[General]\nStartWithLastProfile=1\n\n[Profile0]\nName=one\nIsRelative=1\n"
                                      "Path=a.one\n\n[Profile1]\nName=two\nIsRelative=1\nPath=b.two\nDefault=1\n");
    write_profile(root / "a.one", {"Inbox"});
    write_profile(root / "b.two", {"Inbox", "Sent"});
    auto discovery = thunderbird::find_thunderbird_profiles(linux_home(temp.path()));
    CHECK(names_of(discovery) == std::vector<std::string>{"one Thunderbird", "two* Thunderbird"});
    auto chosen = thunderbird::choose_profile(discovery, std::nullopt);
    REQUIRE(chosen);
    CHECK(chosen->name == "two");
    CHECK(chosen->accounts.at(0).folder_count == 2);
}

TEST_CASE("several profiles and no default: choosing asks for a name and lists them") {
    TempDir temp;
    const fs::path root = temp.path() / ".thunderbird";
    write_file(root / "profiles.ini", "[Profile0]\nName=one\nIsRelative=1\nPath=a.one\n\n"
                                      "[Profile1]\nName=two\nIsRelative=0\nPath=" + (root / "b.two").string() + "\n");
    write_profile(root / "a.one", {"Inbox"});
    write_profile(root / "b.two", {"Inbox"});
    auto discovery = thunderbird::find_thunderbird_profiles(linux_home(temp.path()));
    REQUIRE(discovery.profiles.size() == 2);
    auto chosen = thunderbird::choose_profile(discovery, std::nullopt);
    REQUIRE_FALSE(chosen);
    CHECK(chosen.error().code == ErrorCode::InvalidArgument);
    CHECK(chosen.error().message.find("a.one") != std::string::npos);
    CHECK(chosen.error().message.find("b.two") != std::string::npos);
}

TEST_CASE("Flatpak and Snap installations are found beside the native one") {
    TempDir temp;
    const fs::path flatpak = temp.path() / ".var/app/org.mozilla.Thunderbird/.thunderbird";
    const fs::path snap = temp.path() / "snap/thunderbird/common/.thunderbird";
    write_file(flatpak / "profiles.ini", "[Profile0]\nName=default-release\nIsRelative=1\nPath=f.default-release\n");
    write_file(flatpak / "installs.ini", "[ABCDEF]\nDefault=f.default-release\n");
    write_profile(flatpak / "f.default-release", {"Inbox"});
    write_file(snap / "profiles.ini", "[Profile0]\nName=snappy\nIsRelative=1\nPath=s.snappy\n");
    write_profile(snap / "s.snappy", {"Inbox"});
    auto discovery = thunderbird::find_thunderbird_profiles(linux_home(temp.path()));
    CHECK(names_of(discovery) ==
          std::vector<std::string>{"default-release* Thunderbird (Flatpak)", "snappy Thunderbird (Snap)"});
    auto chosen = thunderbird::choose_profile(discovery, std::nullopt);
    REQUIRE(chosen);
    CHECK(chosen->path == flatpak / "f.default-release");
}

TEST_CASE("macOS and Windows keep profiles in their own places") {
    TempDir temp;
    write_file(temp.path() / "Library/Thunderbird/profiles.ini", "[Profile0]\nName=mac\nIsRelative=1\nPath=Profiles/m.mac\n");
    write_profile(temp.path() / "Library/Thunderbird/Profiles/m.mac", {"Inbox"});
    const fs::path app_data = temp.path() / "Users/ann/AppData/Roaming";
    write_file(app_data / "Thunderbird/profiles.ini", "[Profile0]\nName=win\nIsRelative=1\nPath=Profiles/w.win\n");
    write_profile(app_data / "Thunderbird/Profiles/w.win", {"Inbox"});

    auto mac = thunderbird::find_thunderbird_profiles(UserPlaces{temp.path(), std::nullopt, HostSystem::MacOS});
    CHECK(names_of(mac) == std::vector<std::string>{"mac Thunderbird"});
    auto windows = thunderbird::find_thunderbird_profiles(
        UserPlaces{temp.path() / "Users/ann", app_data, HostSystem::Windows});
    CHECK(names_of(windows) == std::vector<std::string>{"win Thunderbird"});
    // Without %APPDATA%, the profile's AppData/Roaming is where Windows keeps it.
    auto windows_default = thunderbird::find_thunderbird_profiles(
        UserPlaces{temp.path() / "Users/ann", std::nullopt, HostSystem::Windows});
    CHECK(names_of(windows_default) == std::vector<std::string>{"win Thunderbird"});
    // Linux does not look in macOS or Windows places.
    CHECK(thunderbird::find_thunderbird_profiles(linux_home(temp.path())).profiles.empty());
}

TEST_CASE("no profile at all: choosing says where it looked") {
    TempDir temp;
    auto discovery = thunderbird::find_thunderbird_profiles(linux_home(temp.path()));
    auto chosen = thunderbird::choose_profile(discovery, std::nullopt);
    REQUIRE_FALSE(chosen);
    CHECK(chosen.error().code == ErrorCode::NotFound);
    CHECK(chosen.error().message.find(".thunderbird") != std::string::npos);
}

TEST_CASE("Outlook data files are found in a user profile's usual places, whatever the case") {
    TempDir temp;
    const fs::path user = temp.path() / "ann";
    write_file(user / "AppData/Local/Microsoft/Outlook/ann@example.com.ost", "!BDN");
    write_file(user / "AppData/Local/Microsoft/Outlook/RoamCache/stream.dat", "x");
    write_file(user / "documents/outlook files/Archive.PST", "!BDN");
    write_file(user / "documents/outlook files/2019/Old.pst", "!BDN");
    write_file(user / "documents/outlook files/notes.txt", "x");
    write_file(user / "Desktop/elsewhere.pst", "!BDN");
    auto found = outlook::find_in_user_profile(user);
    std::vector<std::string> names;
    for (const auto& file : found)
        names.push_back(fs::relative(file.path, user).string() + " " + file.kind);
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"AppData/Local/Microsoft/Outlook/ann@example.com.ost ost",
                                            "documents/outlook files/2019/Old.pst pst",
                                            "documents/outlook files/Archive.PST pst"});
}

TEST_CASE("Outlook data files are found on a mounted Windows disk and in Wine prefixes") {
    TempDir temp;
    const fs::path disk = temp.path() / "mnt/c";
    write_file(disk / "Users/ann/AppData/Local/Microsoft/Outlook/ann.ost", "!BDN");
    write_file(disk / "Users/bob/Documents/Outlook Files/bob.pst", "!BDN");
    write_file(disk / "Documents and Settings/carl/Local Settings/Application Data/Microsoft/Outlook/outlook.pst", "!BDN");
    const fs::path home = temp.path() / "home";
    write_file(home / ".wine/drive_c/users/dora/My Documents/Outlook Files/dora.pst", "!BDN");
    write_file(home / ".local/share/wineprefixes/office/drive_c/users/eve/AppData/Roaming/Microsoft/Outlook/eve.pst", "!BDN");

    auto found = outlook::find_outlook_data_files(linux_home(home), {disk});
    std::vector<std::string> users;
    for (const auto& file : found)
        users.push_back(file.windows_user + ":" + file.path.filename().string());
    CHECK(users == std::vector<std::string>{"dora:dora.pst", "eve:eve.pst", "ann:ann.ost", "bob:bob.pst",
                                            "carl:outlook.pst"});
    // The same disk given twice lists each file once.
    CHECK(outlook::find_outlook_data_files(linux_home(home), {disk, disk}).size() == found.size());
    // On Windows only the user's own profile is searched (and given roots); no Wine.
    auto windows = outlook::find_outlook_data_files(UserPlaces{disk / "Users/ann", std::nullopt, HostSystem::Windows}, {});
    REQUIRE(windows.size() == 1);
    CHECK(windows[0].path.filename() == "ann.ost");
}
TEST_CASE("Apple Mail's stores are found on macOS, newest first, with their mailboxes") {
    TempDir temp;
    const fs::path mail = temp.path() / "Library/Mail";
    const std::string uuid = "9A2C54E1-2F1B-4B7C-9A4E-0C2D1E3F4A5B";
    write_file(mail / "V10/ACCOUNT-1/INBOX.mbox" / uuid / "Data/Messages/1.emlx", "1\nx");
    write_file(mail / "V10/ACCOUNT-1/Archive.mbox/2019.mbox" / uuid / "Data/Messages/2.emlx", "1\nx");
    write_file(mail / "V10/ACCOUNT-1/Archive.mbox/Info.plist", "<plist/>");
    write_file(mail / "V10/MailData/Envelope Index", "SQLite format 3");
    write_file(mail / "V9/ACCOUNT-0/INBOX.mbox/Messages/1.emlx", "1\nx");
    write_file(mail / "Vx/ignored.mbox/mbox", "");
    write_file(mail / "Bundles/x", "");
    const UserPlaces mac{temp.path(), std::nullopt, HostSystem::MacOS};
    auto stores = apple_mail::find_apple_mail_stores(mac);
    REQUIRE(stores.size() == 2);
    CHECK(stores[0].version == 10);
    REQUIRE(stores[0].accounts.size() == 1);
    CHECK(stores[0].accounts[0].name == "ACCOUNT-1");
    CHECK(stores[0].accounts[0].mailbox_count == 3);
    CHECK(stores[1].version == 9);
    CHECK(stores[1].accounts.at(0).mailbox_count == 1);
    CHECK(apple_mail::find_apple_mail_stores(linux_home(temp.path())).empty());
}
}
