// SPDX-License-Identifier: GPL-3.0-or-later
#include <fmt/format.h>

#include "app/cli/commands.h"
#include "core/sources/apple_mail/store_discovery.h"
#include "core/sources/outlook/data_file_discovery.h"
#include "core/sources/thunderbird/profile_discovery.h"

namespace cairn::cli {
namespace {

std::string store_name(sources::thunderbird::MailStore store) {
    return store == sources::thunderbird::MailStore::Maildir ? "maildir" : "mbox";
}

std::string size_text(std::uint64_t bytes) {
    if (bytes >= (1ull << 30))
        return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / static_cast<double>(1ull << 30));
    if (bytes >= (1ull << 20))
        return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / static_cast<double>(1ull << 20));
    return fmt::format("{} KiB", (bytes + 1023) / 1024);
}

}  // namespace

std::vector<std::filesystem::path> windows_disk_paths(const std::vector<std::string>& disks) {
    return {disks.begin(), disks.end()};
}

int run_sources(const Context& context, const SourcesArguments& arguments) {
    const sources::UserPlaces places = sources::UserPlaces::of_current_user();
    const auto profiles = sources::thunderbird::find_thunderbird_profiles(places);
    const auto data_files =
        sources::outlook::find_outlook_data_files(places, windows_disk_paths(arguments.windows_disks));
    const auto mail_stores = sources::apple_mail::find_apple_mail_stores(places);

    if (context.options.json) {
        nlohmann::json profile_list = nlohmann::json::array();
        for (const auto& profile : profiles.profiles) {
            nlohmann::json accounts = nlohmann::json::array();
            for (const auto& found : profile.accounts) {
                accounts.push_back({{"name", found.account.name},
                                    {"type", found.account.type},
                                    {"hostname", found.account.hostname},
                                    {"directory", found.account.directory.string()},
                                    {"directory_exists", found.account.directory_exists},
                                    {"store", store_name(found.account.store)},
                                    {"folders", found.folder_count}});
            }
            nlohmann::json entry = {{"name", profile.name},
                                    {"path", profile.path.string()},
                                    {"default", profile.is_default},
                                    {"installation", profile.installation},
                                    {"accounts", accounts}};
            if (profile.problem)
                entry["problem"] = *profile.problem;
            profile_list.push_back(entry);
        }
        nlohmann::json file_list = nlohmann::json::array();
        for (const auto& file : data_files) {
            file_list.push_back({{"path", file.path.string()},
                                 {"kind", file.kind},
                                 {"size", file.size},
                                 {"windows_user", file.windows_user}});
        }
        nlohmann::json store_list = nlohmann::json::array();
        for (const auto& store : mail_stores) {
            nlohmann::json accounts = nlohmann::json::array();
            for (const auto& account : store.accounts)
                accounts.push_back({{"name", account.name}, {"mailboxes", account.mailbox_count}});
            store_list.push_back({{"path", store.path.string()}, {"version", store.version}, {"accounts", accounts}});
        }
        nlohmann::json searched = nlohmann::json::array();
        for (const auto& place : profiles.places_searched)
            searched.push_back(place.string());
        context.print_json({{"thunderbird_profiles", profile_list},
                            {"outlook_data_files", file_list},
                            {"apple_mail_stores", store_list},
                            {"thunderbird_places_searched", searched},
                            {"problems", profiles.problems}});
        return ExitSuccess;
    }

    for (const auto& problem : profiles.problems)
        fmt::print(stderr, "cairn: warning: {}\n", problem);
    if (profiles.profiles.empty()) {
        fmt::print("No Thunderbird profile found.\n");
    } else {
        fmt::print("Thunderbird profiles (import one with: cairn import --thunderbird NAME):\n");
        for (const auto& profile : profiles.profiles) {
            fmt::print("  {}{}  {}  [{}]\n", profile.name, profile.is_default ? " (default)" : "",
                       profile.path.string(), profile.installation);
            if (profile.problem)
                fmt::print("      {}\n", *profile.problem);
            for (const auto& found : profile.accounts) {
                fmt::print("      {:<28} {:<5} {:>4} folder{}  {}{}\n", found.account.name,
                           found.account.type.empty() ? "?" : found.account.type, found.folder_count,
                           found.folder_count == 1 ? "" : "s",
                           found.account.directory.string(), found.account.directory_exists ? "" : " (missing)");
            }
        }
    }
    if (data_files.empty()) {
        fmt::print("No Outlook data file (.pst, .ost) found.\n");
    } else {
        fmt::print("Outlook data files (import them with: cairn import --outlook):\n");
        for (const auto& file : data_files) {
            fmt::print("  {}  {}  {}{}\n", file.path.string(), file.kind, size_text(file.size),
                       file.windows_user.empty() ? "" : "  (Windows user " + file.windows_user + ")");
        }
    }
    if (!mail_stores.empty())
        fmt::print("Apple Mail stores (import the newest with: cairn import --apple-mail):\n");
    for (const auto& store : mail_stores) {
        fmt::print("  V{}  {}\n", store.version, store.path.string());
        for (const auto& account : store.accounts)
            fmt::print("      {:<40} {:>4} mailbox{}\n", account.name, account.mailbox_count,
                       account.mailbox_count == 1 ? "" : "es");
    }
    return ExitSuccess;
}

}  // namespace cairn::cli
