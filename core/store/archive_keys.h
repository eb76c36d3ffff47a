// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string>

#include "core/base/result.h"
#include "core/crypto/crypto.h"

namespace cairn::store {

/// The keys derived from an archive's master key; each has one purpose.
struct ArchiveKeys {
    crypto::Key data;       ///< seals pack records (AES-256-GCM)
    crypto::Key dedup;      ///< keys the HMAC that identifies part bodies and messages
    std::string archive_id; ///< 32 hex digits, also bound into every wrapped key
};

struct CreatedKeys {
    ArchiveKeys keys;
    /// Shown to the user once at creation: unlocks the archive if the passphrase is lost.
    std::string recovery_key;
};

/// Writes DIR/cairn.archive: format version, archive id, Argon2id parameters and the master key
/// wrapped by the passphrase-derived key and by a fresh recovery key.
Result<CreatedKeys> create_archive_keys(const std::filesystem::path& archive_directory, std::string_view passphrase,
                                        const crypto::PassphraseKdfParameters& kdf = {});

/// Reads DIR/cairn.archive and unwraps the master key. CryptoFailure on a wrong passphrase.
Result<ArchiveKeys> unlock_archive_keys(const std::filesystem::path& archive_directory, std::string_view passphrase);

/// The archive's id from DIR/cairn.archive, without unlocking anything.
Result<std::string> read_archive_id(const std::filesystem::path& archive_directory);

enum class Credential { Passphrase, RecoveryKey };

/// Wraps the master key under a new passphrase (fresh salt), after unlocking it with `current`:
/// the passphrase, or the recovery key. Nothing is re-encrypted; the recovery key stays valid.
/// The archive file is replaced atomically. CryptoFailure when `current` is wrong.
Result<void> change_passphrase(const std::filesystem::path& archive_directory, std::string_view current,
                               Credential credential, std::string_view new_passphrase);

/// Unwraps with the recovery key instead of the passphrase.
Result<ArchiveKeys> unlock_archive_keys_with_recovery(const std::filesystem::path& archive_directory,
                                                      std::string_view recovery_key);

inline constexpr int ArchiveFormatVersion = 1;
inline constexpr const char* ArchiveFileName = "cairn.archive";

}  // namespace cairn::store
