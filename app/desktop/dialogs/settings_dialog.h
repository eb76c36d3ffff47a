// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <wx/dialog.h>

class wxChoice;
class wxSpinCtrl;
class wxStaticText;

namespace cairn::desktop {

/// Settings: how often mail is archived while the app is open, and the archive's passphrase.
class SettingsDialog : public wxDialog {
public:
    /// HOURS: the current schedule (0: only when asked).
    /// LANGUAGE: as prefs keeps it ("de", "en"; empty: the system's).
    SettingsDialog(wxWindow* parent, int hours, const std::string& language);
    int schedule_hours() const;
    std::string language() const;

    /// Asked for by "Change passphrase...": gets the current and the new passphrase (checked:
    /// long enough, typed twice alike) and returns a problem to show, or an empty text when done.
    std::function<wxString(const std::string& current, const std::string& replacement)> on_change_passphrase;

private:
    void change_passphrase();
    wxSpinCtrl* m_hours = nullptr;
    wxChoice* m_language = nullptr;
    wxStaticText* m_status = nullptr;
};

}  // namespace cairn::desktop
