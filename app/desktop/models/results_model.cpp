// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/models/results_model.h"

#include <algorithm>

#include <wx/datetime.h>

#include "app/desktop/glue/text.h"

namespace cairn::desktop {

wxString format_date(const std::optional<std::int64_t>& seconds) {
    if (!seconds)
        return {};
    return wxDateTime(static_cast<time_t>(*seconds)).Format("%Y-%m-%d %H:%M");
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
