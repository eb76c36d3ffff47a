// SPDX-License-Identifier: GPL-3.0-or-later
// Compares read_mail_path with the acceptance oracle on every corpus set the round trip uses:
// the multiset of message SHA-256s must be identical.
#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/sources/mail_files.h"
#include "tests/core/sources/collecting_sink.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using namespace cairn::testing;

namespace {

std::string sha256_hex(const std::string& bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
    static constexpr char Hex[] = "0123456789abcdef";
    std::string text;
    for (unsigned int index = 0; index < length; ++index) {
        text += Hex[digest[index] >> 4];
        text += Hex[digest[index] & 15];
    }
    return text;
}

/// Hashes only, so a 250 MB set does not sit in memory.
class HashingSink : public sources::MessageSink {
public:
    bool on_message(sources::RawMessage&& message) override {
        hashes.push_back(sha256_hex(message.bytes));
        return true;
    }
    void on_failure(sources::ItemFailure&& failure) override {
        failures.push_back(failure.source_path + " at " + std::to_string(failure.offset) + ": " + failure.reason);
    }
    std::vector<std::string> hashes;
    std::vector<std::string> failures;
};

std::vector<std::string> oracle_hashes(const std::filesystem::path& path) {
    std::vector<std::string> hashes;
    const std::string command = "python3 /work/shared/acceptance/oracle.py " + shell_quote(path.string());
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 256> line{};
    while (std::fgets(line.data(), static_cast<int>(line.size()), pipe) != nullptr) {
        std::string hash(line.data());
        while (!hash.empty() && (hash.back() == '\n' || hash.back() == '\r'))
            hash.pop_back();
        if (!hash.empty())
            hashes.push_back(hash);
    }
    REQUIRE(::pclose(pipe) == 0);
    return hashes;
}

void compare_with_oracle(const std::string& name, const std::filesystem::path& path) {
    CAPTURE(name);
    HashingSink sink;
    REQUIRE(sources::read_mail_path(path, sources::ReadOptions{}, sink));
    std::vector<std::string> ours = std::move(sink.hashes);
    std::vector<std::string> expected = oracle_hashes(path);
    std::sort(ours.begin(), ours.end());
    std::sort(expected.begin(), expected.end());
    std::vector<std::string> missing;
    std::vector<std::string> extra;
    std::set_difference(expected.begin(), expected.end(), ours.begin(), ours.end(), std::back_inserter(missing));
    std::set_difference(ours.begin(), ours.end(), expected.begin(), expected.end(), std::back_inserter(extra));
    MESSAGE(name << ": " << ours.size() << " messages read, oracle " << expected.size() << ", missing "
                 << missing.size() << ", extra " << extra.size() << ", failures " << sink.failures.size());
    for (const std::string& failure : sink.failures)
        MESSAGE("  failure: " << failure);
    CHECK(missing.empty());
    CHECK(extra.empty());
    CHECK(ours.size() == expected.size());
}

}  // namespace

TEST_SUITE("sources.corpus") {

TEST_CASE("every corpus set of the round trip reads to exactly the oracle's messages") {
    if (!run_command("python3 -c pass 2>/dev/null") || !std::filesystem::exists("/work/shared/acceptance/oracle.py")) {
        MESSAGE("python3 or the acceptance oracle is absent; skipping");
        return;
    }
    const std::map<std::string, std::string> plain_sets{
        {"stalwart", "stalwart-mail-parser"}, {"nodemailer", "nodemailer-mailparser"},
        {"mimekit", "mimekit"},               {"python-email", "python-email"},
        {"gmime", "gmime"},                   {"mu", "mu"},
        {"tika", "tika-mail"},                {"thunderbird", "thunderbird-comm-central"},
    };
    for (const auto& [name, directory] : plain_sets) {
        if (std::optional<std::filesystem::path> path = corpus_path(directory))
            compare_with_oracle(name, *path);
    }

    const std::array<std::pair<std::string, std::string>, 3> packed_sets{{
        {"linux-mips/linux-mips.maildir.tar.zst", "linux-mips"},
        {"openbmc/openbmc.maildir.tar.zst", "openbmc"},
        {"berlios-bcm43xx-dev/bcm43xx-dev.pipermail-mbox.tar.zst", "bcm43xx-dev"},
    }};
    for (const auto& [archive, directory] : packed_sets) {
        std::optional<std::filesystem::path> path = corpus_path(archive);
        if (!path)
            continue;
        TempDir unpacked;
        REQUIRE(run_command("zstd -dc " + shell_quote(path->string()) + " | tar -C " +
                            shell_quote(unpacked.path().string()) + " -xf -"));
        compare_with_oracle(directory, unpacked.path() / directory);
    }
}

}
