// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/panels/html_view.h"

#include <cstdlib>

#include <wx/html/htmlwin.h>
#include <wx/sizer.h>
#include <wx/utils.h>
#include <wx/webview.h>

#include "app/desktop/glue/text.h"

namespace cairn::desktop {
namespace {

/// The address the document is loaded under; the only one the view may show.
constexpr const char* document_address = "about:blank";

/// wxHtmlWindow that loads nothing but the document and inline data: images.
class SealedHtmlWindow : public wxHtmlWindow {
public:
    explicit SealedHtmlWindow(wxWindow* parent) : wxHtmlWindow(parent) {}
    wxHtmlOpeningStatus OnOpeningURL(wxHtmlURLType, const wxString& url, wxString*) const override {
        return url.StartsWith("data:") ? wxHTML_OPEN : wxHTML_BLOCK;
    }
    void OnLinkClicked(const wxHtmlLinkInfo& link) override {
        if (is_openable_link(link.GetHref()))
            wxLaunchDefaultBrowser(link.GetHref());
    }
};

}  // namespace

bool is_openable_link(const wxString& url) {
    const wxString lower = url.Lower();
    return lower.StartsWith("http://") || lower.StartsWith("https://") || lower.StartsWith("mailto:");
}

HtmlView::HtmlView(wxWindow* parent) : wxPanel(parent) { SetSizer(new wxBoxSizer(wxVERTICAL)); }

void HtmlView::create_view() {
    const bool web_view_wanted = !std::getenv("CAIRN_DESKTOP_NO_WEBVIEW");
    if (web_view_wanted && wxWebView::IsBackendAvailable(wxWebViewBackendDefault)) {
        wxWebView* web = wxWebView::New(this, wxID_ANY, document_address);
        web->EnableContextMenu(false);
        web->EnableHistory(false);
        web->Bind(wxEVT_WEBVIEW_NAVIGATING, [](wxWebViewEvent& event) {
            const wxString url = event.GetURL();
            if (url == document_address || url.StartsWith("data:"))
                return;
            event.Veto();
            if (is_openable_link(url))
                wxLaunchDefaultBrowser(url);
        });
        web->Bind(wxEVT_WEBVIEW_NEWWINDOW, [](wxWebViewEvent& event) {
            if (is_openable_link(event.GetURL()))
                wxLaunchDefaultBrowser(event.GetURL());
        });
        m_view = web;
    } else {
        m_view = new SealedHtmlWindow(this);
    }
    m_view->SetName("preview-html");
    GetSizer()->Add(m_view, wxSizerFlags(1).Expand());
    Layout();
}

void HtmlView::show_document(const std::string& utf8_html) {
    if (!m_view)
        create_view();
    if (auto* web = dynamic_cast<wxWebView*>(m_view))
        web->SetPage(to_wx(utf8_html), document_address);
    else if (auto* html = dynamic_cast<wxHtmlWindow*>(m_view))
        html->SetPage(to_wx(utf8_html));
}

}  // namespace cairn::desktop
