// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include <wx/dialog.h>

namespace cairn::desktop {

/// One line of the Sources window, ready to show.
struct SourceRow {
    wxString name;
    wxString last_run;
    wxString result;    ///< what the last run brought
    wxString problems;  ///< empty: none
};

/// "Sources": each mail file, folder, profile and account Cairn archives, with how its last run went.
class SourcesDialog : public wxDialog {
public:
    SourcesDialog(wxWindow* parent, const std::vector<SourceRow>& rows);
};

}  // namespace cairn::desktop
