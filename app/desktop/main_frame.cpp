// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/main_frame.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <utility>

#include <wx/aboutdlg.h>
#include <wx/artprov.h>
#include <wx/choicdlg.h>
#include <wx/choice.h>
#include <wx/clipbrd.h>
#include <wx/checkbox.h>
#include <wx/dataview.h>
#include <wx/datectrl.h>
#include <wx/dateevt.h>
#include <wx/dirdlg.h>
#include <wx/filedlg.h>
#include <wx/intl.h>
#include <wx/menu.h>
#include <wx/msgdlg.h>
#include <wx/notifmsg.h>
#include <wx/progdlg.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/utils.h>

#include "app/desktop/app.h"
#include "app/desktop/dialogs/account_dialog.h"
#include "app/desktop/dialogs/settings_dialog.h"
#include "app/desktop/dialogs/sources_dialog.h"
#include "app/desktop/dialogs/unlock_dialog.h"
#include "app/desktop/glue/selection_export.h"
#include "app/desktop/glue/text.h"
#include "app/desktop/models/archive_run.h"
#include "app/desktop/models/results_model.h"
#include "app/desktop/panels/import_panel.h"
#include "app/desktop/panels/preview_panel.h"
#include "app/desktop/prefs.h"
#include "core/search/query.h"

namespace cairn::desktop {
namespace {

/// How long typing must pause before the search runs: short enough to feel instant, long
/// enough not to search for every letter of a word typed quickly.
constexpr int search_delay_milliseconds = 150;
/// Rows fetched per search; more is rarely read and costs time on every keystroke.
constexpr std::uint64_t result_limit = 200;
/// While an import runs, how often the list is searched again to show what arrived.
constexpr int import_refresh_milliseconds = 3000;
/// How often "archive every N hours" looks whether a run is due (scheduled_run_due decides).
constexpr int schedule_check_milliseconds = 60 * 1000;

std::chrono::year_month_day to_calendar_day(const wxDateTime& date) {
    if (!date.IsValid())
        return {};
    return std::chrono::year_month_day{std::chrono::year(date.GetYear()),
                                       std::chrono::month(static_cast<unsigned>(date.GetMonth()) + 1),
                                       std::chrono::day(static_cast<unsigned>(date.GetDay()))};
}

/// The OAuth clients for Google and Microsoft accounts that name none, from the same
/// environment variables the command line reads (docs/accounts.md).
OAuthClientDefaults oauth_client_defaults() {
    const auto variable = [](const char* name) {
        const char* value = std::getenv(name);
        return std::string(value ? value : "");
    };
    return {variable("CAIRN_GOOGLE_CLIENT_ID"), variable("CAIRN_GOOGLE_CLIENT_SECRET"),
            variable("CAIRN_MICROSOFT_CLIENT_ID")};
}


/// Reports an export's progress in a wxProgressDialog (the export runs on the UI thread, and
/// the dialog's Update lets the window repaint and Cancel be pressed).
class ExportProgress : public ProgressObserver {
public:
    ExportProgress(wxProgressDialog& dialog, CancellationToken& cancel) : m_dialog(dialog), m_cancel(cancel) {}
    void update(const Progress& progress) override {
        const int value = progress.total ? static_cast<int>(progress.done * 1000 / progress.total) : 0;
        if (!m_dialog.Update(std::min(value, 999), format_message_progress(progress.done, progress.total)))
            m_cancel.cancel();
    }

private:
    wxProgressDialog& m_dialog;
    CancellationToken& m_cancel;
};

/// The message's sanitised HTML, or a note in its place saying why it cannot be shown.
mime::SanitizedHtml html_or_note(Result<mime::SanitizedHtml> document) {
    if (document)
        return std::move(*document);
    // The sanitiser escapes whatever the text holds.
    return mime::sanitize_html("<p>" + to_utf8(wxString::Format(_("This message cannot be shown: %s"),
                                                                  describe_error(document.error()))) +
                               "</p>");
}

}  // namespace

std::string operating_system_user() {
    if (passwd* entry = ::getpwuid(::geteuid()); entry && entry->pw_name)
        return entry->pw_name;
    return "user";
}

MainFrame::MainFrame()
    : wxFrame(nullptr, wxID_ANY, _("Cairn")), m_search_timer(this), m_import_refresh_timer(this), m_schedule_timer(this),
      m_search_worker(std::make_unique<LatestRequestWorker<SearchAnswer>>()),
      m_folder_worker(std::make_unique<LatestRequestWorker<FoldersPerUser>>()),
      m_preview_worker(std::make_unique<LatestRequestWorker<PreviewAnswer>>()),
      m_health_worker(std::make_unique<LatestRequestWorker<HealthAnswer>>()) {
    SetName("main-window");
    build_menus();
    build_layout();
    CreateStatusBar();
    SetStatusText(_("No archive open."));
    restore_layout();
    Bind(wxEVT_TIMER, &MainFrame::on_search_timer, this, m_search_timer.GetId());
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { refresh_during_import(); }, m_import_refresh_timer.GetId());
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
        // A run still going (or a sign-in) when the hour comes: a later tick tries again.
        if (scheduled_run_due(std::chrono::system_clock::now(), m_last_run, prefs::schedule_hours(),
                              m_import || m_sign_in) &&
            has_sources())
            start_archiving(prefs::sources());
    }, m_schedule_timer.GetId());
    Bind(wxEVT_CLOSE_WINDOW, &MainFrame::on_close, this);
}

MainFrame::~MainFrame() = default;

void MainFrame::build_menus() {
    auto* file = new wxMenu;
    file->Append(wxID_NEW, _("&New archive..."));
    file->Append(wxID_OPEN, _("&Open archive..."));
    file->AppendSeparator();
    file->Append(ArchiveNowCommand, _("&Archive mail now\tCtrl+R"));
    file->Append(AddAccountCommand, _("Add mail a&ccount..."));
    file->Append(SourcesCommand, _("&Sources..."));
    file->Append(ExportSelectionCommand, _("&Export selection...\tCtrl+E"));
    file->Append(OpenInMailClientCommand, _("Open in &mail client"));
    file->AppendSeparator();
    file->Append(wxID_EXIT, _("&Quit\tCtrl+Q"));
    auto* edit = new wxMenu;
    edit->Append(CopyMessageTextCommand, _("&Copy message text\tCtrl+C"));
    edit->Append(wxID_FIND, _("&Find\tCtrl+F"));
    edit->AppendSeparator();
    edit->Append(wxID_PREFERENCES, _("&Settings..."));
    auto* help = new wxMenu;
    help->Append(wxID_ABOUT, _("&About Cairn"));
    auto* bar = new wxMenuBar;
    bar->Append(file, _("&File"));
    bar->Append(edit, _("&Edit"));
    bar->Append(help, _("&Help"));
    SetMenuBar(bar);

    Bind(wxEVT_MENU, &MainFrame::on_new_archive, this, wxID_NEW);
    Bind(wxEVT_MENU, &MainFrame::on_open_archive, this, wxID_OPEN);
    Bind(wxEVT_MENU, &MainFrame::on_archive_now, this, ArchiveNowCommand);
    Bind(wxEVT_MENU, &MainFrame::on_add_account, this, AddAccountCommand);
    Bind(wxEVT_MENU, &MainFrame::on_sources, this, SourcesCommand);
    Bind(wxEVT_MENU, &MainFrame::on_settings, this, wxID_PREFERENCES);
    Bind(wxEVT_MENU, &MainFrame::on_export, this, ExportSelectionCommand);
    Bind(wxEVT_MENU, &MainFrame::on_open_in_mail_client, this, OpenInMailClientCommand);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { Close(); }, wxID_EXIT);
    Bind(wxEVT_MENU, &MainFrame::on_copy, this, CopyMessageTextCommand);
    Bind(wxEVT_MENU, &MainFrame::on_find, this, wxID_FIND);
    Bind(wxEVT_MENU, &MainFrame::on_about, this, wxID_ABOUT);
}

void MainFrame::build_layout() {
    auto* panel = new wxPanel(this);
    auto* sizer = new wxBoxSizer(wxVERTICAL);

    auto* search_row = new wxBoxSizer(wxHORIZONTAL);
    m_search = new wxSearchCtrl(panel, wxID_ANY);
    m_search->SetName("search");
    m_search->SetDescriptiveText(_("Search: words, from:ann, subject:invoice, after:2009-01-01, has:attachment"));
    m_search->ShowCancelButton(true);
    m_user_choice = new wxChoice(panel, wxID_ANY);
    m_user_choice->SetName("user");
    m_user_choice->Hide();
    m_filter_from = new wxTextCtrl(panel, wxID_ANY);
    m_filter_from->SetName("filter-from");
    m_filter_from->SetHint(_("From"));
    m_filter_from->SetMinSize(FromDIP(wxSize(140, -1)));
    m_filter_from->SetToolTip(_("Only mail from this name or address (from: in the search)"));
    const wxString periods[] = {_("Any time"), _("Last 30 days"), _("This year"), _("Between...")};
    m_filter_period = new wxChoice(panel, wxID_ANY, wxDefaultPosition, wxDefaultSize, 4, periods);
    m_filter_period->SetName("filter-period");
    m_filter_period->SetSelection(0);
    m_filter_first_day = new wxDatePickerCtrl(panel, wxID_ANY, wxDateTime::Today().Subtract(wxDateSpan::Year()));
    m_filter_first_day->SetName("filter-first-day");
    m_filter_last_day = new wxDatePickerCtrl(panel, wxID_ANY, wxDateTime::Today());
    m_filter_last_day->SetName("filter-last-day");
    m_filter_first_day->Hide();
    m_filter_last_day->Hide();
    m_filter_attachment = new wxCheckBox(panel, wxID_ANY, _("Has attachment"));
    m_filter_attachment->SetName("filter-attachment");
    search_row->Add(m_search, wxSizerFlags(1).CenterVertical());
    const auto gap = wxSizerFlags().CenterVertical().Border(wxLEFT, FromDIP(6));
    search_row->Add(m_filter_from, wxSizerFlags(gap).Proportion(0));
    search_row->Add(m_filter_period, gap);
    search_row->Add(m_filter_first_day, gap);
    search_row->Add(m_filter_last_day, gap);
    search_row->Add(m_filter_attachment, gap);
    search_row->Add(m_user_choice, wxSizerFlags().CenterVertical().Border(wxLEFT, FromDIP(6)));
    sizer->Add(search_row, wxSizerFlags().Expand().Border(wxALL, FromDIP(6)));
    m_search_problem = new wxStaticText(panel, wxID_ANY, {});
    m_search_problem->SetName("search-problem");
    m_search_problem->SetForegroundColour(*wxRED);
    m_search_problem->Hide();
    sizer->Add(m_search_problem, wxSizerFlags().Expand().Border(wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6)));

    // Shown when the list holds more than the box says (a folder, quick filters): the query
    // the list answers, so people learn to type it.
    m_query_shown = new wxStaticText(panel, wxID_ANY, {}, wxDefaultPosition, wxDefaultSize, wxST_ELLIPSIZE_END);
    m_query_shown->SetName("query-shown");
    m_query_shown->Hide();
    sizer->Add(m_query_shown, wxSizerFlags().Expand().Border(wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6)));

    m_folder_splitter = new wxSplitterWindow(panel, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                             wxSP_LIVE_UPDATE | wxSP_3DSASH);
    m_folder_splitter->SetMinimumPaneSize(FromDIP(80));
    m_folders = new FolderPanel(m_folder_splitter);
    m_folders->on_chosen = [this](const FolderPanel::Choice& choice) { folder_chosen(choice); };
    m_folders->on_export = [this](const FolderPanel::Choice& choice) {
        if (const auto target = ask_export_target(choice.folder ? _("Export the folder as:")
                                                                : _("Export all mail of this user as:")))
            export_folder(choice, target->first, target->second);
    };
    m_splitter = new wxSplitterWindow(m_folder_splitter, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                      wxSP_LIVE_UPDATE | wxSP_3DSASH);
    m_splitter->SetMinimumPaneSize(FromDIP(120));
    m_splitter->SetSashGravity(0.5);
    m_results = new wxDataViewCtrl(m_splitter, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                   wxDV_MULTIPLE | wxDV_ROW_LINES);
    m_results->SetName("results");
    m_model = new ResultsModel;
    m_results->AssociateModel(m_model);
    m_model->DecRef();  // the control holds the model now
    auto* date = m_results->AppendTextColumn(_("Date"), ResultsModel::DateColumn, wxDATAVIEW_CELL_INERT,
                                             FromDIP(120), wxALIGN_NOT, wxDATAVIEW_COL_RESIZABLE);
    date->SetSortOrder(false);
    m_results->AppendTextColumn(_("From"), ResultsModel::FromColumn, wxDATAVIEW_CELL_INERT, FromDIP(150),
                                wxALIGN_NOT, wxDATAVIEW_COL_RESIZABLE);
    m_results->AppendTextColumn(_("Subject"), ResultsModel::SubjectColumn, wxDATAVIEW_CELL_INERT, FromDIP(250),
                                wxALIGN_NOT, wxDATAVIEW_COL_RESIZABLE);
    m_results->AppendTextColumn(_("Size"), ResultsModel::SizeColumn, wxDATAVIEW_CELL_INERT, FromDIP(70),
                                wxALIGN_RIGHT, wxDATAVIEW_COL_RESIZABLE);
    // The mail programs' paperclip, from the desktop's icon theme (it follows dark themes).
    const wxBitmap paperclip = wxArtProvider::GetBitmap("mail-attachment", wxART_MENU);
    m_model->set_attachment_icon(paperclip);
    auto* attachments = m_results->AppendBitmapColumn(paperclip, ResultsModel::AttachmentColumn,
                                                      wxDATAVIEW_CELL_INERT, FromDIP(30), wxALIGN_CENTER, 0);
    attachments->SetTitle(paperclip.IsOk() ? wxString() : wxString("@"));
    m_preview = new PreviewPanel(m_splitter);
    m_preview->on_save_attachment = [this](std::size_t index) { save_attachment(index); };
    m_preview->on_open_attachment = [this](std::size_t index) { open_attachment(index); };
    m_splitter->SplitVertically(m_results, m_preview);
    m_folder_splitter->SplitVertically(m_folders, m_splitter, FromDIP(200));
    sizer->Add(m_folder_splitter, wxSizerFlags(1).Expand());

    m_import_panel = new ImportPanel(panel);
    m_import_panel->on_cancel = [this] {
        if (m_import)
            m_import->cancel();
    };
    m_import_panel->on_close = [this] {
        m_import_panel->Hide();
        GetChildren().front()->Layout();
    };
    m_import_panel->Hide();
    sizer->Add(m_import_panel, wxSizerFlags().Expand().Border(wxALL, FromDIP(6)));
    panel->SetSizer(sizer);

    m_search->Bind(wxEVT_TEXT, &MainFrame::on_search_text, this);
    // Down from the search box goes to the results, as in mail programs' search fields.
    m_search->Bind(wxEVT_KEY_DOWN, [this](wxKeyEvent& event) {
        if (event.GetKeyCode() == WXK_DOWN && m_model->GetCount() > 0) {
            m_results->SetFocus();
            return;
        }
        event.Skip();
    });
    m_search->Bind(wxEVT_SEARCHCTRL_SEARCH_BTN, [this](wxCommandEvent&) { run_search(); });
    m_search->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { run_search(); });
    m_user_choice->Bind(wxEVT_CHOICE, &MainFrame::on_user_chosen, this);
    // The filters only change the query; typing in From is debounced like the search box.
    m_filter_from->Bind(wxEVT_TEXT, &MainFrame::on_search_text, this);
    m_filter_period->Bind(wxEVT_CHOICE, &MainFrame::on_period_chosen, this);
    m_filter_first_day->Bind(wxEVT_DATE_CHANGED, [this](wxDateEvent&) { run_search(); });
    m_filter_last_day->Bind(wxEVT_DATE_CHANGED, [this](wxDateEvent&) { run_search(); });
    m_filter_attachment->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { run_search(); });
    m_results->Bind(wxEVT_DATAVIEW_SELECTION_CHANGED, &MainFrame::on_selection_changed, this);
    m_results->Bind(wxEVT_DATAVIEW_COLUMN_HEADER_CLICK, &MainFrame::on_column_clicked, this);
    m_results->Bind(wxEVT_DATAVIEW_ITEM_ACTIVATED, [this](wxDataViewEvent&) {
        wxCommandEvent open(wxEVT_MENU, OpenInMailClientCommand);
        ProcessWindowEvent(open);
    });
}

void MainFrame::restore_layout() {
    const prefs::WindowLayout layout = prefs::window_layout();
    if (layout.frame.width > 200 && layout.frame.height > 150)
        SetSize(layout.frame);
    else
        SetSize(FromDIP(wxSize(1100, 720)));
    if (layout.maximized)
        Maximize();
    // The results get a little more than half of what the folder tree leaves.
    const int beside_folders = GetClientSize().x - m_folder_splitter->GetSashPosition();
    m_splitter->SetSashPosition(layout.results_sash > 0 ? layout.results_sash : beside_folders * 11 / 20);
}

void MainFrame::save_layout() {
    prefs::WindowLayout layout;
    layout.maximized = IsMaximized();
    layout.frame = layout.maximized ? wxRect() : GetRect();
    layout.results_sash = m_splitter->GetSashPosition();
    prefs::set_window_layout(layout);
}

void MainFrame::set_archive(const std::filesystem::path& directory, Archive archive,
                            std::optional<std::string> passphrase) {
    m_import.reset();
    m_directory = directory;
    {
        const std::lock_guard lock(m_archive_mutex);
        m_archive.emplace(std::move(archive));
    }
    m_passphrase = std::move(passphrase);
    // The schedule counts its hours from the opening, as from the end of a run.
    m_last_run = std::chrono::system_clock::now();
    SetTitle(wxString::Format(_("Cairn - %s"), path_to_wx(directory)));
    m_folder.reset();
    refresh_users();
    refresh_folders();
    run_search();
    repair_index_if_needed();
    apply_schedule();
    m_search->SetFocus();  // where a person starts: typing searches
}

void MainFrame::repair_index_if_needed() {
    if (!m_archive || m_import || m_index_repair || m_users.empty())
        return;
    // Checking opens and reads the index file: on a worker, like a search.
    m_health_worker->submit(
        [this, user = m_user] {
            const std::lock_guard lock(m_archive_mutex);
            return HealthAnswer{user, m_archive ? m_archive->index_health(user)
                                                : make_error(ErrorCode::Unavailable, "no archive is open")};
        },
        [this](HealthAnswer answer) { index_health_known(std::move(answer)); });
}

void MainFrame::index_health_known(HealthAnswer answer) {
    // While it was read, an import may have started (it catches the index up itself), a repair,
    // or the person chose another user (whose check follows).
    const auto& health = answer.health;
    if (!health || health->condition == IndexCondition::Current || answer.user != m_user || m_import ||
        m_index_repair)
        return;
    auto writer = open_archive_asking(this, m_directory, Access::ReadWrite, m_passphrase);
    if (!writer) {
        SetStatusText(wxString::Format(_("Search results may be incomplete: %s"), to_wx(health->description)));
        return;
    }
    SetStatusText(wxString::Format(_("Repairing the search index (%s)..."), to_wx(health->description)));
    m_index_repair = std::make_unique<BackgroundJob<std::uint64_t>>(
        std::move(*writer),
        [user = answer.user](Archive& archive, ProgressObserver& observer, const CancellationToken& cancel) {
            return archive.repair_index(user, &observer, &cancel);
        },
        [this](const Progress& progress) {
            SetStatusText(wxString::Format(wxPLURAL("Repairing the search index: %llu message indexed...",
                                                    "Repairing the search index: %llu messages indexed...",
                                                    progress.done),
                                           static_cast<unsigned long long>(progress.done)));
        },
        [this](Result<std::uint64_t> result) {
            m_index_repair.reset();
            if (!result)
                SetStatusText(wxString::Format(_("The search index could not be repaired: %s"),
                                               describe_error(result.error())));
            run_search();
        });
}

void MainFrame::refresh_users() {
    m_users.clear();
    if (m_archive) {
        const std::lock_guard lock(m_archive_mutex);
        if (auto users = m_archive->users(); users)
            m_users = *users;
    }
    const std::string own = operating_system_user();
    if (std::find(m_users.begin(), m_users.end(), m_user) == m_users.end())
        m_user = std::find(m_users.begin(), m_users.end(), own) != m_users.end() ? own
                 : m_users.empty()                                                ? own
                                                                                  : m_users.front();
    m_user_choice->Clear();
    for (const auto& user : m_users)
        m_user_choice->Append(to_wx(user));
    m_user_choice->SetStringSelection(to_wx(m_user));
    m_user_choice->Show(m_users.size() > 1);
    m_user_choice->GetParent()->Layout();
}

void MainFrame::on_search_text(wxCommandEvent&) {
    m_typed = std::chrono::steady_clock::now();
    m_search_timer.StartOnce(search_delay_milliseconds);
}

void MainFrame::on_search_timer(wxTimerEvent&) { run_search(); }

void MainFrame::refresh_folders() {
    if (!m_archive) {
        m_folders->set_folders({});
        return;
    }
    // Counting reads the catalog, which an import is writing to: on the worker, like a search,
    // so the window never waits for the archive.
    m_folder_worker->submit(
        [this, users = m_users] {
            FoldersPerUser folders_per_user;
            const std::lock_guard lock(m_archive_mutex);
            if (!m_archive)
                return folders_per_user;
            for (const auto& user : users)
                if (auto folders = m_archive->folders(user))
                    folders_per_user.emplace_back(user, std::move(*folders));
            return folders_per_user;
        },
        [this](FoldersPerUser folders_per_user) { m_folders->set_folders(folders_per_user); });
}

void MainFrame::folder_chosen(const FolderPanel::Choice& choice) {
    m_folder = choice.folder;
    if (choice.user != m_user) {
        m_user = choice.user;
        m_user_choice->SetStringSelection(to_wx(m_user));
        repair_index_if_needed();
    }
    run_search();
}

void MainFrame::on_period_chosen(wxCommandEvent&) {
    const bool between = quick_filters().period == QuickFilters::Period::Between;
    m_filter_first_day->Show(between);
    m_filter_last_day->Show(between);
    m_filter_period->GetParent()->Layout();
    run_search();
}

QuickFilters MainFrame::quick_filters() const {
    QuickFilters filters;
    filters.from = to_utf8(m_filter_from->GetValue());
    const int period = m_filter_period->GetSelection();
    filters.period = period == 1   ? QuickFilters::Period::Last30Days
                     : period == 2 ? QuickFilters::Period::ThisYear
                     : period == 3 ? QuickFilters::Period::Between
                                   : QuickFilters::Period::AnyTime;
    filters.first_day = to_calendar_day(m_filter_first_day->GetValue());
    filters.last_day = to_calendar_day(m_filter_last_day->GetValue());
    filters.has_attachment = m_filter_attachment->GetValue();
    return filters;
}

std::string MainFrame::composed_query() const {
    std::vector<std::string> conditions;
    if (m_folder)
        conditions.push_back("folder:" + search::quote_query_value(*m_folder));
    for (auto& condition : filter_conditions(quick_filters(), to_calendar_day(wxDateTime::Today())))
        conditions.push_back(std::move(condition));
    conditions.push_back(to_utf8(m_search->GetValue()));
    return search::join_query_conditions(conditions);
}

void MainFrame::on_user_chosen(wxCommandEvent&) {
    m_user = to_utf8(m_user_choice->GetStringSelection());
    m_folder.reset();
    m_folders->choose({m_user, std::nullopt});
    run_search();
    repair_index_if_needed();
}

void MainFrame::run_search() {
    m_search_timer.Stop();
    if (!m_archive)
        return;
    if (m_users.empty()) {
        m_model->set_hits({});
        m_preview->show_note(m_import ? _("Your mail is being archived; it shows here when archiving has finished.")
                                      : _("The archive holds no mail yet. Use File > Archive mail now (Ctrl+R) to "
                                          "keep your mail in it."));
        SetStatusText(_("No messages."));
        return;
    }
    search::SearchRequest request;
    request.query = composed_query();
    const bool composed = request.query != search::join_query_conditions({to_utf8(m_search->GetValue())});
    m_query_shown->SetLabel(wxString::Format(_("Searching for: %s"), to_wx(request.query)));
    if (m_query_shown->IsShown() != composed) {
        m_query_shown->Show(composed);
        m_query_shown->GetParent()->Layout();
    }
    request.sort = search::SortOrder::Date;
    request.limit = result_limit;
    const auto started = std::chrono::steady_clock::now();
    const auto typed = std::exchange(m_typed, std::nullopt).value_or(started);
    m_search_worker->submit(
        [this, user = m_user, request] {
            const std::lock_guard lock(m_archive_mutex);
            return SearchAnswer{user, m_archive->search(user, request)};
        },
        [this, started, typed](SearchAnswer answer) { search_finished(std::move(answer), started, typed); });
}

void MainFrame::refresh_during_import() {
    if (!m_import) {
        m_import_refresh_timer.Stop();
        return;
    }
    if (m_exporting)
        return;
    // The first import makes the user; until then there is nothing to search.
    if (m_users.empty())
        refresh_users();
    refresh_folders();
    if (!m_search_timer.IsRunning() && !m_search_worker->busy())
        run_search();
}

void MainFrame::search_finished(SearchAnswer answer, std::chrono::steady_clock::time_point started,
                                std::chrono::steady_clock::time_point typed) {
    auto& hits = answer.hits;
    if (answer.user != m_user)
        return;  // the user was switched while it ran; that search's answer follows
    if (!hits) {
        // The list keeps what it showed: a half-typed query should not blank it.
        // Core points at the problem on extra lines for a terminal; the first line says it in words.
        const std::string reason = hits.error().message.substr(0, hits.error().message.find('\n'));
        const wxString problem = hits.error().code == ErrorCode::InvalidArgument
                                     ? wxString::Format(_("Cannot read this search: %s"), to_wx(reason))
                                     : wxString::Format(_("The search failed: %s"), describe_error(hits.error()));
        m_search_problem->SetLabel(problem);
        m_search_problem->Show();
        m_search_problem->GetParent()->Layout();
        return;
    }
    if (m_search_problem->IsShown()) {
        m_search_problem->Hide();
        m_search_problem->GetParent()->Layout();
    }
    const std::size_t count = hits->size();
    // A refresh (new mail arriving, the same query again) keeps the reader on their message.
    const auto selected = selected_message_ids();
    m_model->set_hits(std::move(*hits));
    SetStatusText(count >= result_limit ? wxString::Format(wxPLURAL("The newest %zu message found is shown.",
                                                                    "The newest %zu messages found are shown.", count),
                                                           count)
                                        : wxString::Format(wxPLURAL("%zu message", "%zu messages", count), count));
    m_last_preview_after_typing_milliseconds = 0;  // until this search's first row is shown, if it is
    if (count == 0) {
        m_preview->show_note(_("No message matches."));
    } else if (const auto row = selected.empty() ? std::nullopt : m_model->row_of(selected.front())) {
        const wxDataViewItem item = m_model->GetItem(*row);
        m_results->Select(item);
        m_results->EnsureVisible(item);
    } else {
        select_row(0, typed);
    }
    const auto now = std::chrono::steady_clock::now();
    m_last_search_milliseconds = std::chrono::duration<double, std::milli>(now - started).count();
    m_last_rows_after_typing_milliseconds = std::chrono::duration<double, std::milli>(now - typed).count();
}

void MainFrame::select_row(unsigned row, std::optional<std::chrono::steady_clock::time_point> typed) {
    if (row >= m_model->GetCount())
        return;
    const wxDataViewItem item = m_model->GetItem(row);
    m_results->UnselectAll();
    m_results->Select(item);
    m_results->EnsureVisible(item);
    show_selected_message(typed);
}

unsigned MainFrame::row_count() const { return m_model->GetCount(); }

bool MainFrame::is_idle() const {
    return !m_search_timer.IsRunning() && !m_search_worker->busy() && !m_folder_worker->busy() &&
           !m_preview_worker->busy() && !m_health_worker->busy() && !m_import && !m_index_repair && !m_sign_in;
}

void MainFrame::on_selection_changed(wxDataViewEvent&) { show_selected_message(); }

void MainFrame::on_column_clicked(wxDataViewEvent& event) {
    if (!event.GetDataViewColumn() || event.GetDataViewColumn()->GetModelColumn() != ResultsModel::DateColumn)
        return;
    const auto selected = selected_message_ids();
    m_model->set_newest_first(!m_model->newest_first());
    event.GetDataViewColumn()->SetSortOrder(!m_model->newest_first());
    // Keep the reader on the same message after the rows move.
    for (unsigned row = 0; row < m_model->GetCount(); ++row)
        if (!selected.empty() && m_model->hit_at(row)->message_id == selected.front()) {
            select_row(row);
            break;
        }
}

std::optional<std::int64_t> MainFrame::current_message_id() const {
    const wxDataViewItem item = m_results->GetCurrentItem().IsOk() ? m_results->GetCurrentItem()
                                                                   : m_results->GetSelection();
    if (!item.IsOk())
        return std::nullopt;
    const search::SearchHit* hit = m_model->hit_at(m_model->GetRow(item));
    return hit ? std::optional(hit->message_id) : std::nullopt;
}

std::vector<std::int64_t> MainFrame::selected_message_ids() const {
    wxDataViewItemArray items;
    m_results->GetSelections(items);
    std::vector<std::int64_t> ids;
    for (const auto& item : items)
        if (const search::SearchHit* hit = m_model->hit_at(m_model->GetRow(item)))
            ids.push_back(hit->message_id);
    return ids;
}

void MainFrame::show_selected_message(std::optional<std::chrono::steady_clock::time_point> typed) {
    const auto selected = selected_message_ids();
    if (selected.empty() || !m_archive) {
        m_preview->show_note(_("Select a message to read it here."));
        return;
    }
    // Read on the worker: an import writing the archive can make a read wait for the disk, and
    // the window must not. The HTML as first shown (no remote images) is made there too.
    m_preview_worker->submit(
        [this, id = selected.front()] {
            const std::lock_guard lock(m_archive_mutex);
            PreviewAnswer answer{id, m_archive ? m_archive->message_view(id)
                                               : make_error(ErrorCode::Unavailable, "no archive is open"),
                                 std::nullopt};
            if (answer.view && !answer.view->html.empty())
                answer.html = m_archive->message_html(id, false);
            return answer;
        },
        [this, typed](PreviewAnswer answer) { preview_ready(std::move(answer), typed); });
}

void MainFrame::preview_ready(PreviewAnswer answer, std::optional<std::chrono::steady_clock::time_point> typed) {
    // The reader may have moved on while it was read: their choice now is what the pane shows.
    const auto selected = selected_message_ids();
    if (selected.empty() || selected.front() != answer.message_id)
        return;
    if (!answer.view) {
        m_preview->show_note(wxString::Format(_("This message cannot be shown: %s"),
                                              describe_error(answer.view.error())));
        return;
    }
    PreviewPanel::HtmlSource html;
    if (answer.html)
        html = [this, id = answer.message_id,
                first = std::make_shared<mime::SanitizedHtml>(html_or_note(std::move(*answer.html)))](
                   bool allow_remote_images) {
            if (!allow_remote_images)
                return *first;
            // Asked for by a click, once per message: read here.
            if (!m_archive)
                return mime::SanitizedHtml{};
            const std::lock_guard lock(m_archive_mutex);
            return html_or_note(m_archive->message_html(id, true));
        };
    const auto row = m_model->row_of(answer.message_id);
    const search::SearchHit* hit = row ? m_model->hit_at(*row) : nullptr;
    m_preview->show_message(*answer.view, std::move(html), hit ? match_summary(*hit) : std::nullopt);
    if (typed)
        m_last_preview_after_typing_milliseconds =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - *typed).count();
}

void MainFrame::on_new_archive(wxCommandEvent&) { wxGetApp().run_setup(); }

void MainFrame::on_open_archive(wxCommandEvent&) {
    wxDirDialog dialog(this, _("Choose the folder of a Cairn archive"), path_to_wx(m_directory));
    if (dialog.ShowModal() == wxID_OK)
        wxGetApp().open_archive(wx_to_path(dialog.GetPath()));
}

bool MainFrame::has_sources() {
    if (!prefs::sources().empty())
        return true;
    if (!m_archive)
        return false;
    const std::lock_guard lock(m_archive_mutex);
    auto accounts = m_archive->accounts();
    return accounts && !accounts->empty();
}

void MainFrame::apply_schedule() {
    if (prefs::schedule_hours() > 0 && !m_directory.empty())
        m_schedule_timer.Start(schedule_check_milliseconds);
    else
        m_schedule_timer.Stop();
}

void MainFrame::on_settings(wxCommandEvent&) {
    SettingsDialog dialog(this, prefs::schedule_hours(), prefs::language());
    dialog.on_change_passphrase = [this](const std::string& current, const std::string& replacement) -> wxString {
        if (m_directory.empty())
            return _("No archive is open.");
        auto changed = Archive::change_passphrase(m_directory, current, false, replacement);
        if (!changed)
            return changed.error().code == ErrorCode::Busy
                       ? _("Mail is being archived. Change the passphrase when it has finished.")
                       : wxString::Format(_("The passphrase was not changed: %s"), describe_error(changed.error()));
        // The old passphrase must not open the archive from the key cache either.
        (void)Archive::forget_cached_keys(m_directory);
        m_passphrase = replacement;
        return {};
    };
    if (dialog.ShowModal() != wxID_OK)
        return;
    prefs::set_schedule_hours(dialog.schedule_hours());
    prefs::set_language(dialog.language());
    apply_schedule();
}

void MainFrame::on_archive_now(wxCommandEvent&) {
    const auto sources = prefs::sources();
    if (!has_sources()) {
        wxMessageBox(_("Cairn does not know which mail to keep yet. Use File > New archive... to choose mail "
                       "programs, files and folders, or File > Add mail account..."),
                     _("Archive mail now"), wxOK | wxICON_INFORMATION, this);
        return;
    }
    start_archiving(sources);
}

void MainFrame::on_sources(wxCommandEvent&) {
    std::vector<SourceRow> rows;
    for (const auto& path : prefs::sources()) {
        SourceRow row{path_to_wx(path), _("never"), {}, {}};
        if (const auto run = prefs::last_run(path)) {
            row.last_run = format_date(run->time);
            row.result = wxString::Format(wxPLURAL("%llu new message", "%llu new messages", run->new_messages),
                                          static_cast<unsigned long long>(run->new_messages));
            row.problems = !run->problem.empty() ? to_wx(run->problem)
                           : run->failures   ? wxString::Format(wxPLURAL("%llu message failed", "%llu messages failed",
                                                                         run->failures),
                                                                static_cast<unsigned long long>(run->failures))
                                             : wxString();
        }
        rows.push_back(row);
    }
    if (m_archive) {
        const std::lock_guard lock(m_archive_mutex);
        if (auto accounts = m_archive->accounts())
            for (const AccountSummary& account : *accounts) {
                SourceRow row{wxString::Format(_("Mail account %s (%s on %s)"), to_wx(account.settings.name),
                                               to_wx(account.settings.login), to_wx(account.settings.host)),
                              account.last_fetch ? format_date(account.last_fetch) : _("never"),
                              to_wx(account.last_fetch_summary), {}};
                if (!account.has_secret)
                    row.problems = _("Not signed in: run cairn account login with its name.");
                rows.push_back(row);
            }
    }
    SourcesDialog dialog(this, rows);
    dialog.ShowModal();
}

void MainFrame::on_add_account(wxCommandEvent&) {
    if (m_directory.empty())
        return;
    AccountDialog dialog(this, m_user.empty() ? operating_system_user() : m_user);
    if (dialog.ShowModal() != wxID_OK)
        return;
    if (const auto account = dialog.account())
        add_account(*account);
}

void MainFrame::add_account(const NewAccount& account) {
    const wxString name = to_wx(account.settings.name);
    switch (m_archive_requests.add_account(account, m_import != nullptr, m_sign_in != nullptr)) {
    case AccountTurn::AfterRun:
        show_error(_("Add mail account"),
                   wxString::Format(_("Mail is being archived. Add the account %s again when it has finished."), name));
        return;
    case AccountTurn::AfterSignIn:
        SetStatusText(wxString::Format(
            _("The account %s signs in when the sign-in that is going on in the browser has finished."), name));
        return;
    case AccountTurn::AddNow: break;
    }
    m_index_repair.reset();
    auto writer = open_archive_asking(this, m_directory, Access::ReadWrite, m_passphrase);
    if (!writer) {
        show_error(_("Add mail account"),
                   wxString::Format(_("Cannot open the archive for writing: %s"), describe_error(writer.error())));
        return;
    }
    if (auto added = writer->add_account(account.settings, account.secret); !added) {
        show_error(_("Add mail account"), wxString::Format(_("The account %s was not added: %s"), name,
                                                           describe_error(added.error())));
        return;
    }
    if (account.settings.sign_in == accounts::SignIn::Password) {
        SetStatusText(wxString::Format(_("Account %s added. Archive mail now (Ctrl+R) fetches its mail."), name));
        return;
    }
    sign_in(std::move(*writer), account.settings.name);
}

void MainFrame::sign_in(Archive writer, const std::string& account) {
    const wxString name = to_wx(account);
    auto* waiting = new wxDialog(this, wxID_ANY, _("Sign in"));
    waiting->SetName("sign-in-dialog");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* text = new wxStaticText(waiting, wxID_ANY,
                                  wxString::Format(_("Finish signing in to %s in your browser. Cairn waits here until "
                                                     "you have."),
                                                   name));
    text->Wrap(FromDIP(360));
    sizer->Add(text, wxSizerFlags().Border(wxALL, FromDIP(12)));
    sizer->Add(waiting->CreateButtonSizer(wxCANCEL), wxSizerFlags().Expand().Border(wxALL, FromDIP(12)));
    waiting->SetSizerAndFit(sizer);
    waiting->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (m_sign_in)
            m_sign_in->cancel();
    }, wxID_CANCEL);
    waiting->Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent&) {
        if (m_sign_in)
            m_sign_in->cancel();
    });
    waiting->Show();
    const UiPoster poster = application_poster();
    m_sign_in = std::make_unique<BackgroundJob<bool>>(
        std::move(writer),
        [account, poster](Archive& archive, ProgressObserver&, const CancellationToken& cancel) -> Result<bool> {
            AccountSignInOptions options;
            options.flow = SignInFlow::Browser;
            options.client_defaults = oauth_client_defaults();
            options.cancellation = &cancel;
            options.open_browser = [poster](const std::string& url) -> Result<void> {
                poster([url] { wxLaunchDefaultBrowser(to_wx(url)); });
                return {};
            };
            CAIRN_TRY_VOID(archive.sign_in_account(account, options));
            return true;
        },
        nullptr,
        [this, waiting, name](Result<bool> result) {
            m_sign_in.reset();
            waiting->Destroy();
            // Accounts added while this one signed in: their turn now, one sign-in at a time.
            while (!m_sign_in) {
                auto next = m_archive_requests.next_account();
                if (!next)
                    break;
                add_account(*next);
            }
            // Files the wizard was given (or Archive mail now) waited for the archive: their turn
            // after the last sign-in, whether or not it worked. The run fetches the accounts.
            if (auto paths = m_sign_in ? std::nullopt : m_archive_requests.sign_in_ended())
                start_archiving(*paths);
            if (result && m_import)
                SetStatusText(wxString::Format(_("Signed in to %s. Its mail is being archived."), name));
            else if (result)
                SetStatusText(wxString::Format(_("Signed in to %s. Archive mail now (Ctrl+R) fetches its mail."), name));
            else if (result.error().code != ErrorCode::Cancelled)
                show_error(_("Sign in"),
                           wxString::Format(_("Signing in to %s did not work: %s\nThe account is kept without a "
                                              "sign-in. To sign in later, run: cairn account login %s"),
                                            name, describe_error(result.error()), name));
        });
}

void MainFrame::start_archiving(const std::vector<std::filesystem::path>& paths) {
    if (m_directory.empty())
        return;
    if (!m_archive_requests.request(paths, m_import != nullptr, m_sign_in != nullptr)) {
        if (m_sign_in)
            SetStatusText(_("Your mail is archived as soon as the sign-in in the browser has finished."));
        return;
    }
    // One writer at a time: the import catches the index up itself.
    m_index_repair.reset();
    // The writer opens here, on the UI thread, where it can still ask for the passphrase.
    auto writer = open_archive_asking(this, m_directory, Access::ReadWrite, m_passphrase);
    if (!writer) {
        show_error(_("Archive mail now"),
                   writer.error().code == ErrorCode::Busy
                       ? wxString::Format(_("Another program is writing to the archive in %s. Try again when it "
                                            "has finished."),
                                          path_to_wx(m_directory))
                       : wxString::Format(_("Cannot open the archive for writing: %s"), describe_error(writer.error())));
        return;
    }
    ImportOptions options;
    options.user = m_user.empty() ? operating_system_user() : m_user;
    m_import_panel->show_started();
    m_import_refresh_timer.Start(import_refresh_milliseconds);
    m_import_panel->Show();
    GetChildren().front()->Layout();
    // Filled in by the worker, read when the job has ended (the poster orders the two).
    auto runs = std::make_shared<std::vector<std::pair<std::filesystem::path, prefs::SourceRun>>>();
    m_import = std::make_unique<BackgroundJob<ImportReport>>(
        std::move(*writer),
        [paths, options, runs](Archive& archive, ProgressObserver& observer,
                               const CancellationToken& cancel) -> Result<ImportReport> {
            ImportReport report;
            // One source at a time, so the Sources window can say how each one went.
            for (const auto& path : paths) {
                if (cancel.is_cancelled() || report.fatal_error)
                    break;
                auto part = archive.import({path}, options, &observer, &cancel);
                prefs::SourceRun run;
                run.time = static_cast<std::int64_t>(std::time(nullptr));
                if (part) {
                    run.new_messages = part->messages_stored;
                    run.failures = part->failures.size();
                    add_import_to_report(report, *part);
                } else {
                    run.problem = part.error().message;
                    report.failures.push_back({path.string(), 0, part.error().message});
                }
                runs->emplace_back(path, run);
            }
            auto accounts = archive.accounts();
            if (!accounts || accounts->empty() || cancel.is_cancelled())
                return report;
            FetchOptions fetch_options;
            fetch_options.oauth_clients = oauth_client_defaults();
            auto fetched = archive.fetch({}, fetch_options, &observer, &cancel);
            if (!fetched)
                report.failures.push_back({fetched.error().context, 0, fetched.error().message});
            else
                add_fetch_to_report(report, *fetched);
            return report;
        },
        [this](const Progress& progress) { m_import_panel->show_progress(progress); },
        [this, runs](Result<ImportReport> result) {
            for (const auto& [path, run] : *runs)
                prefs::set_last_run(path, run);
            import_finished(std::move(result));
        });
}

void MainFrame::import_finished(Result<ImportReport> result) {
    m_import.reset();
    m_last_run = std::chrono::system_clock::now();
    m_import_refresh_timer.Stop();
    // A long run ends while the person does something else: tell them where they are.
    constexpr double long_run_seconds = 30;
    if (result && (result->seconds > long_run_seconds || !IsActive())) {
        wxNotificationMessage notice(_("Cairn: archiving finished"),
                                     wxString::Format(wxPLURAL("%llu new message archived.", "%llu new messages archived.",
                                                               result->messages_stored),
                                                      static_cast<unsigned long long>(result->messages_stored)),
                                     this);
        notice.Show();
    }
    m_import_panel->show_finished(result);
    GetChildren().front()->Layout();
    refresh_users();
    refresh_folders();
    run_search();
    repair_index_if_needed();
}

void MainFrame::on_export(wxCommandEvent&) {
    if (selected_message_ids().empty()) {
        wxMessageBox(_("Select the messages to export first."), _("Export"), wxOK | wxICON_INFORMATION, this);
        return;
    }
    if (const auto target = ask_export_target(_("Export the selected messages as:")))
        export_selected(target->first, target->second);
}

std::optional<std::pair<ExportFormat, std::filesystem::path>> MainFrame::ask_export_target(const wxString& prompt) {
    const wxString choices[] = {_("EML files in a folder"), _("MBOX files in a folder"), _("A zip file of EML files")};
    wxSingleChoiceDialog format_dialog(this, prompt, _("Export"), 3, choices);
    if (format_dialog.ShowModal() != wxID_OK)
        return std::nullopt;
    const int format = format_dialog.GetSelection();
    wxString out;
    if (format == 2) {
        wxFileDialog dialog(this, _("Export to zip file"), {}, "cairn-export.zip", _("Zip files (*.zip)|*.zip"),
                            wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
        if (dialog.ShowModal() != wxID_OK)
            return std::nullopt;
        out = dialog.GetPath();
    } else {
        wxDirDialog dialog(this, _("Export into folder"));
        if (dialog.ShowModal() != wxID_OK)
            return std::nullopt;
        out = dialog.GetPath();
    }
    return std::pair(format == 0 ? ExportFormat::Eml : format == 1 ? ExportFormat::Mbox : ExportFormat::Zip,
                     wx_to_path(out));
}

void MainFrame::export_selected(ExportFormat format, const std::filesystem::path& out) {
    const auto ids = selected_message_ids();
    if (ids.empty())
        return;
    ExportOptions options;
    options.format = format;
    options.out = out;
    options.message_ids = ids;
    run_export(options);
}

void MainFrame::export_folder(const FolderPanel::Choice& choice, ExportFormat format,
                              const std::filesystem::path& out) {
    ExportOptions options;
    options.format = format;
    options.out = out;
    options.filter.user = choice.user;
    options.filter.folder = choice.folder;
    run_export(options);
}

void MainFrame::run_export(const ExportOptions& options) {
    if (!m_archive)
        return;
    const auto& out = options.out;
    wxProgressDialog dialog(_("Export"), _("Exporting..."), 1000, this, wxPD_APP_MODAL | wxPD_CAN_ABORT | wxPD_AUTO_HIDE);
    CancellationToken cancel;
    ExportProgress progress(dialog, cancel);
    // The progress dialog runs a nested event loop; the timers wait for the export to end.
    m_exporting = true;
    auto report = [&] {
        const std::lock_guard lock(m_archive_mutex);
        return m_archive->export_messages(options, &progress, &cancel);
    }();
    m_exporting = false;
    dialog.Update(1000);
    if (!report) {
        show_error(_("Export"), wxString::Format(_("The export to %s failed: %s"), path_to_wx(out),
                                                 describe_error(report.error())));
        return;
    }
    wxString failures;
    for (const auto& failure : report->failures)
        failures += wxString::Format("%s: %s\n", to_wx(failure.source_path), to_wx(failure.reason));
    SetStatusText(wxString::Format(wxPLURAL("Exported %llu message (%s) to %s.", "Exported %llu messages (%s) to %s.",
                                            report->messages),
                                   static_cast<unsigned long long>(report->messages), format_size(report->bytes),
                                   path_to_wx(out)));
    if (!failures.empty())
        show_error(_("Export"), _("Some messages were not exported:\n") + failures);
}

void MainFrame::on_open_in_mail_client(wxCommandEvent&) {
    const auto id = current_message_id();
    if (!id || !m_archive)
        return;
    auto path = [&] {
        const std::lock_guard lock(m_archive_mutex);
        return write_temporary_eml(*m_archive, *id);
    }();
    if (!path) {
        show_error(_("Open in mail client"), describe_error(path.error()));
        return;
    }
    if (!wxLaunchDefaultApplication(path_to_wx(*path)))
        show_error(_("Open in mail client"),
                   wxString::Format(_("No program is set up to open mail files (.eml). The message was saved as %s."),
                                    path_to_wx(*path)));
}

void MainFrame::on_copy(wxCommandEvent&) {
    // In a text field, Ctrl+C copies its selected text as everywhere else.
    if (auto* field = dynamic_cast<wxTextEntry*>(FindFocus()); field && field->CanCopy()) {
        field->Copy();
        return;
    }
    if (auto* text = dynamic_cast<wxTextCtrl*>(FindFocus()); text && text->CanCopy()) {
        text->Copy();
        return;
    }
    if (selected_message_ids().empty())
        return;
    if (wxClipboardLocker locker; !!locker)
        wxTheClipboard->SetData(new wxTextDataObject(m_preview->message_text()));
}

void MainFrame::on_find(wxCommandEvent&) {
    m_search->SetFocus();
    m_search->SelectAll();
}

void MainFrame::on_about(wxCommandEvent&) {
    wxAboutDialogInfo info;
    info.SetName("Cairn");
    info.SetVersion("0.1.0");
    info.SetDescription(_("Keeps a complete, searchable, encrypted copy of your email on your own disk."));
    info.SetLicence("GPL-3.0-or-later");
    wxAboutBox(info, this);
}

std::optional<std::string> MainFrame::attachment_bytes(std::size_t index, const wxString& action) {
    const auto id = current_message_id();
    if (!id || !m_archive)
        return std::nullopt;
    auto data = [&] {
        const std::lock_guard lock(m_archive_mutex);
        return m_archive->attachment_data(*id, index);
    }();
    if (!data) {
        show_error(action, describe_error(data.error()));
        return std::nullopt;
    }
    return std::move(*data);
}

void MainFrame::save_attachment(std::size_t index) {
    const auto data = attachment_bytes(index, _("Save attachment"));
    if (!data)
        return;
    wxFileDialog dialog(this, _("Save attachment"), {}, m_preview->attachment_name(index), _("All files|*"),
                        wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
    if (dialog.ShowModal() != wxID_OK)
        return;
    std::ofstream out(wx_to_path(dialog.GetPath()), std::ios::binary | std::ios::trunc);
    out.write(data->data(), static_cast<std::streamsize>(data->size()));
    if (!out.flush())
        show_error(_("Save attachment"),
                   wxString::Format(_("Could not write %s. Check that the disk has room and the folder is writable."),
                                    dialog.GetPath()));
}

void MainFrame::open_attachment(std::size_t index) {
    const auto data = attachment_bytes(index, _("Open attachment"));
    if (!data)
        return;
    const wxString name = m_preview->attachment_name(index);
    auto path = write_temporary_file(to_utf8(name), *data);
    if (!path) {
        show_error(_("Open attachment"), describe_error(path.error()));
        return;
    }
    if (!wxLaunchDefaultApplication(path_to_wx(*path)))
        show_error(_("Open attachment"), wxString::Format(_("No program is set up to open %s. It was saved as %s."),
                                                          name, path_to_wx(*path)));
}

void MainFrame::show_error(const wxString& title, const wxString& message) {
    wxMessageBox(message, title, wxOK | wxICON_ERROR, this);
}

void MainFrame::on_close(wxCloseEvent& event) {
    if (m_import && event.CanVeto()) {
        const int answer = wxMessageBox(_("Mail is being archived. Stop and quit? What was archived so far is kept."),
                                        _("Quit Cairn"), wxYES_NO | wxICON_QUESTION, this);
        if (answer != wxYES) {
            event.Veto();
            return;
        }
    }
    save_layout();
    m_import.reset();
    m_index_repair.reset();
    m_sign_in.reset();
    Destroy();
}

}  // namespace cairn::desktop
