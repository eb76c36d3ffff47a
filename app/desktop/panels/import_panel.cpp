// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/panels/import_panel.h"

#include <wx/button.h>
#include <wx/gauge.h>
#include <wx/intl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "app/desktop/glue/progress_relay.h"
#include "app/desktop/glue/text.h"

namespace cairn::desktop {
namespace {

wxString format_duration(double seconds) {
    const long whole = static_cast<long>(seconds + 0.5);
    if (whole < 60)
        return wxString::Format(_("%ld s"), whole);
    if (whole < 3600)
        return wxString::Format(_("%ld min %ld s"), whole / 60, whole % 60);
    return wxString::Format(_("%ld h %ld min"), whole / 3600, (whole % 3600) / 60);
}

}  // namespace

ImportPanel::ImportPanel(wxWindow* parent) : wxPanel(parent) {
    SetName("import-panel");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* row = new wxBoxSizer(wxHORIZONTAL);
    m_gauge = new wxGauge(this, wxID_ANY, 1000);
    m_cancel = new wxButton(this, wxID_CANCEL, _("Cancel"));
    m_cancel->SetName("cancel-import");
    m_close = new wxButton(this, wxID_CLOSE, _("Close"));
    m_close->SetName("close-import");
    row->Add(m_gauge, wxSizerFlags(1).CenterVertical());
    // Takes the gauge's place when the summary shows, keeping the Close button on the right.
    row->AddStretchSpacer(1);
    m_button_row = row;
    row->Add(m_cancel, wxSizerFlags().Border(wxLEFT, FromDIP(6)));
    row->Add(m_close, wxSizerFlags().Border(wxLEFT, FromDIP(6)));
    sizer->Add(row, wxSizerFlags().Expand());
    m_counts = new wxStaticText(this, wxID_ANY, {});
    m_counts->SetName("import-counts");
    m_current = new wxStaticText(this, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize, wxST_ELLIPSIZE_MIDDLE);
    sizer->Add(m_counts, wxSizerFlags().Expand().Border(wxTOP, FromDIP(4)));
    sizer->Add(m_current, wxSizerFlags().Expand());
    m_summary = new wxTextCtrl(this, wxID_ANY, {}, wxDefaultPosition, FromDIP(wxSize(-1, 90)),
                               wxTE_MULTILINE | wxTE_READONLY);
    m_summary->SetName("import-summary");
    sizer->Add(m_summary, wxSizerFlags().Expand().Border(wxTOP, FromDIP(4)));
    SetSizer(sizer);
    m_cancel->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        m_cancel->Disable();
        m_counts->SetLabel(_("Stopping after the current message..."));
        if (on_cancel)
            on_cancel();
    });
    m_close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (on_close)
            on_close();
    });
}

void ImportPanel::show_started() {
    m_started = std::chrono::steady_clock::now();
    m_gauge->Show();
    m_button_row->Show(static_cast<size_t>(1), false);
    m_gauge->Pulse();
    m_counts->SetLabel(_("Looking for mail..."));
    m_current->SetLabel({});
    m_summary->Hide();
    m_cancel->Show();
    m_cancel->Enable();
    m_close->Hide();
    Layout();
}

void ImportPanel::show_progress(const Progress& progress) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    const ProgressEstimate estimate = estimate_progress(progress, elapsed);
    if (estimate.fraction_done)
        m_gauge->SetValue(static_cast<int>(*estimate.fraction_done * 1000));
    else
        m_gauge->Pulse();
    wxString counts = format_message_progress(progress.done, progress.total);
    counts += wxString::Format(_(", %.0f per second"), estimate.messages_per_second);
    if (estimate.seconds_left)
        counts += wxString::Format(_(", about %s left"), format_duration(*estimate.seconds_left));
    if (progress.failed)
        counts += wxString::Format(_(", %llu failed"), static_cast<unsigned long long>(progress.failed));
    if (m_cancel->IsEnabled())
        m_counts->SetLabel(counts);
    m_current->SetLabel(to_wx(progress.current));
}

void ImportPanel::show_finished(const Result<ImportReport>& result) {
    // A pulsing bar (no total known) cannot be made to look finished: the summary replaces it.
    m_gauge->Hide();
    m_button_row->Show(static_cast<size_t>(1), true);
    m_cancel->Hide();
    m_close->Show();
    m_current->SetLabel({});
    wxString details;
    if (!result) {
        m_counts->SetLabel(_("Archiving could not start."));
        details = describe_error(result.error());
    } else {
        const ImportReport& report = *result;
        wxString headline = report.cancelled ? _("Archiving was cancelled; what was archived so far is kept.")
                                             : _("Archiving finished.");
        const wxString stored = wxString::Format(wxPLURAL("%llu new message archived", "%llu new messages archived",
                                                          report.messages_stored),
                                                 static_cast<unsigned long long>(report.messages_stored));
        // The first %s is "N new messages archived"; the counts after it need no noun of their own.
        headline += " " + wxString::Format(_("%s, %llu already archived, %llu failed (%s)."), stored,
                                           static_cast<unsigned long long>(report.messages_linked +
                                                                           report.messages_unchanged),
                                           static_cast<unsigned long long>(report.failures.size()),
                                           format_duration(report.seconds));
        if (report.files_skipped_unchanged)
            headline += " " + wxString::Format(wxPLURAL("%llu file had not changed since the last run.",
                                                        "%llu files had not changed since the last run.",
                                                        report.files_skipped_unchanged),
                                               static_cast<unsigned long long>(report.files_skipped_unchanged));
        m_counts->SetLabel(headline);
        if (report.fatal_error)
            details += wxString::Format(_("Archiving stopped: %s. Everything archived before is safe; run "
                                          "\"Archive mail now\" again to finish.\n"),
                                        describe_error(*report.fatal_error));
        for (const auto& failure : report.failures)
            details += failure.offset
                           ? wxString::Format(_("Not archived: %s at offset %llu: %s\n"), to_wx(failure.source_path),
                                              static_cast<unsigned long long>(failure.offset), to_wx(failure.reason))
                           : wxString::Format(_("Not archived: %s: %s\n"), to_wx(failure.source_path),
                                              to_wx(failure.reason));
        for (const auto& warning : report.warnings)
            details += wxString::Format(_("Note: %s\n"), to_wx(warning));
    }
    m_summary->ChangeValue(details);
    m_summary->Show(!details.empty());
    GetParent()->Layout();
    Layout();
}

}  // namespace cairn::desktop
