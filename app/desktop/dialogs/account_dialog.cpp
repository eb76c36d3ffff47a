// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/dialogs/account_dialog.h"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/collpane.h>
#include <wx/intl.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "app/desktop/glue/text.h"

namespace cairn::desktop {
namespace {

/// The kinds in the order of the choice, with what each fills in (the person may change it).
struct AccountKind {
    accounts::Protocol protocol;
    accounts::SignIn sign_in;
    const char* server;
    std::uint16_t port;
};
constexpr AccountKind kinds[] = {
    {accounts::Protocol::Imap, accounts::SignIn::Password, "", 993},
    {accounts::Protocol::Pop3, accounts::SignIn::Password, "", 995},
    {accounts::Protocol::Imap, accounts::SignIn::Google, "imap.gmail.com", 993},
    {accounts::Protocol::Imap, accounts::SignIn::Microsoft, "outlook.office365.com", 993},
};
constexpr accounts::Security securities[] = {accounts::Security::Tls, accounts::Security::StartTls,
                                             accounts::Security::None};

/// "INBOX, Work/*" -> {"INBOX", "Work/*"}.
std::vector<std::string> folder_list(const wxString& text) {
    std::vector<std::string> folders;
    for (wxString part : wxSplit(text, ',', '\0')) {
        part.Trim(true).Trim(false);
        if (!part.empty())
            folders.push_back(to_utf8(part));
    }
    return folders;
}

wxTextCtrl* add_field(wxWindow* parent, wxFlexGridSizer* grid, const wxString& label, const char* name,
                      long style = 0, wxStaticText** label_out = nullptr) {
    auto* text = new wxStaticText(parent, wxID_ANY, label);
    auto* field = new wxTextCtrl(parent, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize, style);
    field->SetName(name);
    grid->Add(text, wxSizerFlags().CenterVertical());
    grid->Add(field, wxSizerFlags(1).Expand());
    if (label_out)
        *label_out = text;
    return field;
}

}  // namespace

AccountDialog::AccountDialog(wxWindow* parent, const std::string& user)
    : wxDialog(parent, wxID_ANY, _("Add mail account"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_user(user) {
    SetName("account-dialog");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* grid = new wxFlexGridSizer(2, FromDIP(wxSize(8, 6)));
    grid->AddGrowableCol(1);

    const wxString kind_names[] = {_("IMAP"), _("POP3"), _("Gmail"), _("Microsoft 365 / Outlook.com")};
    m_kind = new wxChoice(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, 4, kind_names);
    m_kind->SetName("account-kind");
    grid->Add(new wxStaticText(this, wxID_ANY, _("Kind of account:")), wxSizerFlags().CenterVertical());
    grid->Add(m_kind, wxSizerFlags(1).Expand());
    m_name = add_field(this, grid, _("Name (also its folder in the archive):"), "account-name");
    m_server = add_field(this, grid, _("Server:"), "account-server");
    m_port = add_field(this, grid, _("Port:"), "account-port");
    const wxString security_names[] = {_("TLS"), _("STARTTLS"), _("None (test servers only)")};
    m_security = new wxChoice(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, 3, security_names);
    m_security->SetName("account-security");
    grid->Add(new wxStaticText(this, wxID_ANY, _("Security:")), wxSizerFlags().CenterVertical());
    grid->Add(m_security, wxSizerFlags(1).Expand());
    m_login = add_field(this, grid, _("Login (often the address):"), "account-login");
    m_password = add_field(this, grid, _("Password:"), "account-password", wxTE_PASSWORD, &m_password_label);
    sizer->Add(grid, wxSizerFlags().Expand().Border(wxALL, FromDIP(10)));

    m_browser_note = new wxStaticText(this, wxID_ANY,
                                      _("You sign in in your web browser when you press OK; Cairn never sees "
                                        "the password."));
    m_browser_note->Wrap(FromDIP(420));
    sizer->Add(m_browser_note, wxSizerFlags().Expand().Border(wxLEFT | wxRIGHT, FromDIP(10)));

    // The folder rules most people never change, out of the way until asked for.
    auto* advanced = new wxCollapsiblePane(this, wxID_ANY, _("Advanced"));
    advanced->SetName("account-advanced");
    wxWindow* pane = advanced->GetPane();
    auto* advanced_grid = new wxFlexGridSizer(2, FromDIP(wxSize(8, 6)));
    advanced_grid->AddGrowableCol(1);
    m_include = add_field(pane, advanced_grid, _("Only these folders (comma between):"), "account-include");
    m_exclude = add_field(pane, advanced_grid, _("Never these folders:"), "account-exclude");
    m_fingerprint = add_field(pane, advanced_grid, _("Trust the certificate with SHA-256:"), "account-fingerprint");
    m_fingerprint->SetToolTip(_("For a server with a self-signed certificate: its fingerprint, 64 hex digits."));
    auto* pane_sizer = new wxBoxSizer(wxVERTICAL);
    pane_sizer->Add(advanced_grid, wxSizerFlags().Expand());
    m_keep_trash = new wxCheckBox(pane, wxID_ANY, _("Archive the trash and junk folders too"));
    m_keep_trash->SetName("account-keep-trash");
    pane_sizer->Add(m_keep_trash, wxSizerFlags().Border(wxTOP, FromDIP(6)));
    m_plain_password = new wxCheckBox(pane, wxID_ANY, _("Send the password without encryption (security: None)"));
    m_plain_password->SetName("account-plain-password");
    pane_sizer->Add(m_plain_password, wxSizerFlags().Border(wxTOP, FromDIP(6)));
    pane->SetSizer(pane_sizer);
    sizer->Add(advanced, wxSizerFlags().Expand().Border(wxALL, FromDIP(10)));
    advanced->Bind(wxEVT_COLLAPSIBLEPANE_CHANGED, [this](wxCollapsiblePaneEvent&) { Fit(); });

    sizer->Add(CreateSeparatedButtonSizer(wxOK | wxCANCEL), wxSizerFlags().Expand().Border(wxALL, FromDIP(10)));
    FindWindow(wxID_OK)->SetName("account-ok");
    SetSizer(sizer);
    m_kind->SetSelection(0);
    m_security->SetSelection(0);
    on_kind_chosen();
    SetMinSize(FromDIP(wxSize(480, -1)));
    Fit();

    m_kind->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { on_kind_chosen(); });
    m_security->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
        // The standard port of the protection chosen, unless the person typed another.
        const AccountKind& kind = kinds[m_kind->GetSelection()];
        const bool tls = m_security->GetSelection() == 0;
        const bool imap = kind.protocol == accounts::Protocol::Imap;
        m_port->ChangeValue(wxString::Format("%d", imap ? (tls ? 993 : 143) : (tls ? 995 : 110)));
    });
    Bind(wxEVT_BUTTON, [this](wxCommandEvent& event) {
        if (account())
            event.Skip();  // valid: the dialog closes with OK
    }, wxID_OK);
}

bool AccountDialog::is_oauth() const { return kinds[m_kind->GetSelection()].sign_in != accounts::SignIn::Password; }

void AccountDialog::on_kind_chosen() {
    const AccountKind& kind = kinds[m_kind->GetSelection()];
    m_server->ChangeValue(kind.server);
    m_port->ChangeValue(wxString::Format("%u", unsigned(kind.port)));
    m_security->SetSelection(0);
    m_password->Show(!is_oauth());
    m_password_label->Show(!is_oauth());
    m_browser_note->Show(is_oauth());
    Layout();
    Fit();
}

std::optional<NewAccount> AccountDialog::account() {
    const AccountKind& kind = kinds[m_kind->GetSelection()];
    NewAccount account;
    auto& settings = account.settings;
    settings.name = to_utf8(m_name->GetValue().Strip(wxString::both));
    settings.protocol = kind.protocol;
    settings.sign_in = kind.sign_in;
    settings.host = to_utf8(m_server->GetValue().Strip(wxString::both));
    unsigned long port = 0;
    settings.port = m_port->GetValue().ToULong(&port) && port < 65536 ? static_cast<std::uint16_t>(port) : 0;
    settings.security = securities[m_security->GetSelection()];
    settings.login = to_utf8(m_login->GetValue().Strip(wxString::both));
    settings.user = m_user;
    settings.include_folders = folder_list(m_include->GetValue());
    settings.exclude_folders = folder_list(m_exclude->GetValue());
    settings.skip_trash_and_junk = !m_keep_trash->GetValue();
    settings.allow_plaintext_password = m_plain_password->GetValue();
    wxString fingerprint = m_fingerprint->GetValue();
    fingerprint.Replace(":", "");
    fingerprint.Replace(" ", "");
    if (!fingerprint.empty())
        settings.trusted_certificate_sha256 = to_utf8(fingerprint.Lower());
    if (!is_oauth())
        account.secret.password = to_utf8(m_password->GetValue());

    wxString problem;
    if (settings.name.empty())
        problem = _("Give the account a name, such as \"Work\".");
    else if (settings.login.empty())
        problem = _("Fill in the login: usually your email address.");
    else if (!is_oauth() && account.secret.password.empty())
        problem = _("Fill in the password of the account.");
    else if (auto valid = accounts::validate(settings); !valid)
        problem = describe_error(valid.error());
    if (!problem.empty()) {
        wxMessageBox(problem, _("Add mail account"), wxOK | wxICON_INFORMATION, this);
        return std::nullopt;
    }
    return account;
}

}  // namespace cairn::desktop
