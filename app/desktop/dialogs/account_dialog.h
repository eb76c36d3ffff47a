// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <wx/dialog.h>

#include "app/desktop/models/archive_run.h"
#include "core/archive/archive.h"

class wxChoice;
class wxCheckBox;
class wxTextCtrl;
class wxStaticText;

namespace cairn::desktop {


/// "Add mail account": the kind of account, its server (filled in for the kind), the login and
/// password; folder rules and a self-signed server's fingerprint under "Advanced".
class AccountDialog : public wxDialog {
public:
    /// USER: the archive user the account's mail is kept for.
    AccountDialog(wxWindow* parent, const std::string& user);

    /// The account as entered; nullopt after telling the person what is missing.
    std::optional<NewAccount> account();

private:
    void on_kind_chosen();
    bool is_oauth() const;

    std::string m_user;
    wxChoice* m_kind = nullptr;
    wxTextCtrl* m_name = nullptr;
    wxTextCtrl* m_server = nullptr;
    wxTextCtrl* m_port = nullptr;
    wxChoice* m_security = nullptr;
    wxTextCtrl* m_login = nullptr;
    wxTextCtrl* m_password = nullptr;
    wxStaticText* m_password_label = nullptr;
    wxStaticText* m_browser_note = nullptr;
    wxTextCtrl* m_include = nullptr;
    wxTextCtrl* m_exclude = nullptr;
    wxCheckBox* m_keep_trash = nullptr;
    wxTextCtrl* m_fingerprint = nullptr;
    wxCheckBox* m_plain_password = nullptr;
};

}  // namespace cairn::desktop
