// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cairn::sources::pst {

/// A display name and an address (both UTF-8); either may be empty.
struct MailAddress {
    std::string name;
    std::string address;
};

/// One attachment of an Outlook item, already read.
struct OutlookAttachment {
    std::string file_name;   ///< UTF-8; may be empty
    std::string mime_type;   ///< "application/pdf"; empty: guessed from the file name
    std::string content_id;  ///< without angle brackets; may be empty
    std::string data;        ///< the file's bytes, or the whole message of an embedded item
    bool is_embedded_message = false;
};

/// What an Outlook mail item holds, as text and bytes; turned into RFC 5322 by write_mime_message.
struct OutlookMessage {
    /// The Internet headers the item arrived with (PR_TRANSPORT_MESSAGE_HEADERS); when present,
    /// they are the header block and the fields below (but the bodies) are not used.
    std::string transport_headers;
    std::optional<MailAddress> from;
    std::optional<MailAddress> sender;  ///< only when it differs from `from`
    std::vector<MailAddress> to;
    std::vector<MailAddress> cc;
    std::vector<MailAddress> bcc;
    std::optional<std::string> subject;
    std::optional<std::int64_t> date;  ///< seconds since the epoch
    std::string message_id;
    std::string in_reply_to;
    std::string references;
    int importance = 1;  ///< PR_IMPORTANCE: 0 low, 1 normal, 2 high

    std::optional<std::string> plain_text;  ///< UTF-8
    std::optional<std::string> html;        ///< UTF-8
    std::optional<std::string> rtf;         ///< decompressed RTF that holds no HTML
    std::vector<OutlookAttachment> attachments;
    /// S/MIME (IPM.Note.SMIME*): Outlook keeps the signed or encrypted original as the item's one
    /// attachment; when set, this attachment is the message body and the fields above are unused.
    std::optional<OutlookAttachment> smime_body;

    /// Seeds the MIME boundaries (the item's identifier), so the same item gives the same bytes.
    std::uint64_t boundary_seed = 0;
};

/// The complete message: header block, then the bodies as text/plain and text/html (UTF-8,
/// quoted-printable or base64) in multipart/alternative, inline images referenced by cid: in
/// multipart/related with the HTML, other attachments in multipart/mixed (base64; embedded items
/// as message/rfc822). An S/MIME item's body is its original signed or encrypted entity, so the
/// signature still verifies. Deterministic: boundaries come from a hash of the content and the seed.
std::string write_mime_message(const OutlookMessage& message);

/// The MIME type for a file name's extension ("report.PDF" -> "application/pdf"), or
/// "application/octet-stream".
std::string mime_type_for_file_name(std::string_view file_name);

/// The transport headers without the fields the rebuilt body replaces (MIME-Version,
/// Content-Type, Content-Transfer-Encoding, Content-Disposition...), with CRLF line ends and no
/// trailing blank line.
std::string header_block_without_content_fields(std::string_view transport_headers);

}  // namespace cairn::sources::pst
