// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/thunderbird/prefs_file.h"

#include <cerrno>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/sources/common/quoted_string.h"

namespace cairn::sources::thunderbird {
namespace {

bool is_space(char character) {
    return character == ' ' || character == '\t' || character == '\r' || character == '\n';
}

void skip_spaces(std::string_view text, std::size_t& position) {
    while (position < text.size() && is_space(text[position]))
        ++position;
}

}  // namespace

Preferences parse_preferences(std::string_view text) {
    Preferences preferences;
    std::size_t position = 0;
    while (position < text.size()) {
        std::size_t line_end = text.find('\n', position);
        std::string_view line = text.substr(position, line_end == std::string_view::npos ? std::string_view::npos
                                                                                          : line_end - position);
        position = line_end == std::string_view::npos ? text.size() : line_end + 1;
        std::size_t cursor = 0;
        skip_spaces(line, cursor);
        std::size_t open = line.find('(', cursor);
        if (open == std::string_view::npos)
            continue;
        std::string_view function = line.substr(cursor, open - cursor);
        if (function != "user_pref" && function != "pref" && function != "sticky_pref")
            continue;
        cursor = open + 1;
        skip_spaces(line, cursor);
        if (cursor >= line.size() || (line[cursor] != '"' && line[cursor] != '\''))
            continue;
        std::optional<std::string> name = read_quoted_string(line, cursor);
        if (!name)
            continue;
        skip_spaces(line, cursor);
        if (cursor >= line.size() || line[cursor] != ',')
            continue;
        ++cursor;
        skip_spaces(line, cursor);
        if (cursor >= line.size())
            continue;
        if (line[cursor] == '"' || line[cursor] == '\'') {
            if (std::optional<std::string> value = read_quoted_string(line, cursor))
                preferences[*name] = std::move(*value);
            continue;
        }
        std::size_t end = line.find(')', cursor);
        if (end == std::string_view::npos)
            continue;
        std::string_view value = line.substr(cursor, end - cursor);
        while (!value.empty() && is_space(value.back()))
            value.remove_suffix(1);
        preferences[*name] = std::string(value);
    }
    return preferences;
}

Result<Preferences> read_preferences(const std::filesystem::path& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        return make_errno_error(errno, "cannot read the Thunderbird preferences", path.string());
    std::ostringstream contents;
    contents << stream.rdbuf();
    if (stream.bad())
        return make_errno_error(errno, "cannot read the Thunderbird preferences", path.string());
    return parse_preferences(contents.str());
}

std::string preference(const Preferences& preferences, std::string_view name) {
    auto found = preferences.find(name);
    return found == preferences.end() ? std::string() : found->second;
}

}  // namespace cairn::sources::thunderbird
