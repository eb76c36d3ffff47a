// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

#include <wx/panel.h>

#include "app/desktop/models/results_model.h"
#include "core/mime/html_sanitizer.h"
#include "core/mime/message_view.h"

class wxStaticText;
class wxTextCtrl;
class wxListBox;
class wxButton;
class wxFlexGridSizer;
class wxToggleButton;

namespace cairn::desktop {

/// The message pane: the header block, the body, and the attachments with Save... and Open.
class PreviewPanel : public wxPanel {
public:
    explicit PreviewPanel(wxWindow* parent);

    /// Makes the message's HTML safe to show, with remote images or without.
    using HtmlSource = std::function<mime::SanitizedHtml(bool allow_remote_images)>;
    /// HTML is empty when the message has none (then only the text can be shown). MATCH, when
    /// the message was found by words, says where they are (a line under the headers).
    void show_message(const mime::MessageView& view, HtmlSource html, const std::optional<MatchSummary>& match = {});
    /// Empty pane with a word why (no selection, the message could not be read).
    void show_note(const wxString& note);
    /// The headers and text as shown, for "Copy message text".
    wxString message_text() const;
    /// The file name of attachment INDEX (MessageView numbering), as the sender named it.
    wxString attachment_name(std::size_t index) const;

    /// Called with MessageView::attachments' index when the user asks to save or open one.
    std::function<void(std::size_t attachment_index)> on_save_attachment;
    std::function<void(std::size_t attachment_index)> on_open_attachment;

private:
    void set_header(int row, const std::string& value);
    void show_match(const std::optional<MatchSummary>& match);
    /// Shows the text or the HTML, as the toggle says, and the remote images bar when needed.
    void show_body();
    std::optional<std::size_t> chosen_attachment() const;

    wxFlexGridSizer* m_header_grid;
    wxStaticText* m_found;  ///< where the search words are, when the list came from a search
    std::vector<std::pair<wxStaticText*, wxStaticText*>> m_headers;  ///< label, value per row
    wxTextCtrl* m_body;
    class HtmlView* m_html;
    wxToggleButton* m_html_toggle;
    wxPanel* m_remote_bar;
    wxStaticText* m_remote_text;
    HtmlSource m_html_source;
    bool m_allow_remote_images = false;
    wxPanel* m_attachment_bar;
    wxListBox* m_attachments;
    std::vector<std::size_t> m_attachment_indexes;  ///< list position -> MessageView index
    std::vector<mime::ViewAttachment> m_attachment_details;
};

}  // namespace cairn::desktop
