// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <wx/window.h>

#include "core/archive/archive.h"

namespace cairn::desktop {

/// Whether unlocked keys may be kept in the kernel keyring (CAIRN_KEY_CACHE=0 or off: never),
/// as for the command line.
bool key_cache_enabled();

/// Opens the archive in DIRECTORY: with REMEMBERED (or $CAIRN_PASSPHRASE) when set, else from
/// the key cache, else by asking in a dialog until the passphrase fits or the user gives up.
/// A passphrase that worked is kept in REMEMBERED, so a second open (the import's writer) does
/// not ask again.
Result<Archive> open_archive_asking(wxWindow* parent, const std::filesystem::path& directory, Access access,
                                    std::optional<std::string>& remembered);

}  // namespace cairn::desktop
