// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <functional>

#include <wx/panel.h>

#include "core/archive/archive.h"

class wxGauge;
class wxStaticText;
class wxTextCtrl;
class wxButton;
class wxBoxSizer;

namespace cairn::desktop {

/// The strip under the results while mail is archived: a gauge, counts, rate, time left, the
/// current file and Cancel; afterwards the summary with every failure, and Close.
class ImportPanel : public wxPanel {
public:
    explicit ImportPanel(wxWindow* parent);

    void show_started();
    void show_progress(const Progress& progress);
    void show_finished(const Result<ImportReport>& result);

    std::function<void()> on_cancel;
    std::function<void()> on_close;

private:
    wxGauge* m_gauge;
    wxBoxSizer* m_button_row;
    wxStaticText* m_counts;
    wxStaticText* m_current;
    wxTextCtrl* m_summary;
    wxButton* m_cancel;
    wxButton* m_close;
    std::chrono::steady_clock::time_point m_started;
};

}  // namespace cairn::desktop
