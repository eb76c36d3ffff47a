// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/dialogs/settings_dialog.h"

#include <algorithm>

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/intl.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "app/desktop/dialogs/passphrase_strength.h"
#include "app/desktop/glue/text.h"

namespace cairn::desktop {
namespace {

/// The three fields of a passphrase change, in a small dialog of their own.
class ChangePassphraseDialog : public wxDialog {
public:
    using Change = std::function<wxString(const std::string& current, const std::string& replacement)>;
    ChangePassphraseDialog(wxWindow* parent, Change change)
        : wxDialog(parent, wxID_ANY, _("Change passphrase")), m_change(std::move(change)) {
        SetName("change-passphrase-dialog");
        auto* grid = new wxFlexGridSizer(2, FromDIP(wxSize(8, 6)));
        grid->AddGrowableCol(1);
        m_current = add(grid, _("Current passphrase:"), "current-passphrase");
        m_new = add(grid, _("New passphrase:"), "new-passphrase");
        m_again = add(grid, _("New passphrase again:"), "new-passphrase-again");
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        sizer->Add(grid, wxSizerFlags().Expand().Border(wxALL, FromDIP(10)));
        sizer->Add(new wxStaticText(this, wxID_ANY, _("Nothing is encrypted again; the recovery key stays valid.")),
                   wxSizerFlags().Border(wxLEFT | wxRIGHT, FromDIP(10)));
        // Problems show here, beside the fields to correct, and the dialog stays open.
        m_problem = new wxStaticText(this, wxID_ANY, {});
        m_problem->SetName("change-passphrase-problem");
        m_problem->SetForegroundColour(*wxRED);
        sizer->Add(m_problem, wxSizerFlags().Expand().Border(wxLEFT | wxRIGHT | wxTOP, FromDIP(10)));
        sizer->Add(CreateSeparatedButtonSizer(wxOK | wxCANCEL), wxSizerFlags().Expand().Border(wxALL, FromDIP(10)));
        FindWindow(wxID_OK)->SetName("change-passphrase-ok");
        SetSizerAndFit(sizer);
        Bind(wxEVT_BUTTON, [this](wxCommandEvent& event) {
            wxString problem = this->problem();
            if (problem.empty() && m_change)
                problem = m_change(to_utf8(m_current->GetValue()), to_utf8(m_new->GetValue()));
            m_problem->SetLabel(problem);
            m_problem->Wrap(FromDIP(400));
            Fit();
            if (problem.empty())
                event.Skip();  // changed: the dialog closes with OK
        }, wxID_OK);
    }
    wxString problem() const {
        if (m_current->GetValue().empty())
            return _("Enter the current passphrase.");
        if (rate_passphrase(to_utf8(m_new->GetValue())) == PassphraseStrength::TooShort)
            return _("The passphrase needs at least 8 characters.");
        if (m_new->GetValue() != m_again->GetValue())
            return _("The two entries differ. Type the passphrase again in both fields.");
        return {};
    }

private:
    wxTextCtrl* add(wxFlexGridSizer* grid, const wxString& label, const char* name) {
        grid->Add(new wxStaticText(this, wxID_ANY, label), wxSizerFlags().CenterVertical());
        auto* field = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, FromDIP(wxSize(240, -1)), wxTE_PASSWORD);
        field->SetName(name);
        grid->Add(field, wxSizerFlags(1).Expand());
        return field;
    }
    Change m_change;
    wxTextCtrl* m_current;
    wxTextCtrl* m_new;
    wxTextCtrl* m_again;
    wxStaticText* m_problem;
};

}  // namespace

/// The languages with a catalog, as prefs keeps them; the first is the system's.
constexpr const char* language_codes[] = {"", "en", "de"};

SettingsDialog::SettingsDialog(wxWindow* parent, int hours, const std::string& language)
    : wxDialog(parent, wxID_ANY, _("Settings")) {
    SetName("settings-dialog");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* language_row = new wxBoxSizer(wxHORIZONTAL);
    language_row->Add(new wxStaticText(this, wxID_ANY, _("Language:")), wxSizerFlags().CenterVertical());
    // Each language in its own name: someone who cannot read the current one still finds theirs.
    const wxString languages[] = {_("The system's"), "English", "Deutsch"};
    m_language = new wxChoice(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, 3, languages);
    m_language->SetName("language");
    m_language->SetSelection(0);
    for (int index = 0; index < 3; ++index)
        if (language == language_codes[index])
            m_language->SetSelection(index);
    language_row->Add(m_language, wxSizerFlags().CenterVertical().Border(wxLEFT | wxRIGHT, FromDIP(6)));
    language_row->Add(new wxStaticText(this, wxID_ANY, _("(from the next start)")), wxSizerFlags().CenterVertical());
    sizer->Add(language_row, wxSizerFlags().Border(wxLEFT | wxRIGHT | wxTOP, FromDIP(10)));
    auto* schedule = new wxBoxSizer(wxHORIZONTAL);
    schedule->Add(new wxStaticText(this, wxID_ANY, _("Archive mail every")), wxSizerFlags().CenterVertical());
    m_hours = new wxSpinCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, 0, 168, hours);
    m_hours->SetName("schedule-hours");
    schedule->Add(m_hours, wxSizerFlags().CenterVertical().Border(wxLEFT | wxRIGHT, FromDIP(6)));
    schedule->Add(new wxStaticText(this, wxID_ANY, _("hours while Cairn is open (0: only when asked)")),
                  wxSizerFlags().CenterVertical());
    sizer->Add(schedule, wxSizerFlags().Border(wxALL, FromDIP(10)));
    auto* change = new wxButton(this, wxID_ANY, _("Change passphrase..."));
    change->SetName("change-passphrase");
    sizer->Add(change, wxSizerFlags().Border(wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(10)));
    m_status = new wxStaticText(this, wxID_ANY, {});
    m_status->SetName("settings-status");
    sizer->Add(m_status, wxSizerFlags().Expand().Border(wxLEFT | wxRIGHT, FromDIP(10)));
    sizer->Add(CreateSeparatedButtonSizer(wxOK | wxCANCEL), wxSizerFlags().Expand().Border(wxALL, FromDIP(10)));
    FindWindow(wxID_OK)->SetName("settings-ok");
    SetSizerAndFit(sizer);
    change->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { change_passphrase(); });
}

int SettingsDialog::schedule_hours() const { return m_hours->GetValue(); }

std::string SettingsDialog::language() const { return language_codes[std::max(0, m_language->GetSelection())]; }

void SettingsDialog::change_passphrase() {
    ChangePassphraseDialog dialog(this, on_change_passphrase);
    if (dialog.ShowModal() != wxID_OK)
        return;
    m_status->SetLabel(_("The passphrase is changed. The recovery key stays valid."));
    Fit();
}

}  // namespace cairn::desktop
