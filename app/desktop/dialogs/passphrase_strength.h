// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace cairn::desktop {

enum class PassphraseStrength { TooShort, Weak, Fair, Strong };

/// The shortest passphrase the wizard accepts: the archive key is only as strong as it.
inline constexpr std::size_t minimum_passphrase_length = 8;

/// A hint from length and character classes (lower, upper, digits, others; any non-ASCII
/// letter counts as "other"). Length in characters, not bytes, so "äöüßäöüß" is 8.
PassphraseStrength rate_passphrase(std::string_view utf8);

}  // namespace cairn::desktop
