// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/dialogs/setup_wizard.h"

#include <fstream>

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/clipbrd.h>
#include <wx/dirdlg.h>
#include <wx/filedlg.h>
#include <wx/intl.h>
#include <wx/msgdlg.h>
#include <wx/radiobut.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/wizard.h>

#include "app/desktop/dialogs/passphrase_strength.h"
#include "app/desktop/dialogs/unlock_dialog.h"
#include "app/desktop/glue/text.h"
#include "app/desktop/main_frame.h"
#include "core/archive/archive.h"
#include "core/sources/apple_mail/store_discovery.h"
#include "core/sources/outlook/data_file_discovery.h"
#include "core/sources/thunderbird/profile_discovery.h"

namespace cairn::desktop {
namespace {

wxStaticText* wrapped_text(wxWindow* parent, const wxString& text) {
    auto* label = new wxStaticText(parent, wxID_ANY, text);
    label->Wrap(parent->FromDIP(460));
    return label;
}

/// A wizard page's vertical sizer, opened by the page's explanation.
wxBoxSizer* page_sizer(wxWindow* page, const wxString& explanation) {
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(wrapped_text(page, explanation), wxSizerFlags().Border(wxBOTTOM));
    return sizer;
}

wxString strength_hint(PassphraseStrength strength) {
    switch (strength) {
    case PassphraseStrength::TooShort: return _("Too short: use at least 8 characters.");
    case PassphraseStrength::Weak: return _("Weak: add length, or mix letters, digits and signs.");
    case PassphraseStrength::Fair: return _("Fair: a few more words would make it strong.");
    case PassphraseStrength::Strong: return _("Strong.");
    }
    return {};
}

class LocationPage : public wxWizardPageSimple {
public:
    LocationPage(wxWizard* wizard, const std::filesystem::path& default_directory) : wxWizardPageSimple(wizard) {
        auto* sizer = page_sizer(this, _("Cairn keeps an encrypted copy of your mail in one folder on this computer. "
                                        "Where should it live?"));
        m_create = new wxRadioButton(this, wxID_ANY, _("Create a new archive"), wxDefaultPosition, wxDefaultSize,
                                     wxRB_GROUP);
        m_create->SetName("create-archive");
        m_existing = new wxRadioButton(this, wxID_ANY, _("Open an existing archive"));
        m_existing->SetName("open-existing-archive");
        sizer->Add(m_create, wxSizerFlags().Border(wxBOTTOM, FromDIP(4)));
        sizer->Add(m_existing, wxSizerFlags().Border(wxBOTTOM));
        auto* row = new wxBoxSizer(wxHORIZONTAL);
        m_directory = new wxTextCtrl(this, wxID_ANY, path_to_wx(default_directory));
        m_directory->SetName("archive-directory");
        auto* choose = new wxButton(this, wxID_ANY, _("Choose..."));
        row->Add(m_directory, wxSizerFlags(1).CenterVertical());
        row->Add(choose, wxSizerFlags().Border(wxLEFT, FromDIP(6)));
        sizer->Add(row, wxSizerFlags().Expand());
        SetSizerAndFit(sizer);
        choose->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            wxDirDialog dialog(this, _("Choose the archive folder"), m_directory->GetValue());
            if (dialog.ShowModal() == wxID_OK)
                m_directory->SetValue(dialog.GetPath());
        });
    }
    bool opens_existing() const { return m_existing->GetValue(); }
    std::filesystem::path directory() const { return wx_to_path(m_directory->GetValue().Strip(wxString::both)); }

private:
    wxRadioButton* m_create;
    wxRadioButton* m_existing;
    wxTextCtrl* m_directory;
};

class PassphrasePage : public wxWizardPageSimple {
public:
    explicit PassphrasePage(wxWizard* wizard) : wxWizardPageSimple(wizard) {
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        m_explanation = wrapped_text(this, wxString());
        sizer->Add(m_explanation, wxSizerFlags().Border(wxBOTTOM));
        auto* grid = new wxFlexGridSizer(2, FromDIP(wxSize(8, 6)));
        grid->AddGrowableCol(1);
        m_passphrase = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize, wxTE_PASSWORD);
        m_passphrase->SetName("passphrase");
        m_confirmation = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize, wxTE_PASSWORD);
        m_confirmation->SetName("passphrase-confirmation");
        m_confirmation_label = new wxStaticText(this, wxID_ANY, _("Repeat it:"));
        grid->Add(new wxStaticText(this, wxID_ANY, _("Passphrase:")), wxSizerFlags().CenterVertical());
        grid->Add(m_passphrase, wxSizerFlags().Expand());
        grid->Add(m_confirmation_label, wxSizerFlags().CenterVertical());
        grid->Add(m_confirmation, wxSizerFlags().Expand());
        sizer->Add(grid, wxSizerFlags().Expand());
        m_hint = new wxStaticText(this, wxID_ANY, strength_hint(PassphraseStrength::TooShort));
        sizer->Add(m_hint, wxSizerFlags().Border(wxTOP));
        SetSizerAndFit(sizer);
        m_passphrase->Bind(wxEVT_TEXT, [this](wxCommandEvent&) {
            m_hint->SetLabel(strength_hint(rate_passphrase(to_utf8(m_passphrase->GetValue()))));
        });
    }
    void prepare(bool opens_existing) {
        m_opens_existing = opens_existing;
        m_explanation->SetLabel(opens_existing
                                    ? _("Enter the passphrase of the archive.")
                                    : _("Choose a passphrase. It encrypts everything Cairn keeps; without it (or the "
                                        "recovery key shown next) nobody can read the archive, not even you."));
        m_explanation->Wrap(FromDIP(460));
        m_confirmation->Show(!opens_existing);
        m_confirmation_label->Show(!opens_existing);
        m_hint->Show(!opens_existing);
        Layout();
    }
    /// Why the entry cannot be used, or empty when it can.
    wxString problem() const {
        const std::string passphrase = to_utf8(m_passphrase->GetValue());
        if (m_opens_existing)
            return passphrase.empty() ? _("Enter the passphrase.") : wxString();
        if (rate_passphrase(passphrase) == PassphraseStrength::TooShort)
            return _("The passphrase needs at least 8 characters.");
        if (m_passphrase->GetValue() != m_confirmation->GetValue())
            return _("The two entries differ. Type the passphrase again in both fields.");
        return {};
    }
    std::string passphrase() const { return to_utf8(m_passphrase->GetValue()); }

private:
    bool m_opens_existing = false;
    wxStaticText* m_explanation;
    wxTextCtrl* m_passphrase;
    wxTextCtrl* m_confirmation;
    wxStaticText* m_confirmation_label;
    wxStaticText* m_hint;
};

class RecoveryPage : public wxWizardPageSimple {
public:
    explicit RecoveryPage(wxWizard* wizard) : wxWizardPageSimple(wizard) {
        auto* sizer = page_sizer(this, _("This is your recovery key. It opens the archive if you forget the "
                                        "passphrase. It is shown only now: print it or save it somewhere safe, "
                                        "away from this computer."));
        m_key = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize, wxTE_READONLY | wxTE_MULTILINE);
        m_key->SetName("recovery-key");
        m_key->SetFont(wxFont(wxFontInfo(11).Family(wxFONTFAMILY_TELETYPE)));
        m_key->SetMinSize(FromDIP(wxSize(-1, 60)));
        sizer->Add(m_key, wxSizerFlags().Expand());
        auto* buttons = new wxBoxSizer(wxHORIZONTAL);
        auto* copy = new wxButton(this, wxID_ANY, _("Copy"));
        auto* save = new wxButton(this, wxID_ANY, _("Save to file..."));
        buttons->Add(copy);
        buttons->Add(save, wxSizerFlags().Border(wxLEFT, FromDIP(6)));
        sizer->Add(buttons, wxSizerFlags().Border(wxTOP | wxBOTTOM));
        m_kept = new wxCheckBox(this, wxID_ANY, _("I have kept it"));
        m_kept->SetName("kept-recovery-key");
        sizer->Add(m_kept);
        SetSizerAndFit(sizer);
        copy->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            if (wxClipboardLocker locker; !!locker)
                wxTheClipboard->SetData(new wxTextDataObject(m_key->GetValue()));
        });
        save->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { save_to_file(); });
        m_kept->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { update_next_button(); });
    }
    void set_key(const std::string& key) { m_key->SetValue(to_wx(key)); }
    bool kept() const { return m_kept->GetValue(); }
    void update_next_button() {
        if (auto* next = GetParent()->FindWindow(wxID_FORWARD))
            next->Enable(kept());
    }

private:
    void save_to_file() {
        wxFileDialog dialog(this, _("Save the recovery key"), {}, "cairn-recovery-key.txt",
                            _("Text files (*.txt)|*.txt"), wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
        if (dialog.ShowModal() != wxID_OK)
            return;
        std::ofstream out(wx_to_path(dialog.GetPath()), std::ios::binary | std::ios::trunc);
        out << to_utf8(m_key->GetValue()) << '\n';
        if (!out.flush())
            wxMessageBox(wxString::Format(_("Could not write %s. Choose another place, or copy the key instead."),
                                          dialog.GetPath()),
                         _("Recovery key not saved"), wxOK | wxICON_ERROR, this);
    }
    wxTextCtrl* m_key;
    wxCheckBox* m_kept;
};

class SourcesPage : public wxWizardPageSimple {
public:
    explicit SourcesPage(wxWizard* wizard) : wxWizardPageSimple(wizard) {
        auto* sizer = page_sizer(this, _("What should Cairn keep? These are the mail programs' data found on this "
                                        "computer. Untick what you do not want archived."));
        m_list = new wxCheckListBox(this, wxID_ANY);
        m_list->SetName("sources");
        m_list->SetMinSize(FromDIP(wxSize(460, 160)));
        sizer->Add(m_list, wxSizerFlags(1).Expand());
        auto* buttons = new wxBoxSizer(wxHORIZONTAL);
        auto* add_files = new wxButton(this, wxID_ANY, _("Add mail files..."));
        auto* add_folder = new wxButton(this, wxID_ANY, _("Add folder..."));
        auto* add_account = new wxButton(this, wxID_ANY, _("Add mail account..."));
        add_account->SetName("wizard-add-account");
        buttons->Add(add_files);
        buttons->Add(add_folder, wxSizerFlags().Border(wxLEFT, FromDIP(6)));
        buttons->Add(add_account, wxSizerFlags().Border(wxLEFT, FromDIP(6)));
        sizer->Add(buttons, wxSizerFlags().Border(wxTOP));
        SetSizerAndFit(sizer);
        add_files->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            wxFileDialog dialog(this, _("Add mail files"), {}, {},
                                _("Mail files (*.mbox;*.eml;*.pst;*.ost)|*.mbox;*.eml;*.pst;*.ost|All files|*"),
                                wxFD_OPEN | wxFD_MULTIPLE | wxFD_FILE_MUST_EXIST);
            if (dialog.ShowModal() != wxID_OK)
                return;
            wxArrayString paths;
            dialog.GetPaths(paths);
            for (const auto& path : paths)
                append_source(*m_list, wx_to_path(path), path);
        });
        add_account->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            AccountDialog dialog(this, operating_system_user());
            if (dialog.ShowModal() != wxID_OK)
                return;
            if (auto account = dialog.account()) {
                const wxString label = wxString::Format(_("Mail account %s (%s on %s)"), to_wx(account->settings.name),
                                                        to_wx(account->settings.login), to_wx(account->settings.host));
                // No client data: ticked() lists paths only; the accounts are kept beside.
                const int index = m_list->Append(label);
                m_list->Check(static_cast<unsigned>(index));
                m_accounts.emplace_back(static_cast<unsigned>(index), std::move(*account));
            }
        });
        add_folder->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            wxDirDialog dialog(this, _("Add a folder of mail (maildir, mbox files, .eml files)"));
            if (dialog.ShowModal() == wxID_OK)
                append_source(*m_list, wx_to_path(dialog.GetPath()), dialog.GetPath());
        });
        discover();
    }
    std::vector<std::filesystem::path> ticked() const {
        std::vector<std::filesystem::path> paths;
        // A list holding only mail accounts has no client data at all, and wx asserts when asked for it.
        if (!m_list->HasClientObjectData())
            return paths;
        for (unsigned index = 0; index < m_list->GetCount(); ++index)
            if (m_list->IsChecked(index))
                if (auto* data = dynamic_cast<wxStringClientData*>(m_list->GetClientObject(index)))
                    paths.push_back(wx_to_path(data->GetData()));
        return paths;
    }
    std::vector<NewAccount> ticked_accounts() const {
        std::vector<NewAccount> accounts;
        for (const auto& [index, account] : m_accounts)
            if (m_list->IsChecked(index))
                accounts.push_back(account);
        return accounts;
    }

private:
    void discover() {
        const sources::UserPlaces places = sources::UserPlaces::of_current_user();
        for (const auto& profile : sources::thunderbird::find_thunderbird_profiles(places).profiles)
            append_source(*m_list, profile.path,
                          wxString::Format(_("Thunderbird profile %s (%s)"), to_wx(profile.name),
                                           path_to_wx(profile.path)));
        for (const auto& file : sources::outlook::find_outlook_data_files(places, {}))
            append_source(*m_list, file.path,
                          wxString::Format(_("Outlook data file %s (%s)"), path_to_wx(file.path),
                                           format_size(file.size)));
        for (const auto& store : sources::apple_mail::find_apple_mail_stores(places))
            append_source(*m_list, store.path, wxString::Format(_("Apple Mail (%s)"), path_to_wx(store.path)));
    }
    wxCheckListBox* m_list;
    std::vector<std::pair<unsigned, NewAccount>> m_accounts;  ///< list index, account
};

/// The wizard, with the decisions that need more than one page.
class SetupWizard : public wxWizard {
public:
    SetupWizard(wxWindow* parent, const std::filesystem::path& default_directory)
        : wxWizard(parent, wxID_ANY, _("Welcome to Cairn")) {
        SetName("setup-wizard");
        m_location = new LocationPage(this, default_directory);
        m_passphrase = new PassphrasePage(this);
        m_recovery = new RecoveryPage(this);
        m_sources = new SourcesPage(this);
        wxWizardPageSimple::Chain(m_location, m_passphrase);
        wxWizardPageSimple::Chain(m_passphrase, m_recovery);
        wxWizardPageSimple::Chain(m_recovery, m_sources);
        // Sized for the largest page up front: a wizard that grows between pages jumps on screen.
        for (wxWizardPage* page : {static_cast<wxWizardPage*>(m_location), static_cast<wxWizardPage*>(m_passphrase),
                                   static_cast<wxWizardPage*>(m_recovery), static_cast<wxWizardPage*>(m_sources)})
            GetPageAreaSizer()->Add(page);
        Bind(wxEVT_WIZARD_PAGE_CHANGING, &SetupWizard::on_page_changing, this);
        Bind(wxEVT_WIZARD_PAGE_CHANGED, &SetupWizard::on_page_changed, this);
    }
    std::optional<SetupChoice> run() {
        const bool finished = RunWizard(m_location);
        // Cancelled after the archive was made: it exists all the same, only with nothing to keep yet.
        if (m_choice.directory.empty())
            return std::nullopt;
        if (finished) {
            m_choice.sources = m_sources->ticked();
            m_choice.accounts = m_sources->ticked_accounts();
        }
        return m_choice;
    }

private:
    void on_page_changing(wxWizardEvent& event) {
        if (!event.GetDirection()) {
            // The archive exists once the recovery key is shown; going back cannot undo that.
            if (event.GetPage() == m_recovery || (event.GetPage() == m_sources && !m_choice.directory.empty()))
                event.Veto();
            return;
        }
        if (event.GetPage() == m_location)
            m_passphrase->prepare(m_location->opens_existing());
        else if (event.GetPage() == m_passphrase && !settle_archive())
            event.Veto();
        else if (event.GetPage() == m_recovery && !m_recovery->kept())
            event.Veto();
    }
    void on_page_changed(wxWizardEvent& event) {
        if (event.GetPage() == m_recovery)
            m_recovery->update_next_button();
    }
    /// Creates the archive, or checks the existing one opens; false (after saying why) if not.
    bool settle_archive() {
        if (const wxString problem = m_passphrase->problem(); !problem.empty()) {
            wxMessageBox(problem, _("Passphrase"), wxOK | wxICON_INFORMATION, this);
            return false;
        }
        const std::filesystem::path directory = m_location->directory();
        if (m_location->opens_existing()) {
            auto archive = Archive::open(directory, m_passphrase->passphrase(), Access::ReadOnly);
            if (!archive) {
                wxMessageBox(wxString::Format(_("Cannot open the archive in %s: %s"), path_to_wx(directory),
                                              describe_error(archive.error())),
                             _("Open archive"), wxOK | wxICON_ERROR, this);
                return false;
            }
            m_choice = {directory, m_passphrase->passphrase(), true, {}, {}};
            // An existing archive's recovery key was shown when it was made.
            wxWizardPageSimple::Chain(m_passphrase, m_sources);
            return true;
        }
        wxBusyCursor busy;
        CreateOptions options;
        options.use_key_cache = key_cache_enabled();
        auto created = Archive::create(directory, m_passphrase->passphrase(), options);
        if (!created) {
            wxMessageBox(wxString::Format(_("Cannot create an archive in %s: %s\nChoose an empty folder you can "
                                            "write to, or open the archive that is there."),
                                          path_to_wx(directory), describe_error(created.error())),
                         _("Create archive"), wxOK | wxICON_ERROR, this);
            return false;
        }
        m_recovery->set_key(created->recovery_key);
        m_choice = {directory, m_passphrase->passphrase(), false, {}, {}};
        return true;
    }

    LocationPage* m_location;
    PassphrasePage* m_passphrase;
    RecoveryPage* m_recovery;
    SourcesPage* m_sources;
    SetupChoice m_choice;
};

}  // namespace

void append_source(wxCheckListBox& list, const std::filesystem::path& path, const wxString& label) {
    const int index = list.Append(label, new wxStringClientData(path_to_wx(path)));
    list.Check(static_cast<unsigned>(index));
}

std::optional<SetupChoice> run_setup_wizard(wxWindow* parent, const std::filesystem::path& default_directory) {
    SetupWizard wizard(parent, default_directory);
    return wizard.run();
}

}  // namespace cairn::desktop
