// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/glue/text.h"

#include <wx/intl.h>

namespace cairn::desktop {
namespace {

/// Length of the valid UTF-8 sequence at POSITION, or 0 when it is not one.
std::size_t valid_sequence_length(std::string_view text, std::size_t position) {
    const auto byte = [&](std::size_t index) { return static_cast<unsigned char>(text[index]); };
    const unsigned char lead = byte(position);
    std::size_t length = 0;
    char32_t code_point = 0;
    if (lead < 0x80)
        return 1;
    if ((lead & 0xE0) == 0xC0) {
        length = 2;
        code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        code_point = lead & 0x07;
    } else {
        return 0;
    }
    if (position + length > text.size())
        return 0;
    for (std::size_t index = 1; index < length; ++index) {
        if ((byte(position + index) & 0xC0) != 0x80)
            return 0;
        code_point = (code_point << 6) | (byte(position + index) & 0x3F);
    }
    // Overlong forms, surrogates and values past Unicode are not text either.
    static constexpr char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < smallest[length] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
        return 0;
    return length;
}

}  // namespace

wxString to_wx(std::string_view utf8) {
    std::string repaired;
    repaired.reserve(utf8.size());
    for (std::size_t position = 0; position < utf8.size();) {
        const std::size_t length = valid_sequence_length(utf8, position);
        if (length == 0) {
            repaired += "\xEF\xBF\xBD";
            ++position;
        } else {
            repaired.append(utf8.substr(position, length));
            position += length;
        }
    }
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
        return wxString::Format(_("%llu bytes"), static_cast<unsigned long long>(bytes));
    const char* units[] = {"KB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(units)) {
        value /= 1024.0;
        ++unit;
    }
    return wxString::Format("%.1f %s", value, units[unit]);
}

}  // namespace cairn::desktop
