// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace cairn::testing {

/// Re-parses sanitiser output with gumbo, as a browser would, and says what in it could run
/// script or load something: an element outside the whitelist or outside the HTML namespace, an
/// attribute not known to be harmless (on*, srcset, formaction...), an href that is not
/// http/https/mailto, an img src that is not a data: image or cid: (or http/https when
/// `remote_allowed`), CSS holding url() of another kind, expression(), @import, behavior,
/// -moz-binding or javascript:, looked for after CSS comments and escapes are undone. Empty when
/// the document is safe. Written apart from the sanitiser (not sharing its code) so a mistake in
/// one is not repeated in the other. Used by the unit tests and the fuzz target.
std::string html_safety_problem(std::string_view html, bool remote_allowed = false);

}  // namespace cairn::testing
