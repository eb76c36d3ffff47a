// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: the real binary finds and imports a Thunderbird profile built from the public
// corpus, and lists Outlook data files, with HOME pointing at a fake home directory.
#include <doctest/doctest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thunderbird_profile.h"

using namespace cairn::testing;
using nlohmann::json;

using FolderFlagCounts = std::map<std::string, std::map<std::string, int>>;

namespace doctest {
template <>
struct StringMaker<FolderFlagCounts> {
    static String convert(const FolderFlagCounts& folders) {
        std::string text;
        for (const auto& [folder, flags] : folders) {
            for (const auto& [flag_text, count] : flags)
                text += "\n  " + folder + " [" + flag_text + "] " + std::to_string(count);
        }
        return text.c_str();
    }
};
}  // namespace doctest

namespace {

/// An archive and a fake home; cairn runs with HOME set to it.
struct HomeWorkspace {
    TempDir temp;
    std::filesystem::path home = temp.path() / "home";

    RunResult cairn(std::vector<std::string> arguments) const {
        arguments.insert(arguments.begin(), {"--archive", (temp.path() / "archive").string()});
        RunOptions options;
        options.environment = {{"CAIRN_PASSPHRASE", "test passphrase"}, {"HOME", home.string()}, {"CAIRN_KEY_CACHE", "0"}};
        return run_cairn(arguments, options);
    }
    json json_of(std::vector<std::string> arguments) const {
        arguments.push_back("--json");
        RunResult result = cairn(arguments);
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        return json::parse(result.out);
    }
    /// folder -> "flags" -> count, from cairn list.
    FolderFlagCounts listing(const std::string& folder_prefix = "") const {
        FolderFlagCounts folders;
        const json listed = json_of({"list"});
        for (const json& message : listed["messages"]) {
            std::string folder = message["folder"];
            if (!folder_prefix.empty()) {
                if (!folder.starts_with(folder_prefix + "/"))
                    continue;
                folder.erase(0, folder_prefix.size() + 1);
            } else if (folder.starts_with("via-path/")) {
                continue;
            }
            ++folders[folder][message["flags"].get<std::string>()];
        }
        return folders;
    }
};

std::string flags_text(const std::vector<std::string>& flags) {
    std::string text;
    for (const std::string& flag : flags)
        text += (text.empty() ? "" : " ") + flag;
    return text;
}

}  // namespace

TEST_SUITE("cli.thunderbird") {
TEST_CASE("cairn import --thunderbird archives the default profile's folders and flags, leaving it untouched") {
    HomeWorkspace workspace;
    auto built = build_thunderbird_profile(workspace.home);
    if (!built)
        return;
    REQUIRE(workspace.cairn({"init"}).exit_code == 0);
    const auto before = snapshot_tree(built->installation);

    json report = workspace.json_of({"import", "--thunderbird"});
    CHECK(report["failures"].empty());
    CHECK(report["messages_stored"].get<std::size_t>() == built->messages.size() - built->expunged_count());

    FolderFlagCounts expected;
    for (const ProfileMessage& message : built->messages) {
        if (!message.expunged)
            ++expected[message.folder][flags_text(message.flags)];
    }
    CHECK(workspace.listing() == expected);
    CHECK(snapshot_tree(built->installation) == before);

    SUBCASE("importing it again adds nothing") {
        json again = workspace.json_of({"import", "--thunderbird", "default-release"});
        CHECK(again["messages_stored"] == 0);
        CHECK(again["failures"].empty());
    }
    SUBCASE("importing the profile directory as a path gives the same folders") {
        json by_path = workspace.json_of({"import", "--folder", "via-path", built->profile.string()});
        CHECK(by_path["failures"].empty());
        CHECK(workspace.listing("via-path") == expected);
    }
    CHECK(snapshot_tree(built->installation) == before);
}

TEST_CASE("cairn sources lists profiles, accounts with folder counts, and Outlook data files") {
    HomeWorkspace workspace;
    auto built = build_thunderbird_profile(workspace.home);
    if (!built)
        return;
    write_file(workspace.home / ".wine/drive_c/users/ann/Documents/Outlook Files/archive.pst", "!BDN fake");
    json found = workspace.json_of({"sources"});
    REQUIRE(found["thunderbird_profiles"].size() == 2);
    json release;
    for (const json& profile : found["thunderbird_profiles"]) {
        if (profile["name"] == "default-release")
            release = profile;
    }
    CHECK(release["default"] == true);
    CHECK(release["path"] == built->profile.string());
    std::map<std::string, int> folder_counts;
    for (const json& account : release["accounts"])
        folder_counts[account["name"]] = account["folders"];
    CHECK(folder_counts == std::map<std::string, int>{{"ann@example.com", 5},
                                                      {"Ann at example.net", 2},
                                                      {"Local Folders", 3},
                                                      {"old.example.org", 1}});
    REQUIRE(found["outlook_data_files"].size() == 1);
    CHECK(found["outlook_data_files"][0]["kind"] == "pst");
    CHECK(found["outlook_data_files"][0]["windows_user"] == "ann");

    RunResult text = workspace.cairn({"sources"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("default-release (default)") != std::string::npos);
    CHECK(text.out.find("archive.pst") != std::string::npos);

    REQUIRE(workspace.cairn({"init"}).exit_code == 0);
    RunResult outlook = workspace.cairn({"import", "--outlook"});
    CHECK(outlook.exit_code == 1);
    CHECK(outlook.err.find("archive.pst") != std::string::npos);
}

TEST_CASE("several profiles and none the default: import --thunderbird lists them and exits 2") {
    HomeWorkspace workspace;
    const auto root = workspace.home / ".thunderbird";
    write_file(root / "profiles.ini", "[Profile0]\nName=work\nIsRelative=1\nPath=a.work\n\n"
                                      "[Profile1]\nName=home\nIsRelative=1\nPath=b.home\n");
    for (const char* profile : {"a.work", "b.home"}) {
        write_file(root / profile / "prefs.js", "user_pref(\"mail.server.server1.type\", \"none\");\n");
        write_file(root / profile / "Mail" / "Local Folders" / "Inbox", "");
    }
    REQUIRE(workspace.cairn({"init"}).exit_code == 0);
    RunResult result = workspace.cairn({"import", "--thunderbird"});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("none is the default") != std::string::npos);
    CHECK(result.err.find("a.work") != std::string::npos);
    CHECK(result.err.find("b.home") != std::string::npos);

    RunResult chosen = workspace.cairn({"import", "--thunderbird", "home"});
    CHECK(chosen.exit_code == 0);
    RunResult missing = workspace.cairn({"import", "--thunderbird", "nope"});
    CHECK(missing.exit_code == 3);
    CHECK(missing.err.find("cairn sources") != std::string::npos);
    RunResult nothing = workspace.cairn({"import"});
    CHECK(nothing.exit_code == 2);
}
TEST_CASE("Apple Mail's store imports as account/mailbox, and partial messages are warned about once") {
    HomeWorkspace workspace;
    const auto mailbox = workspace.home / "Library/Mail/V10/IMAP-ann@imap.example.com/INBOX.mbox" /
                         "9A2C54E1-2F1B-4B7C-9A4E-0C2D1E3F4A5B" / "Data";
    const std::string whole = "Subject: whole\n\nbody\n";
    const std::string partial = "Subject: partial\n\nbody\n";
    const std::string plist = "<?xml version=\"1.0\"?>\n<plist><dict><key>flags</key><integer>17</integer></dict></plist>\n";
    write_file(mailbox / "Messages/1.emlx", std::to_string(whole.size()) + "\n" + whole + plist);
    write_file(mailbox / "2/Messages/2.partial.emlx", std::to_string(partial.size()) + "\n" + partial + plist);
    REQUIRE(workspace.cairn({"init"}).exit_code == 0);
    json report = workspace.json_of({"import", (workspace.home / "Library/Mail/V10").string()});
    CHECK(report["messages_stored"] == 2);
    REQUIRE(report["warnings"].size() == 1);
    CHECK(report["warnings"][0].get<std::string>().find("1 Apple Mail message (.partial.emlx)") != std::string::npos);
    CHECK(workspace.listing() == FolderFlagCounts{{"IMAP-ann@imap.example.com/INBOX", {{"seen flagged", 2}}}});
}
}
