// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/test_script.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/checklst.h>
#include <wx/choice.h>
#include <wx/ctrlsub.h>
#include <wx/menu.h>
#include <wx/radiobut.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/tglbtn.h>
#include <wx/toplevel.h>
#include <wx/wizard.h>

#include "app/desktop/app.h"
#include "app/desktop/dialogs/setup_wizard.h"
#include "app/desktop/glue/text.h"
#include "app/desktop/main_frame.h"

// wx reads the screen through a cached surface on GTK 3; ask GDK (which wx links) directly.
// Declared here because Debian's wx development package does not bring the GTK headers.
extern "C" {
typedef struct _GdkWindow GdkWindow;
GdkWindow* gdk_get_default_root_window(void);
GdkPixbuf* gdk_pixbuf_get_from_window(GdkWindow* window, int x, int y, int width, int height);
typedef struct _GtkButton GtkButton;
int gtk_button_get_use_stock(GtkButton* button);
const char* gtk_button_get_label(GtkButton* button);
/// GtkStockItem's fields, in its order.
struct CairnGtkStockItem {
    char* stock_id;
    char* label;
    int modifier;
    unsigned keyval;
    char* translation_domain;
};
int gtk_stock_lookup(const char* stock_id, CairnGtkStockItem* item);
}

namespace cairn::desktop {
namespace {

constexpr int tick_milliseconds = 100;

/// The window a person would be looking at: the newest dialog of ours when one is open (a
/// dialog opened from another is on top of it), else the main window.
wxTopLevelWindow* front_window() {
    wxTopLevelWindow* front = nullptr;
    wxTopLevelWindow* dialog = nullptr;
    for (wxWindow* window : wxTopLevelWindows)
        if (window->IsShown())
            if (auto* top = dynamic_cast<wxTopLevelWindow*>(window)) {
                if (dynamic_cast<wxDialog*>(top))
                    dialog = top;
                front = front ? front : top;
            }
    return dialog ? dialog : front;
}

wxWindow* find_named(const std::string& name) {
    for (wxWindow* window : wxTopLevelWindows)
        if (wxWindow* found = wxWindow::FindWindowByName(to_wx(name), window))
            return found;
    return nullptr;
}

std::string rest_of(const std::vector<std::string>& words, std::size_t from) {
    std::string text;
    for (std::size_t index = from; index < words.size(); ++index)
        text += (index > from ? " " : "") + words[index];
    return text;
}

ExportFormat export_format(const std::string& name) {
    return name == "mbox" ? ExportFormat::Mbox : name == "zip" ? ExportFormat::Zip : ExportFormat::Eml;
}

/// The text BUTTON shows: its wx label, but for a button GTK draws from its stock items (wx
/// asks for one when the label is the standard one of Cancel, OK...), GTK's own translation.
wxString shown_label(wxWindow& button) {
    auto* widget = static_cast<GtkButton*>(static_cast<void*>(button.GetHandle()));
    CairnGtkStockItem item{};
    if (gtk_button_get_use_stock(widget) && gtk_stock_lookup(gtk_button_get_label(widget), &item) && item.label) {
        wxString label = wxString::FromUTF8(item.label);
        label.Replace("_", "");  // GTK's mnemonic mark
        return label;
    }
    return wxStripMenuCodes(button.GetLabel());  // without the mnemonic's '&'
}

/// Sends the event a click on BUTTON sends.
void press(wxWindow& button) {
    wxCommandEvent click(wxEVT_BUTTON, button.GetId());
    click.SetEventObject(&button);
    button.GetEventHandler()->ProcessEvent(click);
}

}  // namespace

TestScript::TestScript(App& app, const wxString& path) : m_app(app), m_timer(this) {
    std::ifstream in(wx_to_path(path));
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line.front() != '#')
            m_lines.push_back(line);
    if (m_lines.empty())
        std::fprintf(stderr, "test script %s: no commands\n", to_utf8(path).c_str());
    const char* artifacts = std::getenv("CAIRN_TEST_ARTIFACTS");
    m_artifacts = artifacts && *artifacts ? std::filesystem::path(artifacts) : std::filesystem::current_path();
    Bind(wxEVT_TIMER, &TestScript::on_tick, this);
}

void TestScript::start() { m_timer.Start(tick_milliseconds); }

void TestScript::fail(const std::string& what) {
    std::fprintf(stderr, "test script line %zu (%s): %s\n", m_next + 1, m_lines[m_next].c_str(), what.c_str());
    m_app.mark_failed();
}

void TestScript::on_tick(wxTimerEvent&) {
    if (m_next >= m_lines.size()) {
        m_timer.Stop();
        return;
    }
    // A modal dialog opened by a command runs its own loop; the timer keeps firing inside it.
    // Running the next command re-entrantly is what lets the script press the dialog's buttons.
    std::istringstream stream(m_lines[m_next]);
    std::vector<std::string> words;
    for (std::string word; stream >> word;)
        words.push_back(word);
    // A command that runs a nested event loop (a progress dialog) must finish before the next.
    if (m_running)
        return;
    m_running = true;
    const std::size_t current = m_next;
    const bool done = run(words);
    m_running = false;
    if (done) {
        if (m_next == current)
            ++m_next;
        m_waited_seconds = 0;
    } else {
        m_waited_seconds += tick_milliseconds / 1000.0;
    }
}

bool TestScript::run(const std::vector<std::string>& words) {
    const std::string& command = words.front();
    MainFrame* frame = m_app.main_frame();
    if (m_waited_seconds == 0)
        std::fprintf(stderr, "test script: %s\n", m_lines[m_next].c_str());
    if (command == "wizard-next" || command == "wizard-finish" || command == "wizard-cancel") {
        wxWindow* wizard = find_named("setup-wizard");
        wxWindow* next = wizard ? wizard->FindWindow(command == "wizard-cancel" ? wxID_CANCEL : wxID_FORWARD) : nullptr;
        if (!next) {
            fail("no wizard is open");
            return true;
        }
        // Advance past this line first: pressing Finish returns from the wizard's modal loop
        // only after this handler, and the next tick must not press it again.
        ++m_next;
        press(*next);
        return true;
    }
    if (command == "expect-wizard-button" && words.size() >= 3) {
        wxWindow* wizard = find_named("setup-wizard");
        const int id = words[1] == "back"     ? int(wxID_BACKWARD)
                       : words[1] == "next"   ? int(wxID_FORWARD)
                       : words[1] == "cancel" ? int(wxID_CANCEL)
                                              : int(wxID_NONE);
        // The wizard opens just after the main window: give it the time a person would.
        if (!wizard && m_waited_seconds < 10)
            return false;
        wxWindow* button = wizard && id != wxID_NONE ? wizard->FindWindow(id) : nullptr;
        if (!button)
            fail("no wizard button " + words[1]);
        else if (const wxString label = shown_label(*button); label != to_wx(rest_of(words, 2)))
            fail("the wizard's " + words[1] + " button reads " + to_utf8(label));
        return true;
    }
    if (command == "set-field" && words.size() >= 2) {
        wxWindow* window = find_named(words[1]);
        const wxString value = to_wx(rest_of(words, 2));
        if (auto* text = dynamic_cast<wxTextEntry*>(window))
            text->SetValue(value);  // fires wxEVT_TEXT, as typing does
        else if (auto* check = dynamic_cast<wxCheckBox*>(window)) {
            check->SetValue(value == "1");
            wxCommandEvent event(wxEVT_CHECKBOX, check->GetId());
            event.SetEventObject(check);
            event.SetInt(check->GetValue());
            check->GetEventHandler()->ProcessEvent(event);
        } else if (auto* choice = dynamic_cast<wxChoice*>(window)) {
            choice->SetSelection(std::atoi(rest_of(words, 2).c_str()));  // an index
            wxCommandEvent event(wxEVT_CHOICE, choice->GetId());
            event.SetEventObject(choice);
            event.SetInt(choice->GetSelection());
            choice->GetEventHandler()->ProcessEvent(event);
        } else if (auto* toggle = dynamic_cast<wxToggleButton*>(window)) {
            toggle->SetValue(value == "1");
            wxCommandEvent event(wxEVT_TOGGLEBUTTON, toggle->GetId());
            event.SetEventObject(toggle);
            event.SetInt(toggle->GetValue());
            toggle->GetEventHandler()->ProcessEvent(event);
        } else if (auto* radio = dynamic_cast<wxRadioButton*>(window)) {
            radio->SetValue(true);
            wxCommandEvent event(wxEVT_RADIOBUTTON, radio->GetId());
            event.SetEventObject(radio);
            radio->GetEventHandler()->ProcessEvent(event);
        } else
            fail("no text field, check box, toggle button, choice or radio button named " + words[1]);
        return true;
    }
    if ((command == "click" || command == "click-later") && words.size() >= 2) {
        wxWindow* button = find_named(words[1]);
        if (!button) {
            fail("no button named " + words[1]);
        } else if (command == "click-later") {
            // Queued, for a button that opens a dialog the next lines fill in (see menu-later).
            auto* click = new wxCommandEvent(wxEVT_BUTTON, button->GetId());
            click->SetEventObject(button);
            button->GetEventHandler()->QueueEvent(click);
        } else {
            press(*button);
        }
        return true;
    }
    if (command == "add-source" && words.size() >= 2) {
        if (auto* list = dynamic_cast<wxCheckListBox*>(find_named("sources")))
            append_source(*list, rest_of(words, 1), to_wx(rest_of(words, 1)));
        else
            fail("the wizard's source list is not shown");
        return true;
    }
    if (command == "expect-sources-at-least" && words.size() >= 2) {
        auto* list = dynamic_cast<wxCheckListBox*>(find_named("sources"));
        const unsigned wanted = static_cast<unsigned>(std::atoi(words[1].c_str()));
        if (!list || list->GetCount() < wanted)
            fail("the wizard lists " + std::to_string(list ? list->GetCount() : 0) + " sources");
        return true;
    }
    if ((command == "menu" || command == "menu-later") && words.size() >= 2 && frame) {
        const std::string& which = words[1];
        const int id = which == "archive-now" ? int(ArchiveNowCommand)
                       : which == "export"    ? int(ExportSelectionCommand)
                       : which == "copy"      ? int(CopyMessageTextCommand)
                       : which == "find"      ? int(wxID_FIND)
                       : which == "add-account" ? int(AddAccountCommand)
                       : which == "sources"     ? int(SourcesCommand)
                       : which == "settings"    ? int(wxID_PREFERENCES)
                                              : int(wxID_NONE);
        if (id == wxID_NONE) {
            fail("unknown menu command");
            return true;
        }
        if (command == "menu-later") {
            // Queued: a command that opens a modal dialog returns only when it closes, and the
            // script must go on inside the dialog's loop to fill it in.
            auto* event = new wxCommandEvent(wxEVT_MENU, id);
            event->SetEventObject(frame);
            frame->GetEventHandler()->QueueEvent(event);
            return true;
        }
        wxCommandEvent event(wxEVT_MENU, id);
        event.SetEventObject(frame);
        frame->ProcessWindowEvent(event);
        return true;
    }
    if (command == "search" && frame) {
        frame->search_box()->SetValue(to_wx(rest_of(words, 1)));
        return true;
    }
    if (command == "wait-idle") {
        const double limit = words.size() >= 2 ? std::atof(words[1].c_str()) : 120.0;
        if (m_app.is_idle())
            return true;
        if (m_waited_seconds >= limit) {
            fail("still busy after the time allowed");
            return true;
        }
        return false;
    }
    if (command == "sleep" && words.size() >= 2) {
        const double wanted = std::atof(words[1].c_str()) / 1000.0;
        return m_waited_seconds >= wanted;
    }
    if (command == "select-row" && words.size() >= 2 && frame) {
        // The message is read on a worker: the command ends when the preview shows it.
        if (m_waited_seconds > 0)
            return !frame->preview_pending() || m_waited_seconds >= 30;
        const unsigned row = static_cast<unsigned>(std::atoi(words[1].c_str()));
        if (row >= frame->row_count()) {
            fail("the list has only " + std::to_string(frame->row_count()) + " rows");
            return true;
        }
        frame->select_row(row);
        return !frame->preview_pending();
    }
    if (command == "expect-rows-at-least" && words.size() >= 2 && frame) {
        const unsigned wanted = static_cast<unsigned>(std::atoi(words[1].c_str()));
        if (frame->row_count() < wanted)
            fail("the list has " + std::to_string(frame->row_count()) + " rows");
        return true;
    }
    if (command == "expect-rows" && words.size() >= 2 && frame) {
        const unsigned wanted = static_cast<unsigned>(std::atoi(words[1].c_str()));
        if (frame->row_count() != wanted)
            fail("the list has " + std::to_string(frame->row_count()) + " rows");
        return true;
    }
    if (command == "expect-menu" && words.size() >= 3 && frame) {
        const wxString label = frame->GetMenuBar()->GetMenuLabelText(static_cast<size_t>(std::atoi(words[1].c_str())));
        if (label != to_wx(rest_of(words, 2)))
            fail("the menu is labelled " + to_utf8(label));
        return true;
    }
    if (command == "expect-text" && words.size() >= 3) {
        wxWindow* window = find_named(words[1]);
        wxString shown;
        if (auto* text = dynamic_cast<wxTextEntry*>(window))
            shown = text->GetValue();
        else if (auto* items = dynamic_cast<wxItemContainerImmutable*>(window))  // a list: its lines
            for (unsigned index = 0; index < items->GetCount(); ++index)
                shown += items->GetString(index) + "\n";
        else if (window)
            shown = window->GetLabel();
        if (!shown.Contains(to_wx(rest_of(words, 2))))
            fail("control " + words[1] + " shows: " + to_utf8(shown.Left(300)));
        return true;
    }
    if (command == "expect-wrapped" && words.size() >= 2) {
        // What a reader sees: a line longer than the control is wide goes on below, none runs
        // past the right edge. A text without such a line proves nothing, and fails too.
        auto* text = dynamic_cast<wxTextCtrl*>(find_named(words[1]));
        if (!text || !text->IsShownOnScreen()) {
            fail("no text control named " + words[1] + " is shown");
            return true;
        }
        const int width = text->GetClientSize().x;
        bool wrapped = false;
        for (int line = 0; line < text->GetNumberOfLines(); ++line) {
            const long start = text->XYToPosition(0, line);
            const long end = text->XYToPosition(std::max(0, text->GetLineLength(line) - 1), line);
            const wxPoint first = text->PositionToCoords(start);
            const wxPoint last = text->PositionToCoords(end);
            if (last.x >= width) {
                fail("line " + std::to_string(line + 1) + " runs past the right edge (" + std::to_string(last.x) +
                     " of " + std::to_string(width) + " pixels)");
                return true;
            }
            wrapped = wrapped || last.y > first.y;
        }
        if (!wrapped)
            fail("control " + words[1] + " has no line longer than its width");
        return true;
    }
    if (command == "export-selected" && words.size() >= 3 && frame) {
        frame->export_selected(export_format(words[1]), rest_of(words, 2));
        return true;
    }
    if (command == "select-folder" && words.size() >= 2 && frame) {
        // "-" is the top of a user's tree: all of their mail. The first user that has the folder.
        const std::string folder = rest_of(words, 1);
        const auto path = folder == "-" ? std::nullopt : std::optional(folder);
        bool found = false;
        for (const auto& user : frame->users())
            found = found || frame->folder_panel()->choose({user, path});
        if (!found)
            fail("the folder tree has no folder " + folder);
        return true;
    }
    if (command == "export-folder" && words.size() >= 3 && frame) {
        const auto chosen = frame->folder_panel()->choice();
        if (!chosen) {
            fail("no folder is chosen");
            return true;
        }
        frame->export_folder(*chosen, export_format(words[1]), rest_of(words, 2));
        return true;
    }
    if (command == "search-time" && frame) {
        std::fprintf(stderr,
                     "search time: %.1f ms for \"%s\" (%u rows); from the keystroke: %.1f ms to the rows, "
                     "%.1f ms to the first one previewed\n",
                     frame->last_search_milliseconds(), to_utf8(frame->search_box()->GetValue()).c_str(),
                     frame->row_count(), frame->last_rows_after_typing_milliseconds(),
                     frame->last_preview_after_typing_milliseconds());
        return true;
    }
    if (command == "startup-time") {
        std::fprintf(stderr, "startup time: %.3f s to the first window shown\n", m_app.startup_seconds());
        return true;
    }
    if (command == "screenshot" && words.size() >= 2) {
        // Give the window manager and GTK a moment to map and paint what the last command changed.
        if (m_waited_seconds < 0.4)
            return false;
        take_screenshot(words[1]);
        return true;
    }
    if (command == "quit") {
        m_timer.Stop();
        if (frame)
            frame->Close(true);
        else
            m_app.ExitMainLoop();
        return true;
    }
    fail("unknown command or missing arguments");
    return true;
}

void TestScript::take_screenshot(const std::string& name) {
    wxTopLevelWindow* window = front_window();
    if (!window) {
        fail("no window to capture");
        return;
    }
    window->Raise();
    window->Update();
    // Read back from the X server what is on screen (a blit from a screen DC gives a stale copy on GTK 3).
    const wxRect area = window->GetScreenRect().Intersect(wxRect(wxPoint(0, 0), wxGetDisplaySize()));
    GdkPixbuf* pixels = gdk_pixbuf_get_from_window(gdk_get_default_root_window(), area.x, area.y, area.width,
                                                   area.height);
    if (!pixels) {
        fail("the screen cannot be read");
        return;
    }
    const wxBitmap bitmap(pixels);  // takes the pixbuf's reference
    std::error_code error;
    std::filesystem::create_directories(m_artifacts, error);
    const auto path = m_artifacts / (name + ".png");
    if (!bitmap.SaveFile(path_to_wx(path), wxBITMAP_TYPE_PNG))
        fail("cannot save " + path.string());
}

}  // namespace cairn::desktop
