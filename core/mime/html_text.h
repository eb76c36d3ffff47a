// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cairn::mime {

/// The readable text of an HTML document or fragment, for the search index: tags removed,
/// script/style/head content dropped, entities decoded, block elements (p, div, br, li, tr, h1..)
/// ending lines, whitespace collapsed. Input bytes are taken as UTF-8 (the caller converts the
/// charset first); output is valid UTF-8 of at most max_output bytes. Bounded: nesting depth and
/// input size are capped (gumbo's memory grows badly with nesting), so hostile HTML costs linear
/// time. Never fails; garbage in gives whatever text it holds.
std::string html_to_text(std::string_view html, std::size_t max_output = 1u << 20);

}  // namespace cairn::mime
