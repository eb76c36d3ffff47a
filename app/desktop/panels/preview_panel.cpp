// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/panels/preview_panel.h"

#include <wx/button.h>
#include <wx/intl.h>
#include <wx/listbox.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/tglbtn.h>

#include "app/desktop/glue/text.h"
#include "app/desktop/models/results_model.h"
#include "app/desktop/panels/html_view.h"

namespace cairn::desktop {
namespace {
enum HeaderRow { FromRow, ToRow, CcRow, DateRow, SubjectRow, HeaderRowCount };
}

PreviewPanel::PreviewPanel(wxWindow* parent) : wxPanel(parent) {
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    m_header_grid = new wxFlexGridSizer(2, FromDIP(wxSize(8, 2)));
    m_header_grid->AddGrowableCol(1);
    const wxString labels[HeaderRowCount] = {_("From:"), _("To:"), _("Cc:"), _("Date:"), _("Subject:")};
    for (const auto& text : labels) {
        auto* label = new wxStaticText(this, wxID_ANY, text);
        label->SetFont(label->GetFont().Bold());
        auto* value = new wxStaticText(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize,
                                       wxST_ELLIPSIZE_END);
        m_header_grid->Add(label, wxSizerFlags().Right());
        m_header_grid->Add(value, wxSizerFlags().Expand());
        m_headers.emplace_back(label, value);
    }
    m_headers[FromRow].second->SetName("preview-from");
    m_headers[SubjectRow].second->SetName("preview-subject");
    m_headers[SubjectRow].second->SetFont(m_headers[SubjectRow].second->GetFont().Bold());
    auto* header_row = new wxBoxSizer(wxHORIZONTAL);
    header_row->Add(m_header_grid, wxSizerFlags(1).Expand());
    m_html_toggle = new wxToggleButton(this, wxID_ANY, _("HTML"));
    m_html_toggle->SetName("show-html");
    m_html_toggle->SetValue(true);  // as the sender formatted it, when there is HTML
    m_html_toggle->SetToolTip(_("Show the message as its sender formatted it (HTML), or as plain text"));
    header_row->Add(m_html_toggle, wxSizerFlags().Top().Border(wxLEFT, FromDIP(6)));
    sizer->Add(header_row, wxSizerFlags().Expand().Border(wxALL, FromDIP(6)));
    // Not part of the message: why the search listed it, the pane's width wide (a match in an
    // attachment is otherwise a riddle: the text shown does not hold the word).
    m_found = new wxStaticText(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize, wxST_ELLIPSIZE_END);
    m_found->SetName("preview-found");
    m_found->Hide();
    sizer->Add(m_found, wxSizerFlags().Expand().Border(wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6)));

    m_remote_bar = new wxPanel(this);
    m_remote_bar->SetBackgroundColour(wxColour(255, 244, 206));
    auto* remote = new wxBoxSizer(wxHORIZONTAL);
    m_remote_text = new wxStaticText(m_remote_bar, wxID_ANY, {});
    m_remote_text->SetName("remote-images");
    m_remote_text->SetForegroundColour(*wxBLACK);
    auto* show_remote = new wxButton(m_remote_bar, wxID_ANY, _("Show"));
    show_remote->SetName("show-remote-images");
    remote->Add(m_remote_text, wxSizerFlags(1).CenterVertical().Border(wxLEFT, FromDIP(6)));
    remote->Add(show_remote, wxSizerFlags().Border(wxALL, FromDIP(2)));
    m_remote_bar->SetSizer(remote);
    m_remote_bar->Hide();
    sizer->Add(m_remote_bar, wxSizerFlags().Expand());

    // Lines wrap at the pane's edge, at spaces (inside a word only when it is wider than the
    // pane, a long link): mail text is written for a reader's window, not for a fixed width.
    m_body = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize,
                            wxTE_MULTILINE | wxTE_READONLY | wxTE_RICH2 | wxTE_BESTWRAP);
    m_body->SetName("preview-text");
    sizer->Add(m_body, wxSizerFlags(1).Expand());
    m_html = new HtmlView(this);
    m_html->Hide();
    sizer->Add(m_html, wxSizerFlags(1).Expand());

    m_attachment_bar = new wxPanel(this);
    auto* bar = new wxBoxSizer(wxHORIZONTAL);
    m_attachments = new wxListBox(m_attachment_bar, wxID_ANY);
    m_attachments->SetName("attachments");
    m_attachments->SetMinSize(FromDIP(wxSize(-1, 60)));
    auto* buttons = new wxBoxSizer(wxVERTICAL);
    auto* save = new wxButton(m_attachment_bar, wxID_ANY, _("Save..."));
    save->SetName("save-attachment");
    auto* open = new wxButton(m_attachment_bar, wxID_ANY, _("Open"));
    open->SetName("open-attachment");
    buttons->Add(save, wxSizerFlags().Expand());
    buttons->Add(open, wxSizerFlags().Expand().Border(wxTOP, FromDIP(4)));
    bar->Add(m_attachments, wxSizerFlags(1).Expand());
    bar->Add(buttons, wxSizerFlags().Border(wxLEFT, FromDIP(6)));
    m_attachment_bar->SetSizer(bar);
    sizer->Add(m_attachment_bar, wxSizerFlags().Expand().Border(wxALL, FromDIP(6)));
    SetSizer(sizer);

    m_html_toggle->Bind(wxEVT_TOGGLEBUTTON, [this](wxCommandEvent&) { show_body(); });
    show_remote->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        // Remote images tell the sender the message was read, and when: only on request, per message.
        m_allow_remote_images = true;
        show_body();
    });
    save->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (auto index = chosen_attachment(); index && on_save_attachment)
            on_save_attachment(*index);
    });
    open->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (auto index = chosen_attachment(); index && on_open_attachment)
            on_open_attachment(*index);
    });
    m_attachments->Bind(wxEVT_LISTBOX_DCLICK, [this](wxCommandEvent&) {
        if (auto index = chosen_attachment(); index && on_open_attachment)
            on_open_attachment(*index);
    });
    show_note(_("Select a message to read it here."));
}

void PreviewPanel::set_header(int row, const std::string& value) {
    m_headers[row].second->SetLabelText(to_wx(value));
    m_headers[row].first->Show(!value.empty());
    m_headers[row].second->Show(!value.empty());
}

void PreviewPanel::show_match(const std::optional<MatchSummary>& match) {
    m_found->Show(match.has_value());
    if (!match) {
        m_found->SetLabelText({});
        m_found->UnsetToolTip();
        return;
    }
    // Two lines, each cut off at the pane's edge on its own: the place, then the words in bold.
    if (!m_found->SetLabelMarkup("<i>" + escape_markup(match->place) + "</i>\n" + match->markup))
        m_found->SetLabelText(match->place + "\n" + match->text);
    m_found->SetToolTip(match->place + "\n" + match->text);  // the whole excerpt, a hover away
}

void PreviewPanel::show_body() {
    const bool html = m_html_toggle->GetValue() && m_html_source;
    std::size_t blocked = 0;
    if (html) {
        const mime::SanitizedHtml document = m_html_source(m_allow_remote_images);
        m_html->show_document(document.html);
        blocked = document.blocked_remote_resources;
    }
    m_remote_text->SetLabel(wxString::Format(_("Remote images blocked (%zu)."), blocked));
    m_remote_bar->Show(html && blocked > 0);
    m_html->Show(html);
    m_body->Show(!html);
    Layout();
}

void PreviewPanel::show_message(const mime::MessageView& view, HtmlSource html,
                                const std::optional<MatchSummary>& match) {
    set_header(FromRow, view.from);
    set_header(ToRow, view.to);
    set_header(CcRow, view.cc);
    set_header(DateRow, view.date ? to_utf8(format_date(view.date)) : view.date_text);
    set_header(SubjectRow, view.subject);
    show_match(match);
    wxString text = to_wx(view.text);
    for (const auto& problem : view.problems)
        text += "\n[" + to_wx(problem) + "]";
    m_body->ChangeValue(text);
    m_body->ShowPosition(0);
    m_attachments->Clear();
    m_attachment_indexes.clear();
    m_attachment_details = view.attachments;
    for (const auto& attachment : view.attachments) {
        if (attachment.inline_image)
            continue;
        m_attachments->Append(wxString::Format("%s (%s)", to_wx(attachment.filename), format_size(attachment.size)));
        m_attachment_indexes.push_back(attachment.index);
    }
    if (!m_attachment_indexes.empty())
        m_attachments->SetSelection(0);
    m_attachment_bar->Show(!m_attachment_indexes.empty());
    m_html_source = std::move(html);
    m_allow_remote_images = false;
    m_html_toggle->Enable(static_cast<bool>(m_html_source));
    show_body();
}

void PreviewPanel::show_note(const wxString& note) {
    for (int row = 0; row < HeaderRowCount; ++row)
        set_header(row, {});
    show_match(std::nullopt);
    m_body->ChangeValue(note);
    m_attachments->Clear();
    m_attachment_indexes.clear();
    m_attachment_bar->Hide();
    m_html_source = nullptr;
    m_html_toggle->Disable();
    show_body();
}

wxString PreviewPanel::message_text() const {
    wxString text;
    for (const auto& [label, value] : m_headers)
        if (value->IsShown())
            text += label->GetLabelText() + " " + value->GetLabelText() + "\n";
    return text + "\n" + m_body->GetValue();
}

wxString PreviewPanel::attachment_name(std::size_t index) const {
    for (const auto& attachment : m_attachment_details)
        if (attachment.index == index)
            return to_wx(attachment.filename);
    return "attachment";
}

std::optional<std::size_t> PreviewPanel::chosen_attachment() const {
    const int selection = m_attachments->GetSelection();
    if (selection == wxNOT_FOUND || static_cast<std::size_t>(selection) >= m_attachment_indexes.size())
        return std::nullopt;
    return m_attachment_indexes[static_cast<std::size_t>(selection)];
}

}  // namespace cairn::desktop
