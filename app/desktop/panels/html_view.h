// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <wx/panel.h>

#include <string>

namespace cairn::desktop {

/// Shows a sanitised HTML document and nothing else: no navigation away from it, links opened
/// in the user's browser or mail program instead. WebKitGTK when it can run, else wxHtmlWindow
/// (which runs no scripts at all).
class HtmlView : public wxPanel {
public:
    explicit HtmlView(wxWindow* parent);
    void show_document(const std::string& utf8_html);

private:
    /// Made on first use: starting WebKit's processes costs more than the rest of the start-up.
    void create_view();
    wxWindow* m_view = nullptr;
};

/// Whether a link the user clicked in a message may be handed to the desktop (browser, mail program).
bool is_openable_link(const wxString& url);

}  // namespace cairn::desktop
