// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "core/base/result.h"

namespace cairn::sources::thunderbird {

/// Preference name -> value, from a prefs.js. String values are unescaped; numbers and booleans
/// are kept as written ("42", "true").
using Preferences = std::map<std::string, std::string, std::less<>>;

/// Parses the user_pref("name", value); lines of a prefs.js (also pref() and sticky_pref()).
/// Comments and lines that are not preferences are ignored; a later value of a name wins.
Preferences parse_preferences(std::string_view text);

/// Reads and parses PATH (read-only). Errors: NotFound, PermissionDenied, Io, naming PATH.
[[nodiscard]] Result<Preferences> read_preferences(const std::filesystem::path& path);

/// The value of NAME, or "" when it is not set.
std::string preference(const Preferences& preferences, std::string_view name);

}  // namespace cairn::sources::thunderbird
