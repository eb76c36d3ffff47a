// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace cairn::mime {

/// Whether `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points above
/// U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

/// `bytes` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view bytes);

/// Decodes windows-1252 (which mail labelled iso-8859-1 or us-ascii usually is) to UTF-8.
/// The five bytes windows-1252 leaves undefined map to the C1 controls, as WHATWG does.
std::string windows_1252_to_utf8(std::string_view bytes);

/// Raw header or text bytes of unknown charset: kept when valid UTF-8, else read as windows-1252.
std::string raw_bytes_to_utf8(std::string_view bytes);

/// Converts `bytes` in the MIME charset `charset` (any case, RFC 2231 "*language" suffix allowed)
/// to UTF-8 with glibc's iconv. Never fails: an unknown charset falls back to raw_bytes_to_utf8,
/// and invalid sequences become U+FFFD. The result is always valid UTF-8.
/// Thread-safe (conversion descriptors are cached per thread).
std::string charset_to_utf8(std::string_view bytes, std::string_view charset);

/// Whether charset_to_utf8 knows `charset` (the others fall back to raw_bytes_to_utf8), so a
/// reader can be told that a text may be garbled. Thread-safe.
bool is_known_charset(std::string_view charset);

}  // namespace cairn::mime
