// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/dialogs/unlock_dialog.h"

#include <cstdlib>

#include <wx/intl.h>
#include <wx/msgdlg.h>
#include <wx/textdlg.h>

#include "app/desktop/glue/text.h"

namespace cairn::desktop {

bool key_cache_enabled() {
    const char* setting = std::getenv("CAIRN_KEY_CACHE");
    return !(setting && (std::string_view(setting) == "0" || std::string_view(setting) == "off"));
}

Result<Archive> open_archive_asking(wxWindow* parent, const std::filesystem::path& directory, Access access,
                                    std::optional<std::string>& remembered) {
    if (!remembered)
        if (const char* from_environment = std::getenv("CAIRN_PASSPHRASE"); from_environment && *from_environment)
            remembered = std::string(from_environment);
    std::optional<std::string> asked;
    Unlock unlock;
    unlock.passphrase = remembered;
    unlock.use_key_cache = key_cache_enabled();
    unlock.ask = [&]() -> Result<std::string> {
        wxPasswordEntryDialog dialog(parent,
                                     wxString::Format(_("Enter the passphrase of the archive in %s."),
                                                      path_to_wx(directory)),
                                     _("Unlock archive"));
        if (dialog.ShowModal() != wxID_OK || dialog.GetValue().empty())
            return make_error(ErrorCode::Cancelled, "no passphrase was given", directory.string());
        asked = to_utf8(dialog.GetValue());
        return *asked;
    };
    // A mistyped passphrase gets two more tries, as at a login prompt.
    for (int attempt = 0;; ++attempt) {
        auto archive = Archive::open(directory, unlock, access);
        if (archive) {
            if (asked)
                remembered = asked;
            return archive;
        }
        const bool wrong_passphrase =
            archive.error().code == ErrorCode::CryptoFailure || archive.error().code == ErrorCode::PermissionDenied;
        if (!wrong_passphrase || attempt == 2 || (!asked && unlock.passphrase))
            return archive;
        wxMessageBox(_("That passphrase does not open this archive. Check the keyboard layout and Caps Lock, "
                       "then try again."),
                     _("Wrong passphrase"), wxOK | wxICON_WARNING, parent);
        asked.reset();
    }
}

}  // namespace cairn::desktop
