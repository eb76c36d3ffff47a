// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <wx/gdicmn.h>

namespace cairn::desktop {

/// Typed access to what the app remembers between runs (wxConfig: a file under
/// $XDG_CONFIG_HOME/cairn/), so no other file spells a configuration key.
namespace prefs {

/// Makes a wxFileConfig in the XDG config directory the application's configuration.
void install_config();

struct WindowLayout {
    wxRect frame;            ///< empty: let the window manager place it
    bool maximized = false;
    int results_sash = 0;    ///< between results and preview; 0: default
};
WindowLayout window_layout();
void set_window_layout(const WindowLayout& layout);

/// The mail files, folders and profiles "Archive mail now" imports.
std::vector<std::filesystem::path> sources();
void set_sources(const std::vector<std::filesystem::path>& paths);

/// What the last run did with one source, for the Sources window.
struct SourceRun {
    std::int64_t time = 0;  ///< seconds since the epoch
    std::uint64_t new_messages = 0;
    std::uint64_t failures = 0;
    std::string problem;  ///< why the source could not be read at all (empty: it could)
};
/// The language chosen in Settings ("de", "en"); empty: the system's.
std::string language();
void set_language(const std::string& language);

/// "Archive mail now" every this many hours while the app is open (0: only when asked).
int schedule_hours();
void set_schedule_hours(int hours);

std::optional<SourceRun> last_run(const std::filesystem::path& source);
void set_last_run(const std::filesystem::path& source, const SourceRun& run);

}  // namespace prefs
}  // namespace cairn::desktop
