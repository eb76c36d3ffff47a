// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::mime {

enum class TransferEncoding { Identity, Base64, QuotedPrintable };

/// A leaf part's body: its raw, still-encoded bytes inside the message.
struct BodySpan {
    std::size_t offset = 0;
    std::size_t length = 0;
    TransferEncoding encoding = TransferEncoding::Identity;
};

/// Finds the bodies of leaf parts (recursing into multiparts and message/rfc822) that are at
/// least min_body_bytes long. Never fails: on malformed mail it returns what it could find
/// (possibly nothing). The spans are sorted, do not overlap and lie inside the message; empty
/// bodies are never reported, even with min_body_bytes 0. A body ends before the line break
/// that precedes the next delimiter line (RFC 2046). Multiparts and messages that declare a
/// base64 or quoted-printable transfer encoding, multiparts without any delimiter line and
/// anything nested deeper than 32 levels are treated as leaves. Thread-safe (no shared state).
/// Bounded: nesting depth and part count are capped, so hostile input costs linear time.
std::vector<BodySpan> find_leaf_bodies(std::string_view message, std::size_t min_body_bytes);

/// How a base64 body is laid out, so the exact encoded bytes can be rebuilt from the decoded ones.
struct Base64Layout {
    std::uint32_t line_length = 76;  ///< encoded characters per full line (a multiple of 4)
    bool crlf = false;               ///< lines end in CRLF rather than LF
    bool final_line_break = true;    ///< the last line ends with a line break
    /// Empty lines after the last line (only with final_line_break): many mailers leave one
    /// before the next boundary, and it belongs to the part's body. Only returned by the
    /// TrailingEmptyLines::Keep overload of decode_base64_exactly, so a caller that does not
    /// persist this field never receives a layout it cannot rebuild.
    std::uint32_t extra_line_breaks = 0;
};

/// Whether decode_base64_exactly accepts empty lines after the last line of base64.
enum class TrailingEmptyLines { Reject, Keep };

/// If `encoded` is base64 in one regular layout (every line but the last exactly line_length
/// characters, one line-ending style, padding only at the end, no stray characters), returns the
/// decoded bytes and the layout, such that encode_base64(decoded, layout) == encoded.
/// Otherwise nullopt: the caller then keeps the encoded bytes as they are.
/// Conventions, so that the layout is unique: a body of one line gets line_length 76 when the
/// line is at most 76 characters, its own length up to 998, and 0 ("one unbroken line") beyond;
/// a body of several lines needs line_length <= 998. An empty input decodes to nothing with
/// final_line_break false. Table-driven, no allocation beyond the result.
/// This overload rejects empty lines after the last line (extra_line_breaks is always 0).
std::optional<std::pair<std::string, Base64Layout>> decode_base64_exactly(std::string_view encoded);

/// As above; with TrailingEmptyLines::Keep, empty lines after the last line are accepted and
/// counted in extra_line_breaks (the caller must then store that field too). In the corpus this
/// makes about a fifth more base64 bodies decodable (S/MIME and Thunderbird output).
std::optional<std::pair<std::string, Base64Layout>> decode_base64_exactly(std::string_view encoded,
                                                                          TrailingEmptyLines trailing);

/// Encodes `decoded` in `layout` (line_length 0: one unbroken line). Empty input gives an
/// empty string whatever the layout.
std::string encode_base64(std::string_view decoded, const Base64Layout& layout);

/// The few header fields the catalog shows, decoded to UTF-8 (RFC 2047 encoded words, raw 8-bit
/// bytes taken as UTF-8 when valid, else windows-1252). Missing fields are empty.
struct HeaderSummary {
    std::string subject;
    std::string from;        ///< "Name <address>" as written, decoded
    std::string to;
    std::string message_id;  ///< without angle brackets
    std::optional<std::int64_t> date;  ///< seconds since the epoch, from Date:, when parseable
};

HeaderSummary summarize_headers(std::string_view message);

}  // namespace cairn::mime
