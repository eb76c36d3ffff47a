// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::sources::pst {

/// The HTML that Outlook wrapped in RTF (MS-OXRTFEX, marked by \fromhtml1), as UTF-8; nullopt
/// when RTF does not encapsulate HTML. Text hidden by \htmlrtf is left out, \*\htmltag groups are
/// kept, \'hh bytes are read in the \ansicpg code page and \uN as Unicode.
std::optional<std::string> html_from_encapsulating_rtf(std::string_view rtf);

}  // namespace cairn::sources::pst
