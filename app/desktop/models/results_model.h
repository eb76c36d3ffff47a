// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include <wx/bitmap.h>
#include <wx/dataview.h>

#include "core/search/search_index.h"

namespace cairn::desktop {

/// The results list's rows: search hits, newest first unless the user reversed the date order.
class ResultsModel : public wxDataViewVirtualListModel {
public:
    enum Column : unsigned { DateColumn, FromColumn, SubjectColumn, SizeColumn, AttachmentColumn, ColumnCount };

    ResultsModel() : wxDataViewVirtualListModel(0) {}

    /// Replaces the rows (as core returned them: newest first) keeping the chosen date order.
    void set_hits(std::vector<search::SearchHit> hits);
    void set_newest_first(bool newest_first);
    bool newest_first() const { return m_newest_first; }

    const std::vector<search::SearchHit>& hits() const { return m_hits; }
    const search::SearchHit* hit_at(unsigned row) const;
    /// The row showing MESSAGE_ID, if it is listed.
    std::optional<unsigned> row_of(std::int64_t message_id) const;
    /// The paperclip shown for messages with attachments (from the icon theme; the model only holds it).
    void set_attachment_icon(const wxBitmap& icon) { m_attachment_icon = icon; }

    unsigned int GetColumnCount() const override { return ColumnCount; }
    wxString GetColumnType(unsigned int column) const override;
    void GetValueByRow(wxVariant& value, unsigned int row, unsigned int column) const override;
    bool SetValueByRow(const wxVariant&, unsigned int, unsigned int) override { return false; }
    unsigned int GetCount() const override { return static_cast<unsigned int>(m_hits.size()); }

private:
    void order();
    std::vector<search::SearchHit> m_hits;
    bool m_newest_first = true;
    wxBitmap m_attachment_icon;
};

/// "2009-03-14 15:09" in local time; empty when the message has no readable date.
wxString format_date(const std::optional<std::int64_t>& seconds);

/// Why a hit is listed, for the preview's "Found" line: where the words matched and the text
/// around them, cut before the first match so that it shows on one line.
struct MatchSummary {
    wxString place;   ///< "Found in the attachment TWEOL.pdf:", "Found in the subject:"... ("Found:": the text)
    wxString markup;  ///< the snippet as markup for wxStaticText::SetLabelMarkup, the matches in bold
    wxString text;    ///< the snippet without marks
};
/// Nothing when the hit has no snippet (a search by filters only, no words).
std::optional<MatchSummary> match_summary(const search::SearchHit& hit);
/// TEXT as it reads in a label set with SetLabelMarkup: XML's entities (a static text has no
/// mnemonic on GTK: '&' is not doubled); control characters become spaces.
wxString escape_markup(const wxString& text);

}  // namespace cairn::desktop
