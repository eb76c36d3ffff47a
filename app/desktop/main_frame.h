// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <wx/frame.h>
#include <wx/timer.h>

#include "app/desktop/glue/background_job.h"
#include "app/desktop/glue/latest_request_worker.h"
#include "app/desktop/models/archive_run.h"
#include "app/desktop/models/quick_filters.h"
#include "app/desktop/panels/folder_panel.h"
#include "core/archive/archive.h"
#include "core/mime/html_sanitizer.h"

class wxSearchCtrl;
class wxChoice;
class wxCheckBox;
class wxDatePickerCtrl;
class wxTextCtrl;
class wxStaticText;
class wxDataViewCtrl;
class wxDataViewEvent;
class wxSplitterWindow;

namespace cairn::desktop {

class ResultsModel;
class PreviewPanel;
class ImportPanel;
struct NewAccount;

/// The login name of whoever runs the app: the archive user their mail is kept for by default.
std::string operating_system_user();

/// Menu and command ids of the main window (the test script fires them too).
enum MainCommand : int {
    ArchiveNowCommand = wxID_HIGHEST + 1,
    ExportSelectionCommand,
    OpenInMailClientCommand,
    CopyMessageTextCommand,
    AddAccountCommand,
    SourcesCommand,
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
    /// Adds a mail account to the archive; Google and Microsoft accounts then sign in in the browser.
    void add_account(const NewAccount& account);
    /// Exports a folder (with its sub-folders), or all of a user's mail, without asking where.
    void export_folder(const FolderPanel::Choice& choice, ExportFormat format, const std::filesystem::path& out);
    FolderPanel* folder_panel() const { return m_folders; }
    const std::vector<std::string>& users() const { return m_users; }
    /// The query the list shows: the search box's text with the folder and the quick filters.
    std::string composed_query() const;

    /// No search or folder count waiting, no import running: what a test waits for before it looks.
    bool is_idle() const;
    void select_row(unsigned row,
                    std::optional<std::chrono::steady_clock::time_point> typed = std::nullopt);
    unsigned row_count() const;
    wxSearchCtrl* search_box() const { return m_search; }
    /// How long the last search took, from the query to the rows shown (milliseconds).
    double last_search_milliseconds() const { return m_last_search_milliseconds; }
    /// From the last keystroke in the search box (the query when there was none) to the rows
    /// shown, and to the first of them shown in the preview (milliseconds; 0 when not yet).
    double last_rows_after_typing_milliseconds() const { return m_last_rows_after_typing_milliseconds; }
    double last_preview_after_typing_milliseconds() const { return m_last_preview_after_typing_milliseconds; }
    /// The selected message is still being read for the preview.
    bool preview_pending() const { return m_preview_worker->busy(); }

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
    void on_add_account(wxCommandEvent& event);
    void on_sources(wxCommandEvent& event);
    void on_settings(wxCommandEvent& event);
    /// Starts the timer of "archive every N hours" from the settings (stops it for 0).
    void apply_schedule();
    /// The sources and accounts to archive exist (else there is nothing to run).
    bool has_sources();
    /// Signs in to an OAuth account on a worker thread while a dialog waits with Cancel.
    void sign_in(Archive writer, const std::string& account);
    void on_export(wxCommandEvent& event);
    void on_open_in_mail_client(wxCommandEvent& event);
    void on_copy(wxCommandEvent& event);
    void on_find(wxCommandEvent& event);
    void on_about(wxCommandEvent& event);
    void on_close(wxCloseEvent& event);

    /// Hands the search box's query to the search worker; the answer arrives in search_finished.
    void run_search();
    struct SearchAnswer {
        std::string user;
        Result<std::vector<search::SearchHit>> hits;
    };
    /// STARTED: the keystroke (or the query, without one) the search answers, for the timings.
    void search_finished(SearchAnswer answer, std::chrono::steady_clock::time_point started,
                         std::chrono::steady_clock::time_point typed);
    void refresh_users();
    void refresh_during_import();
    using FoldersPerUser = std::vector<std::pair<std::string, std::vector<FolderSummary>>>;
    /// Reads each user's folders again into the folder tree (on the folder worker).
    void refresh_folders();
    void folder_chosen(const FolderPanel::Choice& choice);
    void on_period_chosen(wxCommandEvent& event);
    QuickFilters quick_filters() const;
    std::optional<std::pair<ExportFormat, std::filesystem::path>> ask_export_target(const wxString& prompt);
    void run_export(const ExportOptions& options);
    /// Reads the selected message on the preview worker; preview_ready shows it. TYPED: the
    /// keystroke whose search selected it, when it did (the timing of the first preview).
    void show_selected_message(std::optional<std::chrono::steady_clock::time_point> typed = std::nullopt);
    struct PreviewAnswer {
        std::int64_t message_id = 0;
        Result<mime::MessageView> view;
        /// Without remote images, read with the view when the message has HTML.
        std::optional<Result<mime::SanitizedHtml>> html;
    };
    void preview_ready(PreviewAnswer answer, std::optional<std::chrono::steady_clock::time_point> typed);
    void import_finished(Result<ImportReport> result);
    /// Rebuilds or catches up the user's search index in the background when core says it is
    /// not current (missing, another version's, damaged, behind an interrupted import).
    void repair_index_if_needed();
    struct HealthAnswer {
        std::string user;
        Result<IndexHealth> health;
    };
    /// The index health read on the worker: starts the repair when it is still wanted.
    void index_health_known(HealthAnswer answer);
    /// The attachment's bytes, or nullopt after telling the user (titled ACTION) why not.
    std::optional<std::string> attachment_bytes(std::size_t index, const wxString& action);
    void save_attachment(std::size_t index);
    void open_attachment(std::size_t index);
    std::vector<std::int64_t> selected_message_ids() const;
    std::optional<std::int64_t> current_message_id() const;
    void show_error(const wxString& title, const wxString& message);

    wxSearchCtrl* m_search = nullptr;
    wxChoice* m_user_choice = nullptr;
    wxTextCtrl* m_filter_from = nullptr;
    wxChoice* m_filter_period = nullptr;
    wxDatePickerCtrl* m_filter_first_day = nullptr;
    wxDatePickerCtrl* m_filter_last_day = nullptr;
    wxCheckBox* m_filter_attachment = nullptr;
    wxStaticText* m_search_problem = nullptr;
    wxStaticText* m_query_shown = nullptr;
    wxSplitterWindow* m_folder_splitter = nullptr;
    FolderPanel* m_folders = nullptr;
    wxSplitterWindow* m_splitter = nullptr;
    wxDataViewCtrl* m_results = nullptr;
    ResultsModel* m_model = nullptr;  ///< owned by the control (reference counted)
    PreviewPanel* m_preview = nullptr;
    ImportPanel* m_import_panel = nullptr;
    wxTimer m_search_timer;
    /// While an import runs, the list is searched again now and then to show the new mail.
    wxTimer m_import_refresh_timer;
    wxTimer m_schedule_timer;
    double m_last_search_milliseconds = 0;
    double m_last_rows_after_typing_milliseconds = 0;
    double m_last_preview_after_typing_milliseconds = 0;
    /// The keystroke the debounced search waits to answer.
    std::optional<std::chrono::steady_clock::time_point> m_typed;

    std::filesystem::path m_directory;
    /// Read-only (the import writes through its own). The search worker uses it too: both
    /// threads hold m_archive_mutex while they call it; only the UI thread assigns it.
    std::optional<Archive> m_archive;
    /// Recursive: an export's progress dialog runs events while the export holds the lock.
    std::recursive_mutex m_archive_mutex;
    bool m_exporting = false;
    std::optional<std::string> m_passphrase;
    std::vector<std::string> m_users;
    std::string m_user;
    std::optional<std::string> m_folder;  ///< chosen in the folder tree; none: all of m_user's mail
    std::unique_ptr<BackgroundJob<ImportReport>> m_import;
    std::unique_ptr<BackgroundJob<std::uint64_t>> m_index_repair;
    std::unique_ptr<BackgroundJob<bool>> m_sign_in;
    ArchiveRequests m_archive_requests;
    /// When the last run ended or the archive was opened: the schedule's hours count from it.
    std::chrono::system_clock::time_point m_last_run;
    /// Declared after m_archive: destroyed (their threads joined) before the archive closes.
    std::unique_ptr<LatestRequestWorker<SearchAnswer>> m_search_worker;
    std::unique_ptr<LatestRequestWorker<FoldersPerUser>> m_folder_worker;
    /// Reads the message to preview: never on the UI thread, as an import may hold the disk.
    std::unique_ptr<LatestRequestWorker<PreviewAnswer>> m_preview_worker;
    /// Checks whether the user's search index is current (repair_index_if_needed).
    std::unique_ptr<LatestRequestWorker<HealthAnswer>> m_health_worker;
};

}  // namespace cairn::desktop
