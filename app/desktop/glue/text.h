// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <wx/string.h>

#include "core/base/result.h"

/// The one place where text crosses between core (UTF-8 std::string) and wx (wxString).
namespace cairn::desktop {

/// UTF-8 to wxString. Invalid sequences become U+FFFD instead of an empty string (wx's own
/// conversion gives up on the whole text), so a badly encoded subject still shows.
wxString to_wx(std::string_view utf8);
std::string to_utf8(const wxString& text);

wxString path_to_wx(const std::filesystem::path& path);
std::filesystem::path wx_to_path(const wxString& text);

/// An error for a person: what went wrong and where, in the message core wrote for users.
wxString describe_error(const Error& error);

/// "12.3 MB", for sizes in lists and summaries.
wxString format_size(std::uint64_t bytes);

/// "3 of 10 messages", or "3 messages" when the TOTAL is not known (0): a job's progress, with
/// the noun in the plural form the language uses for that count.
wxString format_message_progress(std::uint64_t done, std::uint64_t total);

}  // namespace cairn::desktop
