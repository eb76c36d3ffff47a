// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/glue/text.h"

#include <wx/intl.h>

#include "core/mime/charset.h"

namespace cairn::desktop {

wxString to_wx(std::string_view utf8) {
    if (mime::is_valid_utf8(utf8))
        return wxString::FromUTF8(utf8.data(), utf8.size());
    const std::string repaired = mime::replace_invalid_utf8(utf8);
    return wxString::FromUTF8(repaired.data(), repaired.size());
}

std::string to_utf8(const wxString& text) {
    const wxScopedCharBuffer buffer = text.utf8_str();
    return std::string(buffer.data(), buffer.length());
}

wxString path_to_wx(const std::filesystem::path& path) { return to_wx(path.string()); }

std::filesystem::path wx_to_path(const wxString& text) { return std::filesystem::path(to_utf8(text)); }

wxString describe_error(const Error& error) { return to_wx(error.describe()); }

wxString format_size(std::uint64_t bytes) {
    if (bytes < 1024)
        return wxString::Format(wxPLURAL("%llu byte", "%llu bytes", bytes), static_cast<unsigned long long>(bytes));
    const char* units[] = {"KB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(units)) {
        value /= 1024.0;
        ++unit;
    }
    return wxString::Format("%.1f %s", value, units[unit]);
}

wxString format_message_progress(std::uint64_t done, std::uint64_t total) {
    if (total == 0)
        return wxString::Format(wxPLURAL("%llu message", "%llu messages", done), static_cast<unsigned long long>(done));
    return wxString::Format(wxPLURAL("%llu of %llu message", "%llu of %llu messages", total),
                            static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
}

}  // namespace cairn::desktop
