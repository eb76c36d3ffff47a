// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/mime/html_sanitizer.h"

/// A message prepared for a person to read (desktop preview, web view): decoded headers, the
/// text, the HTML alternative and the list of attachments. Read from the original bytes each
/// time; nothing here is stored.
namespace cairn::mime {

struct ViewAttachment {
    /// Position in MessageView::attachments; pass it to attachment_data.
    std::size_t index = 0;
    /// Decoded (RFC 2231 / RFC 2047), UTF-8, with any directory part and control characters
    /// removed; when the part names no file, a made-up name from the type ("attachment-2.pdf",
    /// a nested message's subject + ".eml").
    std::string filename;
    std::string content_type;  ///< lower case "type/subtype" as declared
    std::uint64_t size = 0;    ///< decoded bytes
    std::string content_id;    ///< without angle brackets; empty when none
    /// Shown inside the HTML (an image its Content-ID is referenced by), not a file the sender
    /// attached; a viewer may leave these out of its attachment list.
    bool inline_image = false;
};

struct MessageView {
    // Header fields decoded to UTF-8 (RFC 2047; raw 8-bit as UTF-8 when valid, else
    // windows-1252). Address fields as written, decoded ("Name <address>, ..."). Empty when absent.
    std::string subject;
    std::string from;
    std::string sender;
    std::string reply_to;
    std::string to;
    std::string cc;
    std::string bcc;
    std::string date_text;             ///< the Date: field as written
    std::optional<std::int64_t> date;  ///< seconds since the epoch, when parseable
    std::string message_id;            ///< without angle brackets
    /// The readable text: the text/plain alternative, else the HTML reduced to text
    /// (html_to_text); parts in order, nested messages' text after a separating header block.
    /// Converted from the declared charset; valid UTF-8.
    std::string text;
    /// The text/html alternative converted to UTF-8 exactly as the sender wrote it, NOT SAFE TO
    /// DISPLAY: pass it through sanitize_html first. Empty when the message has no HTML.
    std::string html;
    std::vector<ViewAttachment> attachments;
    /// Parts that could not be decoded, said for the reader ("part 3: unknown charset x-foo").
    std::vector<std::string> problems;
};

struct MessageViewLimits {
    std::size_t max_text_bytes = 4u << 20;
    std::size_t max_html_bytes = 8u << 20;
    std::size_t max_attachments = 1000;
};

/// Never fails: malformed mail gives what can be read (and notes in `problems`). Thread-safe.
MessageView read_message_view(std::string_view message, const MessageViewLimits& limits = {});

/// The decoded bytes of attachment INDEX (as numbered by read_message_view on the same bytes);
/// nullopt when there is no such attachment. A nested message's data is its bytes as carried.
std::optional<std::string> attachment_data(std::string_view message, std::size_t index);

/// The HTML of MESSAGE (whose view is VIEW) ready to show: sanitised (sanitize_html), and the
/// images it shows by cid: put in as data: URLs (PNG, GIF, JPEG, WebP only), so the document
/// stands alone. Empty html when the message has none.
SanitizedHtml displayable_html(std::string_view message, const MessageView& view, bool allow_remote_images);

}  // namespace cairn::mime
