// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/platform/key_cache.h"

#include <keyutils.h>

#include <string>

namespace cairn::platform {
namespace {

std::string description(std::string_view archive_id) { return "cairn:archive:" + std::string(archive_id); }

key_serial_t find(std::string_view archive_id) {
    return ::keyctl_search(KEY_SPEC_USER_KEYRING, "user", description(archive_id).c_str(), 0);
}

}  // namespace

bool key_cache_available() {
    // Reading the user keyring's id is harmless and fails the same way add_key would.
    return ::keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 0) >= 0;
}

bool remember_secret(std::string_view archive_id, std::string_view secret, std::chrono::seconds timeout) {
    key_serial_t key = ::add_key("user", description(archive_id).c_str(), secret.data(), secret.size(),
                                 KEY_SPEC_USER_KEYRING);
    if (key < 0)
        return false;
    // Only the owner may read it (the default also lets the possessor's "view" through).
    ::keyctl_setperm(key, KEY_POS_ALL | KEY_USR_ALL);
    return ::keyctl_set_timeout(key, static_cast<unsigned>(timeout.count())) == 0;
}

std::optional<std::string> recall_secret(std::string_view archive_id, std::chrono::seconds timeout) {
    key_serial_t key = find(archive_id);
    if (key < 0)
        return std::nullopt;
    void* buffer = nullptr;
    long length = ::keyctl_read_alloc(key, &buffer);
    if (length < 0 || buffer == nullptr)
        return std::nullopt;
    std::string secret(static_cast<const char*>(buffer), static_cast<std::size_t>(length));
    // The buffer held key material: clear it before handing it back to the allocator.
    volatile char* bytes = static_cast<char*>(buffer);
    for (long i = 0; i < length; ++i)
        bytes[i] = 0;
    ::free(buffer);
    ::keyctl_set_timeout(key, static_cast<unsigned>(timeout.count()));
    return secret;
}

void forget_secret(std::string_view archive_id) {
    key_serial_t key = find(archive_id);
    if (key >= 0)
        ::keyctl_invalidate(key);
}

}  // namespace cairn::platform
