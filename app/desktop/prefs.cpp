// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/prefs.h"

#include <cstdlib>

#include <wx/config.h>
#include <wx/fileconf.h>

#include "app/desktop/glue/text.h"

namespace cairn::desktop::prefs {
namespace {

std::filesystem::path config_file() {
    if (const char* config_home = std::getenv("XDG_CONFIG_HOME"); config_home && *config_home)
        return std::filesystem::path(config_home) / "cairn" / "desktop.conf";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home ? home : ".") / ".config" / "cairn" / "desktop.conf";
}

wxConfigBase& config() { return *wxConfigBase::Get(); }

/// A config group per source: paths hold '/' and other characters a key cannot, so the group is
/// named by a hash of the path (FNV-1a: stable across runs and builds, unlike std::hash).
wxString run_group(const std::filesystem::path& source) {
    std::uint64_t hash = 14695981039346656037ull;
    for (const unsigned char byte : source.string()) {
        hash ^= byte;
        hash *= 1099511628211ull;
    }
    return wxString::Format("/SourceRuns/%016llx", static_cast<unsigned long long>(hash));
}

}  // namespace

void install_config() {
    const auto path = config_file();
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    wxConfigBase::Set(new wxFileConfig("cairn-desktop", wxEmptyString, path_to_wx(path), wxEmptyString,
                                       wxCONFIG_USE_LOCAL_FILE));
}

WindowLayout window_layout() {
    WindowLayout layout;
    layout.frame.x = config().ReadLong("/Window/X", 0);
    layout.frame.y = config().ReadLong("/Window/Y", 0);
    layout.frame.width = config().ReadLong("/Window/Width", 0);
    layout.frame.height = config().ReadLong("/Window/Height", 0);
    layout.maximized = config().ReadBool("/Window/Maximized", false);
    layout.results_sash = config().ReadLong("/Window/ResultsSash", 0);
    return layout;
}

void set_window_layout(const WindowLayout& layout) {
    config().Write("/Window/X", layout.frame.x);
    config().Write("/Window/Y", layout.frame.y);
    config().Write("/Window/Width", layout.frame.width);
    config().Write("/Window/Height", layout.frame.height);
    config().Write("/Window/Maximized", layout.maximized);
    config().Write("/Window/ResultsSash", layout.results_sash);
    config().Flush();
}

std::vector<std::filesystem::path> sources() {
    std::vector<std::filesystem::path> paths;
    const long count = config().ReadLong("/Sources/Count", 0);
    for (long index = 0; index < count; ++index) {
        const wxString value = config().Read(wxString::Format("/Sources/Path%ld", index), wxEmptyString);
        if (!value.empty())
            paths.push_back(wx_to_path(value));
    }
    return paths;
}

void set_sources(const std::vector<std::filesystem::path>& paths) {
    config().DeleteGroup("/Sources");
    config().Write("/Sources/Count", static_cast<long>(paths.size()));
    for (std::size_t index = 0; index < paths.size(); ++index)
        config().Write(wxString::Format("/Sources/Path%zu", index), path_to_wx(paths[index]));
    config().Flush();
}

std::string language() { return to_utf8(config().Read("/Interface/Language", wxEmptyString)); }

void set_language(const std::string& language) {
    config().Write("/Interface/Language", to_wx(language));
    config().Flush();
}

int schedule_hours() { return static_cast<int>(config().ReadLong("/Schedule/Hours", 0)); }

void set_schedule_hours(int hours) {
    config().Write("/Schedule/Hours", static_cast<long>(hours));
    config().Flush();
}

std::optional<SourceRun> last_run(const std::filesystem::path& source) {
    const wxString group = run_group(source);
    if (!config().HasGroup(group))
        return std::nullopt;
    SourceRun run;
    run.time = config().ReadLongLong(group + "/Time", 0);
    run.new_messages = static_cast<std::uint64_t>(config().ReadLongLong(group + "/NewMessages", 0));
    run.failures = static_cast<std::uint64_t>(config().ReadLongLong(group + "/Failures", 0));
    run.problem = to_utf8(config().Read(group + "/Problem", wxEmptyString));
    return run;
}

void set_last_run(const std::filesystem::path& source, const SourceRun& run) {
    const wxString group = run_group(source);
    config().Write(group + "/Time", static_cast<wxLongLong_t>(run.time));
    config().Write(group + "/NewMessages", static_cast<wxLongLong_t>(run.new_messages));
    config().Write(group + "/Failures", static_cast<wxLongLong_t>(run.failures));
    config().Write(group + "/Problem", to_wx(run.problem));
    config().Flush();
}

}  // namespace cairn::desktop::prefs
