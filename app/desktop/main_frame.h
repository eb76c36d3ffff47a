// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <wx/frame.h>
#include <wx/timer.h>

#include "app/desktop/glue/background_job.h"
#include "core/archive/archive.h"

class wxSearchCtrl;
class wxChoice;
class wxStaticText;
class wxDataViewCtrl;
class wxDataViewEvent;
class wxSplitterWindow;

namespace cairn::desktop {

class ResultsModel;
class PreviewPanel;
class ImportPanel;

/// Menu and command ids of the main window (the test script fires them too).
enum MainCommand : int {
    ArchiveNowCommand = wxID_HIGHEST + 1,
    ExportSelectionCommand,
    OpenInMailClientCommand,
    CopyMessageTextCommand,
};

class MainFrame : public wxFrame {
public:
    MainFrame();
    ~MainFrame() override;

    /// Shows the archive in DIRECTORY, opened read-only for searching.
    void set_archive(const std::filesystem::path& directory, Archive archive, std::optional<std::string> passphrase);
    /// Imports PATHS in the background (they become the remembered sources when REMEMBER).
    void start_archiving(const std::vector<std::filesystem::path>& paths);
    /// Exports the selected messages without asking where (the test script; the menu asks first).
    void export_selected(ExportFormat format, const std::filesystem::path& out);

    /// No search waiting, no import running: what a test waits for before it looks.
    bool is_idle() const;
    void select_row(unsigned row);
    unsigned row_count() const;
    wxSearchCtrl* search_box() const { return m_search; }
    /// How long the last search took, from the query to the rows shown (milliseconds).
    double last_search_milliseconds() const { return m_last_search_milliseconds; }

private:
    void build_menus();
    void build_layout();
    void restore_layout();
    void save_layout();

    // Event handlers gather input and hand over; the work is in the functions below them.
    void on_search_text(wxCommandEvent& event);
    void on_search_timer(wxTimerEvent& event);
    void on_user_chosen(wxCommandEvent& event);
    void on_selection_changed(wxDataViewEvent& event);
    void on_column_clicked(wxDataViewEvent& event);
    void on_new_archive(wxCommandEvent& event);
    void on_open_archive(wxCommandEvent& event);
    void on_archive_now(wxCommandEvent& event);
    void on_export(wxCommandEvent& event);
    void on_open_in_mail_client(wxCommandEvent& event);
    void on_copy(wxCommandEvent& event);
    void on_find(wxCommandEvent& event);
    void on_about(wxCommandEvent& event);
    void on_close(wxCloseEvent& event);

    void run_search();
    void refresh_users();
    void show_selected_message();
    void import_finished(Result<ImportReport> result);
    /// Rebuilds or catches up the user's search index in the background when core says it is
    /// not current (missing, another version's, damaged, behind an interrupted import).
    void repair_index_if_needed();
    /// The attachment's bytes, or nullopt after telling the user (titled ACTION) why not.
    std::optional<std::string> attachment_bytes(std::size_t index, const wxString& action);
    void save_attachment(std::size_t index);
    void open_attachment(std::size_t index);
    std::vector<std::int64_t> selected_message_ids() const;
    std::optional<std::int64_t> current_message_id() const;
    void show_error(const wxString& title, const wxString& message);

    wxSearchCtrl* m_search = nullptr;
    wxChoice* m_user_choice = nullptr;
    wxStaticText* m_search_problem = nullptr;
    wxSplitterWindow* m_splitter = nullptr;
    wxDataViewCtrl* m_results = nullptr;
    ResultsModel* m_model = nullptr;  ///< owned by the control (reference counted)
    PreviewPanel* m_preview = nullptr;
    ImportPanel* m_import_panel = nullptr;
    wxTimer m_search_timer;
    double m_last_search_milliseconds = 0;

    std::filesystem::path m_directory;
    std::optional<Archive> m_archive;  ///< read-only: the import writes through its own
    std::optional<std::string> m_passphrase;
    std::vector<std::string> m_users;
    std::string m_user;
    std::unique_ptr<BackgroundJob<ImportReport>> m_import;
    std::unique_ptr<BackgroundJob<std::uint64_t>> m_index_repair;
};

}  // namespace cairn::desktop
