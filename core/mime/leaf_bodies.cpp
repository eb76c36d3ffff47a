// SPDX-License-Identifier: GPL-3.0-or-later
// A structural MIME scanner: it only finds where leaf bodies lie, as raw byte offsets. It decodes
// nothing and allocates little, so it can run on every message at ingest speed. Decoding for
// display and search is GMime's job elsewhere.
#include <algorithm>
#include <cstring>

#include "core/mime/header_block.h"
#include "core/mime/message_structure.h"

namespace cairn::mime {

namespace {

using detail::equals_ignoring_case;

/// Deeper nesting is not real mail; below the cap the body is kept as one leaf.
constexpr int MaximumDepth = 32;
/// Parts beyond this many are not looked at; what was found so far stays valid.
constexpr std::size_t MaximumParts = 10'000;

struct ScanState {
    std::string_view message;
    std::size_t min_body_bytes = 0;
    std::size_t part_count = 0;
    std::vector<BodySpan> spans;
};

struct EntityHeaders {
    detail::ContentType content_type;
    bool has_content_type = false;
    TransferEncoding encoding = TransferEncoding::Identity;
    std::size_t body_offset = 0;  ///< relative to the entity's start
};

TransferEncoding parse_transfer_encoding(std::string_view raw_value) {
    const std::string_view value = detail::trim(raw_value);
    std::string_view token = value.substr(0, std::min(value.find_first_of(" \t\r\n;("), value.size()));
    if (equals_ignoring_case(token, "base64"))
        return TransferEncoding::Base64;
    if (equals_ignoring_case(token, "quoted-printable"))
        return TransferEncoding::QuotedPrintable;
    return TransferEncoding::Identity;
}

EntityHeaders read_entity_headers(std::string_view entity, detail::LeadingFromLine leading_from) {
    EntityHeaders headers;
    bool have_encoding = false;
    headers.body_offset = detail::scan_header_block(entity, leading_from, [&](std::string_view name, std::string_view value) {
        // The first occurrence wins, as in most readers.
        if (!headers.has_content_type && equals_ignoring_case(name, "Content-Type")) {
            headers.content_type = detail::parse_content_type(value);
            headers.has_content_type = !headers.content_type.type.empty();
        } else if (!have_encoding && equals_ignoring_case(name, "Content-Transfer-Encoding")) {
            headers.encoding = parse_transfer_encoding(value);
            have_encoding = true;
        }
    });
    return headers;
}

void add_leaf(ScanState& state, std::size_t begin, std::size_t end, TransferEncoding encoding) {
    const std::size_t length = end - begin;
    if (length == 0 || length < state.min_body_bytes)
        return;
    state.spans.push_back(BodySpan{begin, length, encoding});
}

enum class Delimiter { None, Part, Close };

// Whether the line at `position` is "--boundary" (a part delimiter) or "--boundary--" (the close
// delimiter), allowing trailing blanks (RFC 2046 transport padding). `line_end` is where the line's
// content ends (before CR LF or LF).
Delimiter classify_line(std::string_view message, std::size_t position, std::size_t line_end,
                        std::string_view boundary) {
    const std::size_t length = line_end - position;
    if (length < boundary.size() + 2 || message[position] != '-' || message[position + 1] != '-')
        return Delimiter::None;
    if (std::memcmp(message.data() + position + 2, boundary.data(), boundary.size()) != 0)
        return Delimiter::None;
    std::size_t cursor = position + 2 + boundary.size();
    if (line_end - cursor >= 2 && message[cursor] == '-' && message[cursor + 1] == '-')
        return Delimiter::Close;  // anything after the close delimiter is epilogue noise
    while (cursor < line_end && (message[cursor] == ' ' || message[cursor] == '\t'))
        ++cursor;
    return cursor == line_end ? Delimiter::Part : Delimiter::None;
}

void scan_entity(ScanState& state, std::size_t begin, std::size_t end, int depth, bool in_digest);

// Splits the multipart body [begin, end) at its delimiter lines and scans each part. Returns
// false when no delimiter was found, so the caller can keep the body as one leaf instead.
bool scan_multipart_body(ScanState& state, std::size_t begin, std::size_t end, std::string_view boundary,
                         int depth, bool digest) {
    const std::string_view message = state.message;
    const char* data = message.data();
    std::size_t position = begin;
    std::size_t part_begin = 0;
    bool in_part = false;
    bool found_delimiter = false;
    // One pass over the body's lines: each byte is looked at once per nesting level, and the
    // nesting depth is capped, so the whole scan is linear in the message size.
    while (position < end) {
        const void* newline = std::memchr(data + position, '\n', end - position);
        const std::size_t line_end = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - data) : end;
        const std::size_t next_line = newline ? line_end + 1 : end;
        std::size_t content_end = line_end;
        if (content_end > position && data[content_end - 1] == '\r')
            --content_end;
        const Delimiter delimiter = data[position] == '-' ? classify_line(message, position, content_end, boundary)
                                                          : Delimiter::None;
        if (delimiter != Delimiter::None) {
            found_delimiter = true;
            if (in_part) {
                // RFC 2046: the line break before a delimiter belongs to the delimiter.
                std::size_t part_end = position;
                if (part_end > part_begin && data[part_end - 1] == '\n')
                    --part_end;
                if (part_end > part_begin && data[part_end - 1] == '\r')
                    --part_end;
                scan_entity(state, part_begin, part_end, depth + 1, digest);
                if (state.part_count > MaximumParts)
                    return true;
            }
            if (delimiter == Delimiter::Close)
                return true;  // the rest is epilogue
            in_part = true;
            part_begin = next_line;
        }
        position = next_line;
    }
    // No close delimiter: the last part runs to the end of the enclosing body.
    if (in_part)
        scan_entity(state, part_begin, end, depth + 1, digest);
    return found_delimiter;
}

void scan_entity(ScanState& state, std::size_t begin, std::size_t end, int depth, bool in_digest) {
    if (++state.part_count > MaximumParts)
        return;
    const std::string_view entity = state.message.substr(begin, end - begin);
    const EntityHeaders headers =
        read_entity_headers(entity, depth == 0 ? detail::LeadingFromLine::Skip : detail::LeadingFromLine::Keep);
    const std::size_t body_begin = begin + std::min(headers.body_offset, entity.size());

    std::string_view type = headers.content_type.type;
    std::string_view subtype = headers.content_type.subtype;
    if (!headers.has_content_type && in_digest) {
        // RFC 2046 5.1.5: in a multipart/digest the default part type is message/rfc822.
        type = "message";
        subtype = "rfc822";
    }
    // A multipart or message that claims a transfer encoding is opaque to us; keep it as a leaf.
    const bool encoded = headers.encoding != TransferEncoding::Identity;
    if (depth < MaximumDepth && !encoded) {
        if (type == "multipart") {
            const std::string boundary = headers.content_type.parameter("boundary");
            if (!boundary.empty() &&
                scan_multipart_body(state, body_begin, end, boundary, depth, subtype == "digest"))
                return;
        } else if (type == "message" && (subtype == "rfc822" || subtype == "global")) {
            scan_entity(state, body_begin, end, depth + 1, false);
            return;
        }
    }
    add_leaf(state, body_begin, end, headers.encoding);
}

}  // namespace

std::vector<BodySpan> find_leaf_bodies(std::string_view message, std::size_t min_body_bytes) {
    ScanState state;
    state.message = message;
    state.min_body_bytes = min_body_bytes;
    scan_entity(state, 0, message.size(), 0, false);

    // The scan emits spans in document order by construction; this check only guards the
    // contract (sorted, disjoint, inside the message) against a future bug.
    std::vector<BodySpan> checked;
    checked.reserve(state.spans.size());
    std::size_t previous_end = 0;
    for (const BodySpan& span : state.spans) {
        if (span.offset < previous_end || span.offset > message.size() || span.length > message.size() - span.offset)
            continue;
        checked.push_back(span);
        previous_end = span.offset + span.length;
    }
    return checked;
}

}  // namespace cairn::mime
