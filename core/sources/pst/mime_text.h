// SPDX-License-Identifier: GPL-3.0-or-later
// Encodings for writing MIME messages out of Outlook items: transfer encodings, RFC 2047 header
// words, RFC 2231 parameters, dates and code page conversion. No libpff here, so the fuzz target
// and the tests can use these alone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::sources::pst {

/// BYTES in base64, in lines of 76 characters, each ended by CRLF.
std::string base64_lines(std::string_view bytes);

/// UTF-8 TEXT as quoted-printable; its line breaks (LF, CRLF or CR) become CRLF hard breaks and
/// no encoded line is longer than 76 characters.
std::string quoted_printable(std::string_view text);

/// Whether TEXT is printable US-ASCII with at most tabs and line breaks besides.
bool is_plain_ascii(std::string_view text);

/// Unstructured header text (Subject): as it is when plain ASCII, else RFC 2047 UTF-8
/// encoded-words separated by spaces (each at most 75 characters, never splitting a character).
std::string encode_unstructured(std::string_view text);

/// A display name for an address: as it is when it is a plain atom sequence, a quoted string
/// when it has specials, RFC 2047 encoded-words when it is not ASCII.
std::string encode_phrase(std::string_view text);

/// "name <address>" (or just "address", or just the phrase when there is no address).
std::string format_address(std::string_view name, std::string_view address);

/// A Content-Type/Content-Disposition parameter: name="value" for ASCII, RFC 2231
/// name*=UTF-8''percent-encoded otherwise.
std::string format_parameter(std::string_view name, std::string_view value);

/// "Name: value" folded at spaces so lines stay within 78 characters where the value allows,
/// ended by CRLF. VALUE must already be encoded (ASCII).
std::string header_field(std::string_view name, std::string_view value);

/// RFC 5322 date in UTC: "Thu, 12 Aug 2021 20:18:00 +0000".
std::string format_rfc5322_date(std::int64_t unix_seconds);

/// Seconds since the epoch of a Windows FILETIME (100 ns ticks since 1601).
std::int64_t filetime_to_unix(std::uint64_t filetime);

/// Converts BYTES in Windows code page CODEPAGE (1252, 932, 65001...) to UTF-8 with iconv; an
/// unknown code page is read as windows-1252, and bytes that do not convert become U+FFFD.
std::string codepage_to_utf8(std::string_view bytes, std::uint32_t codepage);

/// UTF-16LE BYTES (a trailing odd byte ignored) as UTF-8; unpaired surrogates become U+FFFD.
std::string utf16le_to_utf8(std::string_view bytes);

/// A 64-bit FNV-1a hash, for deterministic MIME boundaries.
std::uint64_t fnv1a(std::string_view bytes, std::uint64_t seed = 0xcbf29ce484222325ULL);

}  // namespace cairn::sources::pst
