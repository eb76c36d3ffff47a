// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::sources {

/// Decodes an IMAP mailbox name in modified UTF-7 (RFC 3501 §5.1.3) to UTF-8: "Entw&APw-rfe" ->
/// "Entwürfe", "&-" -> "&". Returns nullopt when NAME is not valid modified UTF-7 (a bare '&'
/// without '-', base64 that is not UTF-16, a surrogate pair cut in two, an 8-bit byte, a shift
/// that encodes only printable ASCII, non-zero padding bits), so a caller can keep the name as is.
std::optional<std::string> decode_modified_utf7(std::string_view name);

/// The name to show for an on-disk folder name that may be modified UTF-7: the decoded name
/// when NAME holds a '&' and decodes cleanly, otherwise NAME unchanged.
std::string display_mailbox_name(std::string_view name);

}  // namespace cairn::sources
