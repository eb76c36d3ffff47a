// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

/// Keeps an unlocked archive's keys for a while in the kernel's per-user keyring (Linux
/// keyutils), so that commands in a row do not each pay the passphrase key derivation: the
/// gpg-agent idea without a daemon. The keyring is readable only by the same user's processes,
/// never written to disk, and each entry expires after its timeout.
namespace cairn::platform {

/// Whether this system offers the keyring (containers often forbid the system calls).
bool key_cache_available();

/// Stores `secret` under a name derived from `archive_id`, replacing what was there, to expire
/// after `timeout`. Returns false when the keyring is unavailable (caching is an optimisation:
/// nothing else depends on it).
bool remember_secret(std::string_view archive_id, std::string_view secret, std::chrono::seconds timeout);

/// The secret stored for `archive_id`, if it is there and has not expired; its timeout starts
/// over.
std::optional<std::string> recall_secret(std::string_view archive_id, std::chrono::seconds timeout);

/// Removes the stored secret (if any).
void forget_secret(std::string_view archive_id);

}  // namespace cairn::platform
