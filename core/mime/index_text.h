// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::mime {

/// A file attached to a message, decoded, for attachment text extraction.
struct Attachment {
    std::string filename;      ///< decoded (RFC 2231 / RFC 2047), UTF-8; may be empty
    std::string content_type;  ///< lower case "type/subtype" as declared
    std::string data;          ///< the decoded bytes (transfer encoding undone), at most the limit
    bool truncated = false;    ///< data was cut at the limit
};

/// What the search index needs from a message, all valid UTF-8.
struct IndexText {
    std::string from;        ///< From and Sender: display names and addresses, decoded
    std::string to;
    std::string cc;
    std::string bcc;
    std::string subject;
    std::string headers;     ///< Message-ID and List-Id, for plain-word searches
    /// text/plain parts and text/html parts reduced to text (html_to_text), in order, each
    /// converted from its declared charset (undeclared or wrong: UTF-8 when valid, else
    /// windows-1252); nested message/rfc822 parts contribute their headers and text too.
    /// multipart/alternative contributes one alternative (plain text preferred).
    std::string body;
    /// Parts that are files (Content-Disposition attachment, or a name, or a non-text type that
    /// is not an inline alternative), including those inside nested messages.
    std::vector<Attachment> attachments;
};

struct IndexTextLimits {
    std::size_t max_body_bytes = 1u << 20;
    std::size_t max_attachment_bytes = 32u << 20;
    std::size_t max_attachments = 200;
};

/// Never fails: malformed mail yields what can be read. Thread-safe (GMime is initialised once).
IndexText extract_index_text(std::string_view message, const IndexTextLimits& limits = {});

}  // namespace cairn::mime
