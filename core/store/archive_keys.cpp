// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/store/archive_keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <span>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cairn::store {
namespace {

ArchiveKeys derive_keys(const crypto::Key& master, std::string archive_id) {
    return ArchiveKeys{crypto::derive_subkey(master, "cairn data key v1"),
                       crypto::derive_subkey(master, "cairn dedup key v1"), std::move(archive_id)};
}

std::string wrap_associated_data(const std::string& archive_id, std::string_view wrapper) {
    return fmt::format("cairn master key v1|{}|{}", archive_id, wrapper);
}

Result<void> write_file_durably(const std::filesystem::path& path, const std::string& text) {
    int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (descriptor < 0)
        return make_errno_error(errno, "cannot create the archive file", path.string());
    std::size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::write(descriptor, text.data() + written, text.size() - written);
        if (n < 0) {
            int error_number = errno;
            ::close(descriptor);
            return make_errno_error(error_number, "cannot write the archive file", path.string());
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(descriptor) != 0) {
        int error_number = errno;
        ::close(descriptor);
        return make_errno_error(error_number, "cannot sync the archive file", path.string());
    }
    ::close(descriptor);
    return {};
}

Result<nlohmann::json> read_archive_file(const std::filesystem::path& directory) {
    auto path = directory / ArchiveFileName;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_error(ErrorCode::NotFound,
                          "no Cairn archive here (create one with `cairn init`, or pass --archive DIR)",
                          directory.string());
    std::string text(std::istreambuf_iterator<char>(in), {});
    auto document = nlohmann::json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_object())
        return make_error(ErrorCode::Corrupt, "the archive file is damaged (not valid JSON)", path.string());
    int version = 0;
    if (auto found = document.find("format_version"); found != document.end() && found->is_number_integer())
        version = found->get<int>();
    if (version != ArchiveFormatVersion)
        return make_error(ErrorCode::Unsupported,
                          fmt::format("archive format version {} is not supported by this Cairn (it reads {})",
                                      version, ArchiveFormatVersion),
                          path.string());
    return document;
}

/// The master key itself (to wrap it anew), from the wrapping named `wrapper`.
Result<crypto::Key> unwrap_master(const nlohmann::json& document, const std::filesystem::path& directory,
                                  const crypto::Key& wrapping_key, std::string_view wrapper) {
    try {
        std::string archive_id = document.at("archive_id").get<std::string>();
        auto wrapped = crypto::from_base64(document.at("wrapped_master_keys").at(std::string(wrapper)).get<std::string>());
        if (!wrapped)
            return make_error(ErrorCode::Corrupt, "the archive file is damaged (wrapped key)",
                              (directory / ArchiveFileName).string());
        auto master_bytes = crypto::aead_open(wrapping_key, *wrapped, wrap_associated_data(archive_id, wrapper));
        if (!master_bytes || master_bytes->size() != 32)
            return make_error(ErrorCode::CryptoFailure,
                              wrapper == "passphrase" ? "wrong passphrase for this archive"
                                                      : "wrong recovery key for this archive",
                              directory.string());
        crypto::Key master{};
        std::copy(master_bytes->begin(), master_bytes->end(), reinterpret_cast<char*>(master.data()));
        crypto::wipe(std::span(reinterpret_cast<std::uint8_t*>(master_bytes->data()), master_bytes->size()));
        return master;
    } catch (const nlohmann::json::exception& error) {
        return make_error(ErrorCode::Corrupt, fmt::format("the archive file is damaged ({})", error.what()),
                          (directory / ArchiveFileName).string());
    }
}

Result<ArchiveKeys> unwrap(const nlohmann::json& document, const std::filesystem::path& directory,
                           const crypto::Key& wrapping_key, std::string_view wrapper) {
    crypto::Key master = CAIRN_TRY(unwrap_master(document, directory, wrapping_key, wrapper));
    // unwrap_master has read the archive id already; it cannot be missing here.
    auto keys = derive_keys(master, document.at("archive_id").get<std::string>());
    crypto::wipe(master);
    return keys;
}

Result<crypto::PassphraseKdfParameters> kdf_parameters(const nlohmann::json& document,
                                                       const std::filesystem::path& directory) {
    crypto::PassphraseKdfParameters kdf;
    try {
        const auto& parameters = document.at("kdf");
        if (parameters.at("algorithm").get<std::string>() != "argon2id")
            return make_error(ErrorCode::Unsupported, "unknown passphrase key derivation", directory.string());
        kdf.time_cost = parameters.at("time_cost").get<std::uint32_t>();
        kdf.memory_kib = parameters.at("memory_kib").get<std::uint32_t>();
        kdf.parallelism = parameters.at("parallelism").get<std::uint32_t>();
        kdf.salt = CAIRN_TRY(crypto::from_base64(parameters.at("salt").get<std::string>()));
    } catch (const nlohmann::json::exception& error) {
        return make_error(ErrorCode::Corrupt, fmt::format("the archive file is damaged ({})", error.what()),
                          (directory / ArchiveFileName).string());
    }
    return kdf;
}

crypto::Key recovery_wrapping_key(std::string_view recovery_key) {
    std::string normalized;
    for (char c : recovery_key)
        if (c != '-' && c != ' ')
            normalized.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    auto digest = crypto::sha256("cairn recovery key v1|" + normalized);
    return digest;
}

}  // namespace

Result<CreatedKeys> create_archive_keys(const std::filesystem::path& archive_directory, std::string_view passphrase,
                                        const crypto::PassphraseKdfParameters& kdf_defaults) {
    crypto::PassphraseKdfParameters kdf = kdf_defaults;
    std::array<std::uint8_t, 16> salt{};
    crypto::random_bytes(salt);
    kdf.salt.assign(reinterpret_cast<const char*>(salt.data()), salt.size());

    std::array<std::uint8_t, 16> id_bytes{};
    crypto::random_bytes(id_bytes);
    std::string archive_id = crypto::to_hex(id_bytes);

    crypto::Key master = crypto::random_key();
    crypto::Key passphrase_key = CAIRN_TRY(crypto::derive_key_from_passphrase(passphrase, kdf));
    std::array<std::uint8_t, 20> recovery_bytes{};
    crypto::random_bytes(recovery_bytes);
    std::string recovery_hex = crypto::to_hex(recovery_bytes);
    std::string recovery_key;
    for (std::size_t i = 0; i < recovery_hex.size(); i += 8) {
        if (!recovery_key.empty())
            recovery_key.push_back('-');
        recovery_key += recovery_hex.substr(i, 8);
    }

    std::string_view master_view(reinterpret_cast<const char*>(master.data()), master.size());
    nlohmann::json document = {
        {"format", "cairn archive"},
        {"format_version", ArchiveFormatVersion},
        {"archive_id", archive_id},
        {"created", static_cast<std::int64_t>(::time(nullptr))},
        {"kdf",
         {{"algorithm", "argon2id"},
          {"time_cost", kdf.time_cost},
          {"memory_kib", kdf.memory_kib},
          {"parallelism", kdf.parallelism},
          {"salt", crypto::to_base64(kdf.salt)}}},
        {"wrapped_master_keys",
         {{"passphrase", crypto::to_base64(crypto::aead_seal(passphrase_key, master_view,
                                                             wrap_associated_data(archive_id, "passphrase")))},
          {"recovery", crypto::to_base64(crypto::aead_seal(recovery_wrapping_key(recovery_key), master_view,
                                                           wrap_associated_data(archive_id, "recovery")))}}},
    };
    CAIRN_TRY_VOID(write_file_durably(archive_directory / ArchiveFileName, document.dump(2) + "\n"));
    CreatedKeys created{derive_keys(master, archive_id), recovery_key};
    crypto::wipe(master);
    crypto::wipe(passphrase_key);
    return created;
}

Result<ArchiveKeys> unlock_archive_keys(const std::filesystem::path& archive_directory, std::string_view passphrase) {
    auto document = CAIRN_TRY(read_archive_file(archive_directory));
    auto kdf = CAIRN_TRY(kdf_parameters(document, archive_directory));
    crypto::Key passphrase_key = CAIRN_TRY(crypto::derive_key_from_passphrase(passphrase, kdf));
    auto keys = unwrap(document, archive_directory, passphrase_key, "passphrase");
    crypto::wipe(passphrase_key);
    return keys;
}

Result<std::string> read_archive_id(const std::filesystem::path& archive_directory) {
    auto document = CAIRN_TRY(read_archive_file(archive_directory));
    auto found = document.find("archive_id");
    if (found == document.end() || !found->is_string())
        return make_error(ErrorCode::Corrupt, "the archive file is damaged (no archive id)",
                          (archive_directory / ArchiveFileName).string());
    return found->get<std::string>();
}

Result<void> change_passphrase(const std::filesystem::path& archive_directory, std::string_view current,
                               Credential credential, std::string_view new_passphrase) {
    if (new_passphrase.empty())
        return make_error(ErrorCode::InvalidArgument, "the new passphrase must not be empty");
    auto document = CAIRN_TRY(read_archive_file(archive_directory));
    crypto::Key master{};
    if (credential == Credential::RecoveryKey) {
        master = CAIRN_TRY(unwrap_master(document, archive_directory, recovery_wrapping_key(current), "recovery"));
    } else {
        auto kdf = CAIRN_TRY(kdf_parameters(document, archive_directory));
        crypto::Key current_key = CAIRN_TRY(crypto::derive_key_from_passphrase(current, kdf));
        master = CAIRN_TRY(unwrap_master(document, archive_directory, current_key, "passphrase"));
        crypto::wipe(current_key);
    }
    // A fresh salt: the new passphrase's key has nothing in common with the old one's.
    crypto::PassphraseKdfParameters kdf;
    std::array<std::uint8_t, 16> salt{};
    crypto::random_bytes(salt);
    kdf.salt.assign(reinterpret_cast<const char*>(salt.data()), salt.size());
    crypto::Key new_key = CAIRN_TRY(crypto::derive_key_from_passphrase(new_passphrase, kdf));
    std::string archive_id = document.at("archive_id").get<std::string>();
    std::string_view master_view(reinterpret_cast<const char*>(master.data()), master.size());
    document["kdf"] = {{"algorithm", "argon2id"},
                       {"time_cost", kdf.time_cost},
                       {"memory_kib", kdf.memory_kib},
                       {"parallelism", kdf.parallelism},
                       {"salt", crypto::to_base64(kdf.salt)}};
    document["wrapped_master_keys"]["passphrase"] =
        crypto::to_base64(crypto::aead_seal(new_key, master_view, wrap_associated_data(archive_id, "passphrase")));
    crypto::wipe(master);
    crypto::wipe(new_key);
    // Written beside, then renamed over: a crash leaves the old file or the new one, never half.
    auto path = archive_directory / ArchiveFileName;
    auto temporary = archive_directory / (std::string(ArchiveFileName) + ".new");
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    CAIRN_TRY_VOID(write_file_durably(temporary, document.dump(2) + "\n"));
    if (::rename(temporary.c_str(), path.c_str()) != 0)
        return make_errno_error(errno, "cannot replace the archive file", path.string());
    int directory = ::open(archive_directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory >= 0) {
        ::fsync(directory);
        ::close(directory);
    }
    return {};
}

Result<ArchiveKeys> unlock_archive_keys_with_recovery(const std::filesystem::path& archive_directory,
                                                      std::string_view recovery_key) {
    auto document = CAIRN_TRY(read_archive_file(archive_directory));
    return unwrap(document, archive_directory, recovery_wrapping_key(recovery_key), "recovery");
}

}  // namespace cairn::store
