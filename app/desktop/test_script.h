// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <wx/event.h>
#include <wx/timer.h>

namespace cairn::desktop {

class App;

/// `cairn-desktop --test-script FILE`: runs one command a line, the way a person would use the
/// window: it sets the real controls' values and fires the same events a click or key fires, so
/// the code under test is the code users run. Commands:
///   wizard-next | wizard-finish | wizard-cancel   press the wizard's Next / Finish / Cancel
///   expect-wizard-button back|next|cancel LABEL   fail unless that wizard button shows LABEL
///   set-field NAME VALUE...                 type into (or tick or toggle, for 1/0; choose, by index) the control NAME
///   click NAME                              press the button named NAME
///   click-later NAME                        the same, queued: for a button that opens a dialog
///   add-source PATH                         add PATH to the wizard's list, ticked (instead of a file dialog)
///   expect-sources-at-least N               fail unless the wizard lists at least N sources
///   menu archive-now|export|copy|find|add-account|sources|settings   choose a menu command
///   menu-later COMMAND                      the same, queued: for one that opens a dialog to fill in
///   search WORDS...                         type into the search box (debounced as typing is)
///   wait-idle [SECONDS]                     wait until no search, import or wizard is pending
///   select-row N                            select result row N and wait until the preview shows it
///   expect-rows-at-least N                  fail unless the list has at least N rows
///   expect-rows N                           fail unless the list has exactly N rows
///   expect-text NAME TEXT...                fail unless the control NAME (a list: one of its lines) shows TEXT
///   expect-wrapped NAME                     fail unless the text control NAME wraps a line longer than it is wide
///   expect-menu INDEX LABEL                 fail unless the main menu INDEX is labelled LABEL
///   export-selected eml|mbox|zip OUT        export the selection to OUT
///   select-folder PATH | -                  choose a folder in the folder tree (-: all mail)
///   export-folder eml|mbox|zip OUT          export the chosen folder to OUT
///   screenshot NAME                         save the front window as ARTIFACTS/NAME.png
///   search-time                             print how long the last search took, from the keystroke to
///                                           the rows and to the first one previewed
///   startup-time                            print the seconds from process start to the first window
///   sleep MILLISECONDS | quit
/// Screenshots go to $CAIRN_TEST_ARTIFACTS (default: the working directory). A failed command
/// is reported on stderr; the script goes on, and the exit status is 1.
class TestScript : public wxEvtHandler {
public:
    TestScript(App& app, const wxString& path);
    void start();

private:
    void on_tick(wxTimerEvent& event);
    /// Runs one command; false when it must be tried again on a later tick (still waiting).
    bool run(const std::vector<std::string>& words);
    void fail(const std::string& what);
    void take_screenshot(const std::string& name);

    App& m_app;
    wxTimer m_timer;
    std::vector<std::string> m_lines;
    std::size_t m_next = 0;
    double m_waited_seconds = 0;
    bool m_running = false;
    std::filesystem::path m_artifacts;
};

}  // namespace cairn::desktop
