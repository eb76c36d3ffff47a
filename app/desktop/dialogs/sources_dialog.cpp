// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/dialogs/sources_dialog.h"

#include <wx/intl.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace cairn::desktop {

SourcesDialog::SourcesDialog(wxWindow* parent, const std::vector<SourceRow>& rows)
    : wxDialog(parent, wxID_ANY, _("Sources"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER) {
    SetName("sources-dialog");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(new wxStaticText(this, wxID_ANY,
                                _("What Cairn archives, and how each source's last run went. File > Archive mail "
                                  "now runs them all.")),
               wxSizerFlags().Border(wxALL, FromDIP(10)));
    auto* list = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(760, 220)),
                                wxLC_REPORT | wxLC_SINGLE_SEL);
    list->SetName("sources-list");
    list->AppendColumn(_("Source"), wxLIST_FORMAT_LEFT, FromDIP(300));
    list->AppendColumn(_("Last run"), wxLIST_FORMAT_LEFT, FromDIP(130));
    list->AppendColumn(_("Messages"), wxLIST_FORMAT_LEFT, FromDIP(160));
    list->AppendColumn(_("Problems"), wxLIST_FORMAT_LEFT, FromDIP(160));
    for (const SourceRow& row : rows) {
        const long index = list->InsertItem(list->GetItemCount(), row.name);
        list->SetItem(index, 1, row.last_run);
        list->SetItem(index, 2, row.result);
        list->SetItem(index, 3, row.problems.empty() ? _("none") : row.problems);
    }
    if (rows.empty())
        list->InsertItem(0, _("No sources yet: use File > New archive... or File > Add mail account..."));
    sizer->Add(list, wxSizerFlags(1).Expand().Border(wxLEFT | wxRIGHT, FromDIP(10)));
    sizer->Add(CreateSeparatedButtonSizer(wxOK), wxSizerFlags().Expand().Border(wxALL, FromDIP(10)));
    FindWindow(wxID_OK)->SetName("sources-ok");
    SetSizerAndFit(sizer);
}

}  // namespace cairn::desktop
