// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <wx/checklst.h>
#include <wx/window.h>

#include "app/desktop/dialogs/account_dialog.h"

namespace cairn::desktop {

/// What the first-start wizard settled: an archive that now exists, how to unlock it, and the
/// mail to keep in it.
struct SetupChoice {
    std::filesystem::path directory;
    std::string passphrase;
    bool opened_existing = false;
    std::vector<std::filesystem::path> sources;
    std::vector<NewAccount> accounts;  ///< added to the archive once it is open
};

/// Runs the wizard (modal). nullopt when the user cancelled before an archive existed or was chosen.
std::optional<SetupChoice> run_setup_wizard(wxWindow* parent, const std::filesystem::path& default_directory);

/// Adds a mail file, folder or profile to the wizard's "What should Cairn keep?" list, ticked.
void append_source(wxCheckListBox& list, const std::filesystem::path& path, const wxString& label);

}  // namespace cairn::desktop
