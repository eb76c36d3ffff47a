// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"
#include "tests/support/temp_dir.h"

/// What the end-to-end tests of mail accounts (IMAP, POP3, Gmail) share: an archive in a
/// temporary directory, the cairn binary run against it, and the archived messages read back.
namespace cairn::testing {

/// Lower-case hex SHA-256 of BYTES.
std::string sha256_hex(const std::string& bytes);

/// A message of its own: distinct content (TAG in subject, Message-ID and body), CRLF line
/// ends, a body of about BODY_BYTES.
std::string synthetic_message(const std::string& tag, std::size_t body_bytes = 400);

/// Archive folder -> SHA-256s of its messages. Sets: identical content is one message per folder.
using FolderDigests = std::map<std::string, std::set<std::string>>;

using Environment = std::map<std::string, std::string>;

class AccountWorkspace {
public:
    static constexpr const char* Passphrase = "test passphrase";

    /// ENVIRONMENT is added to every run (CAIRN_PASSPHRASE and a disabled key cache always are).
    explicit AccountWorkspace(Environment environment = {});

    std::string archive() const { return (temp.path() / "archive").string(); }

    RunResult cairn(std::vector<std::string> arguments, const std::map<std::string, std::string>& environment = {}) const;
    /// Runs with --json; requires EXPECTED_EXIT and returns the parsed output.
    nlohmann::json json_of(std::vector<std::string> arguments, int expected_exit = 0) const;
    /// Folder -> SHA-256s of the archived messages, read back through `cairn export` (one
    /// process: `show --raw` per message would pay the passphrase KDF each time).
    FolderDigests archived() const;
    /// Waits (up to 5 minutes) until a running fetch has committed at least COUNT server
    /// messages, watching the catalog as another reader may; returns how many it has.
    std::int64_t wait_for_committed_messages(std::int64_t count) const;

    TempDir temp;

private:
    std::map<std::string, std::string> m_environment;
    mutable int m_exports = 0;
};

}  // namespace cairn::testing

namespace doctest {
/// Failure messages show each folder's count and digest prefixes.
template <>
struct StringMaker<cairn::testing::FolderDigests> {
    static String convert(const cairn::testing::FolderDigests& folders) {
        std::string text;
        for (const auto& [folder, digests] : folders) {
            text += "\n  " + folder + ": " + std::to_string(digests.size()) + " messages";
            for (const auto& digest : digests)
                text += "\n    " + digest.substr(0, 16);
        }
        return text.c_str();
    }
};
}  // namespace doctest
