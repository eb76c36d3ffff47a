// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/app.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <wx/cmdline.h>
#include <wx/filename.h>
#include <wx/image.h>
#include <wx/intl.h>
#include <wx/msgdlg.h>
#include <wx/stdpaths.h>

#include "app/desktop/dialogs/setup_wizard.h"
#include "app/desktop/dialogs/unlock_dialog.h"
#include "app/desktop/glue/text.h"
#include "app/desktop/main_frame.h"
#include "app/desktop/prefs.h"
#include "app/desktop/test_script.h"
#include "app/desktop/translations.h"

namespace cairn::desktop {

App::App() = default;
App::~App() = default;

void App::OnInitCmdLine(wxCmdLineParser& parser) {
    wxApp::OnInitCmdLine(parser);
    parser.AddOption({}, "archive", _("the archive folder (default: $CAIRN_ARCHIVE, else ~/.local/share/cairn/archive)"));
    parser.AddOption({}, "test-script", _("run the commands in FILE (for automated tests)"));
}

bool App::OnCmdLineParsed(wxCmdLineParser& parser) {
    wxString value;
    m_archive_directory = parser.Found("archive", &value) ? wx_to_path(value) : default_archive_directory();
    if (parser.Found("test-script", &value))
        m_test_script = value;
    return wxApp::OnCmdLineParsed(parser);
}

namespace {

/// Core runs attachment text extraction in cairn-extract-worker beside the executable. Installed,
/// both are in bin/; in a build tree the worker sits with the command line in app/cli/.
void find_extract_worker(const wxString& executable_directory) {
    if (std::getenv("CAIRN_EXTRACT_WORKER"))
        return;
    const std::filesystem::path here = wx_to_path(executable_directory);
    std::error_code error;
    if (std::filesystem::exists(here / "cairn-extract-worker", error))
        return;
    const auto in_build_tree = here.parent_path() / "cli" / "cairn-extract-worker";
    if (std::filesystem::exists(in_build_tree, error))
        ::setenv("CAIRN_EXTRACT_WORKER", in_build_tree.c_str(), 0);
}

/// Seconds since this process started, from the kernel's own record (so the loading of the
/// shared libraries counts as well); 0 when /proc cannot tell.
double seconds_since_process_start() {
    std::ifstream stat("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const std::size_t after_name = text.rfind(')');
    if (after_name == std::string::npos)
        return 0;
    std::istringstream fields(text.substr(after_name + 2));
    std::string field;
    // Field 22 is the start time; the state (field 3) is the first after the name.
    for (int index = 3; index < 22 && fields >> field; ++index) {
    }
    unsigned long long start_ticks = 0;
    fields >> start_ticks;
    std::ifstream uptime_file("/proc/uptime");
    double uptime = 0;
    uptime_file >> uptime;
    return uptime - static_cast<double>(start_ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace

bool App::OnInit() {
    SetAppName("cairn-desktop");
    SetAppDisplayName("Cairn");
    const wxString executable_directory = wxFileName(wxStandardPaths::Get().GetExecutablePath()).GetPath();
    // The configuration first: it holds the language chosen in Settings.
    prefs::install_config();
    install_translations(executable_directory, prefs::language());
    find_extract_worker(executable_directory);
    if (!wxApp::OnInit())
        return false;
    wxInitAllImageHandlers();
    m_frame = new MainFrame;
    m_frame->Show();
    m_frame->Bind(wxEVT_IDLE, [this](wxIdleEvent& event) {
        event.Skip();
        if (m_startup_seconds != 0 || !m_frame->IsShownOnScreen())
            return;
        m_startup_seconds = seconds_since_process_start();
        // The window is up first; unlocking (a KDF) or the wizard come right after.
        CallAfter(&App::start);
    });
    if (!m_test_script.empty()) {
        m_script = std::make_unique<TestScript>(*this, m_test_script);
        m_script->start();
    }
    return true;
}

int App::OnRun() {
    const int status = wxApp::OnRun();
    return m_failed ? 1 : status;
}

int App::OnExit() {
    m_script.reset();
    return wxApp::OnExit();
}

bool App::is_idle() const { return m_started && !m_in_setup && (!m_frame || m_frame->is_idle()); }

void App::start() {
    std::error_code error;
    if (std::filesystem::exists(m_archive_directory / "cairn.archive", error))
        open_archive(m_archive_directory);
    else
        run_setup();
    m_started = true;
}

void App::open_archive(const std::filesystem::path& directory) {
    std::optional<std::string> passphrase;
    auto archive = open_archive_asking(m_frame, directory, Access::ReadOnly, passphrase);
    if (!archive) {
        if (archive.error().code != ErrorCode::Cancelled)
            wxMessageBox(wxString::Format(_("Cannot open the archive in %s: %s"), path_to_wx(directory),
                                          describe_error(archive.error())),
                         _("Open archive"), wxOK | wxICON_ERROR, m_frame);
        return;
    }
    m_frame->set_archive(directory, std::move(*archive), passphrase);
}

void App::run_setup() {
    m_in_setup = true;
    auto choice = run_setup_wizard(m_frame, m_archive_directory);
    m_in_setup = false;
    if (!choice)
        return;
    std::optional<std::string> passphrase = choice->passphrase;
    auto archive = open_archive_asking(m_frame, choice->directory, Access::ReadOnly, passphrase);
    if (!archive) {
        wxMessageBox(wxString::Format(_("Cannot open the archive in %s: %s"), path_to_wx(choice->directory),
                                      describe_error(archive.error())),
                     _("Open archive"), wxOK | wxICON_ERROR, m_frame);
        return;
    }
    m_archive_directory = choice->directory;
    m_frame->set_archive(choice->directory, std::move(*archive), passphrase);
    for (const NewAccount& account : choice->accounts)
        m_frame->add_account(account);
    if (!choice->sources.empty())
        prefs::set_sources(choice->sources);
    // A Google or Microsoft account may be signing in now: the run then waits for the sign-in
    // to end (MainFrame::start_archiving), and fetches the account with the files.
    if (!choice->sources.empty() || !choice->accounts.empty())
        m_frame->start_archiving(choice->sources);
}

}  // namespace cairn::desktop
