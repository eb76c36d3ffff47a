// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

#include <wx/string.h>

namespace cairn::desktop {

/// Makes _() translate into the user's language: the first of $LANGUAGE (the GNU list, which
/// wx does not read itself), else the locale from LC_ALL / LC_MESSAGES / LANG. Catalogs are
/// looked up in locale/ beside the executable (a build tree), then the install prefix.
/// CHOSEN, the language picked in Settings, wins over both when not empty.
void install_translations(const wxString& executable_directory, const std::string& chosen = {});

/// The catalog lookup paths install_translations adds (for tests, which load it themselves).
void add_catalog_paths(const wxString& executable_directory);

inline constexpr const char* catalog_name = "cairn-desktop";

}  // namespace cairn::desktop
