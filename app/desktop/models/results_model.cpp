// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/models/results_model.h"

#include <algorithm>

#include <wx/datetime.h>
#include <wx/intl.h>

#include "app/desktop/glue/text.h"

namespace cairn::desktop {

wxString format_date(const std::optional<std::int64_t>& seconds) {
    if (!seconds)
        return {};
    return wxDateTime(static_cast<time_t>(*seconds)).Format("%Y-%m-%d %H:%M");
}

wxString escape_markup(const wxString& text) {
    wxString escaped;
    for (const wxUniChar character : text) {
        switch (character.GetValue()) {
        case '&': escaped += "&amp;"; break;
        case '<': escaped += "&lt;"; break;
        case '>': escaped += "&gt;"; break;
        case '"': escaped += "&quot;"; break;
        case '\'': escaped += "&apos;"; break;
        // Control characters are not allowed in markup (nor wanted on screen).
        default: escaped += character.GetValue() < 0x20 ? wxUniChar(' ') : character; break;
        }
    }
    return escaped;
}

namespace {

/// Core marks each match with \x02 before and \x03 after it.
constexpr char match_start = '\x02';
constexpr char match_end = '\x03';

wxString place_of_match(const search::SearchHit& hit) {
    const std::string& field = hit.snippet_field;
    if (field == "attachment" || field == "filename") {
        // Core keeps one text for all of a message's attachments: a name only when there is one.
        if (hit.attachment_names.size() == 1)
            return wxString::Format(_("Found in the attachment %s:"), to_wx(hit.attachment_names.front()));
        return _("Found in an attachment:");
    }
    if (field == "subject")
        return _("Found in the subject:");
    if (field == "sender" || field == "recipients" || field == "cc" || field == "bcc")
        return _("Found in the addresses:");
    if (field == "headers")
        return _("Found in the headers:");
    return _("Found:");
}

/// The text before the first match, cut to its last word or two: the line is cut off at the
/// edge of a narrow pane, and the match must be on it.
wxString lead_in(const wxString& text) {
    constexpr std::size_t most = 16;
    if (text.length() <= most)
        return text;
    wxString kept = text.Right(most);
    if (const int space = kept.Find(' '); space != wxNOT_FOUND)
        kept = kept.Mid(static_cast<std::size_t>(space) + 1);
    return wxString::FromUTF8("…") + kept;
}

}  // namespace

std::optional<MatchSummary> match_summary(const search::SearchHit& hit) {
    if (hit.snippet.empty())
        return std::nullopt;
    MatchSummary summary;
    summary.place = place_of_match(hit);
    // Split at the marks; each piece escaped on its own, so nothing in the mail becomes markup.
    std::string piece;
    bool in_match = false;
    bool matched = false;
    const auto flush = [&] {
        const wxString text = matched || in_match ? to_wx(piece) : lead_in(to_wx(piece));
        matched = matched || in_match;
        summary.text += text;
        const wxString escaped = escape_markup(text);
        summary.markup += in_match && !text.empty() ? "<b>" + escaped + "</b>" : escaped;
        piece.clear();
    };
    for (const char character : hit.snippet) {
        if (character == match_start || character == match_end) {
            flush();
            in_match = character == match_start;
        } else {
            piece += character;
        }
    }
    flush();
    return summary;
}

void ResultsModel::set_hits(std::vector<search::SearchHit> hits) {
    m_hits = std::move(hits);
    order();
    Reset(static_cast<unsigned int>(m_hits.size()));
}

void ResultsModel::set_newest_first(bool newest_first) {
    m_newest_first = newest_first;
    order();
    Reset(static_cast<unsigned int>(m_hits.size()));
}

void ResultsModel::order() {
    // Undated messages go last either way: they are the least likely to be looked for by date.
    std::stable_sort(m_hits.begin(), m_hits.end(), [&](const search::SearchHit& left, const search::SearchHit& right) {
        if (left.date.has_value() != right.date.has_value())
            return left.date.has_value();
        if (!left.date)
            return false;
        return m_newest_first ? *left.date > *right.date : *left.date < *right.date;
    });
}

const search::SearchHit* ResultsModel::hit_at(unsigned row) const {
    return row < m_hits.size() ? &m_hits[row] : nullptr;
}

wxString ResultsModel::GetColumnType(unsigned int column) const {
    return column == AttachmentColumn ? "wxBitmap" : "string";
}

void ResultsModel::GetValueByRow(wxVariant& value, unsigned int row, unsigned int column) const {
    const search::SearchHit* hit = hit_at(row);
    if (!hit) {
        if (column == AttachmentColumn)
            value << wxNullBitmap;
        else
            value = wxString();
        return;
    }
    switch (column) {
    case DateColumn: value = format_date(hit->date); break;
    case FromColumn: value = to_wx(hit->from); break;
    case SubjectColumn: value = to_wx(hit->subject); break;
    case SizeColumn: value = format_size(hit->size); break;
    case AttachmentColumn: value << (hit->attachment_names.empty() ? wxNullBitmap : m_attachment_icon); break;
    default: value = wxString(); break;
    }
}

std::optional<unsigned> ResultsModel::row_of(std::int64_t message_id) const {
    for (unsigned row = 0; row < m_hits.size(); ++row)
        if (m_hits[row].message_id == message_id)
            return row;
    return std::nullopt;
}

}  // namespace cairn::desktop
