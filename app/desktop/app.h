// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <memory>

#include <wx/app.h>

namespace cairn::desktop {

class MainFrame;
class TestScript;

class App : public wxApp {
public:
    App();
    ~App() override;
    bool OnInit() override;
    int OnRun() override;
    int OnExit() override;
    void OnInitCmdLine(wxCmdLineParser& parser) override;
    bool OnCmdLineParsed(wxCmdLineParser& parser) override;

    /// The first-start wizard (also File > New archive...): creates or opens an archive, shows
    /// it, and starts archiving the mail chosen.
    void run_setup();
    /// Asks the passphrase of the archive in DIRECTORY and shows it.
    void open_archive(const std::filesystem::path& directory);

    MainFrame* main_frame() const { return m_frame; }
    /// Nothing running and no dialog of ours waiting for the user.
    bool is_idle() const;
    /// A test script's verdict: the exit status becomes non-zero.
    void mark_failed() { m_failed = true; }
    /// Seconds from the process start until the main window was first shown and idle (0: not yet).
    double startup_seconds() const { return m_startup_seconds; }

private:
    void start();

    MainFrame* m_frame = nullptr;
    std::filesystem::path m_archive_directory;
    wxString m_test_script;
    std::unique_ptr<TestScript> m_script;
    bool m_in_setup = false;
    bool m_started = false;  ///< the archive was opened or the wizard has run
    bool m_failed = false;
    double m_startup_seconds = 0;
};

}  // namespace cairn::desktop

wxDECLARE_APP(cairn::desktop::App);
