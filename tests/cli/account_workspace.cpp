// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/cli/account_workspace.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/crypto/crypto.h"
#include "core/db/database.h"

namespace cairn::testing {

std::string sha256_hex(const std::string& bytes) {
    return crypto::to_hex(std::string_view(reinterpret_cast<const char*>(crypto::sha256(bytes).data()), 32));
}

std::string synthetic_message(const std::string& tag, std::size_t body_bytes) {
    std::string message = "From: Sender <sender@example.org>\r\nTo: alice@example.org\r\nSubject: message " + tag +
                          "\r\nMessage-ID: <" + tag + "@example.org>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n";
    while (message.size() < body_bytes)
        message += "line of " + tag + " text\r\n";
    return message;
}

AccountWorkspace::AccountWorkspace(Environment environment)
    : m_environment(std::move(environment)) {
    m_environment["CAIRN_PASSPHRASE"] = Passphrase;
    m_environment["CAIRN_KEY_CACHE"] = "0";
}

RunResult AccountWorkspace::cairn(std::vector<std::string> arguments,
                                  const std::map<std::string, std::string>& environment) const {
    arguments.insert(arguments.begin(), {"--archive", archive()});
    RunOptions options;
    options.environment = m_environment;
    for (const auto& [key, value] : environment)
        options.environment[key] = value;
    return run_cairn(arguments, options);
}

nlohmann::json AccountWorkspace::json_of(std::vector<std::string> arguments, int expected_exit) const {
    arguments.insert(arguments.begin(), "--json");
    RunResult result = cairn(arguments);
    INFO(result.err);
    REQUIRE(result.exit_code == expected_exit);
    return nlohmann::json::parse(result.out);
}

FolderDigests AccountWorkspace::archived() const {
    auto out = temp.path() / ("export-" + std::to_string(++m_exports));
    RunResult exported = cairn({"export", "--format", "eml", "--out", out.string()});
    INFO(exported.err);
    REQUIRE(exported.exit_code == 0);
    std::map<std::string, std::string> digest_by_file;  // "<id>.eml" -> SHA-256
    for (const auto& entry : std::filesystem::recursive_directory_iterator(out))
        if (entry.is_regular_file())
            digest_by_file[entry.path().filename().string()] = sha256_hex(read_file(entry.path()));
    FolderDigests folders;
    const nlohmann::json listed = json_of({"list"});
    for (const nlohmann::json& message : listed["messages"]) {
        auto found = digest_by_file.find(std::to_string(message["id"].get<std::int64_t>()) + ".eml");
        REQUIRE(found != digest_by_file.end());
        folders[message["folder"].get<std::string>()].insert(found->second);
    }
    return folders;
}

std::int64_t AccountWorkspace::wait_for_committed_messages(std::int64_t count) const {
    const auto catalog_path = temp.path() / "archive" / "catalog.db";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    std::int64_t committed = 0;
    while (committed < count && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto catalog = db::Database::open(catalog_path, db::OpenMode::ReadOnly);
        if (!catalog)
            continue;
        auto counted = catalog->prepare("SELECT COUNT(*) FROM remote_messages");
        if (counted && counted->step().value_or(false))
            committed = counted->column_int(0);
    }
    return committed;
}

}  // namespace cairn::testing
