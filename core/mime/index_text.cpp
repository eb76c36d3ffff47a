// SPDX-License-Identifier: GPL-3.0-or-later
// The text the search index reads from a message, parsed with GMime 3.2. GMime supplies the MIME
// tree, transfer decoding and RFC 2231 parameters; header fields go through our own RFC 2047
// decoder (GMime 3.2.13 truncates adjacent base64 encoded words, upstream #133) and bodies
// through our charset conversion, so every string that leaves here is valid UTF-8.
//
// Which parts count as attachments: a part with Content-Disposition: attachment or a file name,
// or any part that is neither body text nor a nested message, is an attachment. Exceptions: a
// non-root part of multipart/related without an attachment disposition (the images and style
// sheets an HTML body shows inline by cid: reference) is decoration, not a file; and in the
// alternatives of multipart/alternative not chosen for the body, only named files count (Apple
// Mail puts a PDF inside the HTML alternative only, and mail readers list it). A nested message
// contributes its text to the body; it is listed as an attachment, with empty data, only when it
// has a file name.
#include "core/mime/index_text.h"

#include <utility>

#include "core/mime/charset.h"
#include "core/mime/gmime_support.h"
#include "core/mime/html_text.h"

namespace cairn::mime {
namespace {

using detail::header_values;
using detail::lower_ascii;
using detail::truncate_utf8;

void append_joined(std::string& target, const std::string& value, std::string_view separator) {
    if (value.empty())
        return;
    if (!target.empty())
        target += separator;
    target += value;
}

// GMime recurses on its own while parsing, but our walk stops here: deeper nesting in real mail
// is an attack or a mail loop, not text anyone wants to find.
constexpr int MaxDepth = 32;
// Raw HTML beyond html_to_text's own input cap would be cut there anyway.
constexpr std::size_t MaxHtmlBytes = 4u << 20;
class Extractor {
public:
    Extractor(const IndexTextLimits& limits, IndexText& result) : m_limits(limits), m_result(result) {}

    void top_level(GMimeMessage* message) {
        GMimeObject* object = GMIME_OBJECT(message);
        append_joined(m_result.from, header_values(object, "From"), ", ");
        append_joined(m_result.from, header_values(object, "Sender"), ", ");
        m_result.to = header_values(object, "To");
        m_result.cc = header_values(object, "Cc");
        m_result.bcc = header_values(object, "Bcc");
        m_result.subject = header_values(object, "Subject");
        append_joined(m_result.headers, header_values(object, "Message-ID"), "\n");
        append_joined(m_result.headers, header_values(object, "List-Id"), "\n");
        if (GMimeObject* part = g_mime_message_get_mime_part(message))
            walk(part, 1, Role{});
    }

    void append_body(std::string text) {
        if (text.empty() || m_result.body.size() >= m_limits.max_body_bytes)
            return;
        if (!m_result.body.empty())
            m_result.body += '\n';
        m_result.body += text;
        truncate_utf8(m_result.body, m_limits.max_body_bytes);
    }

private:
    /// Where a part sits: a non-root part of multipart/related is decoration of its HTML, and a
    /// part in an alternative not chosen for the body only contributes real files (Apple Mail puts
    /// attachments inside the HTML alternative only).
    struct Role {
        bool related_resource = false;
        bool files_only = false;
    };

    void walk(GMimeObject* object, int depth, Role role) {
        if (!object || depth > MaxDepth)
            return;
        if (GMIME_IS_MESSAGE_PART(object)) {
            if (role.files_only)
                return;
            nested_message(GMIME_MESSAGE_PART(object), depth);
        } else if (GMIME_IS_MULTIPART(object)) {
            multipart(GMIME_MULTIPART(object), depth, role);
        } else if (GMIME_IS_PART(object)) {
            leaf(GMIME_PART(object), role);
        }
    }

    void nested_message(GMimeMessagePart* message_part, int depth) {
        GMimeObject* object = GMIME_OBJECT(message_part);
        // A forwarded message's own file name is still worth finding; its text goes to the body.
        const std::string filename = detail::part_filename(object);
        if (!filename.empty() && m_result.attachments.size() < m_limits.max_attachments)
            m_result.attachments.push_back({filename, "message/rfc822", {}, false});

        GMimeMessage* message = g_mime_message_part_get_message(message_part);
        if (!message)
            return;
        GMimeObject* message_object = GMIME_OBJECT(message);
        // As mail readers show a forwarded message: its header lines above its text.
        std::string header_lines;
        for (const char* name : {"From", "To", "Cc", "Subject"}) {
            const std::string value = header_values(message_object, name);
            if (!value.empty())
                header_lines += std::string(name) + ": " + value + "\n";
        }
        if (!header_lines.empty())
            header_lines.pop_back();
        append_body(std::move(header_lines));
        walk(g_mime_message_get_mime_part(message), depth + 1, Role{});
    }

    void multipart(GMimeMultipart* multipart, int depth, Role role) {
        const int count = g_mime_multipart_get_count(multipart);
        if (count <= 0)
            return;
        GMimeContentType* content_type = g_mime_object_get_content_type(GMIME_OBJECT(multipart));
        const std::string subtype = lower_ascii(content_type ? g_mime_content_type_get_media_subtype(content_type) : nullptr);
        if (subtype == "alternative") {
            GMimeObject* preferred = preferred_alternative(multipart, count);
            for (int index = 0; index < count; ++index) {
                GMimeObject* child = g_mime_multipart_get_part(multipart, index);
                Role child_role = role;
                child_role.files_only = role.files_only || child != preferred;
                walk(child, depth + 1, child_role);
            }
            return;
        }
        for (int index = 0; index < count; ++index) {
            Role child_role = role;
            child_role.related_resource = role.related_resource || (subtype == "related" && index > 0);
            walk(g_mime_multipart_get_part(multipart, index), depth + 1, child_role);
        }
    }

    static GMimeObject* preferred_alternative(GMimeMultipart* multipart, int count) {
        const detail::Alternatives alternatives = detail::classify_alternatives(multipart);
        for (GMimeObject* choice : {alternatives.plain, alternatives.first_html, alternatives.first_multipart}) {
            if (choice)
                return choice;
        }
        return g_mime_multipart_get_part(multipart, count - 1);
    }

    void leaf(GMimePart* part, Role role) {
        GMimeObject* object = GMIME_OBJECT(part);
        const detail::LeafKind kind = detail::classify_leaf(object);
        // A named text part shown inline is both: text in the message and a file one can find.
        bool is_file = kind.named_file || !kind.body_text;
        if (role.related_resource && !kind.attachment_disposition)
            is_file = false;
        if (role.files_only && !kind.named_file)
            is_file = false;
        if (kind.body_text && !role.files_only)
            body_text(part, kind.type, kind.subtype);
        if (is_file)
            add_attachment(part, kind.filename, kind.type + "/" + kind.subtype);
    }

    void body_text(GMimePart* part, const std::string& media_type, const std::string& subtype) {
        if (m_result.body.size() >= m_limits.max_body_bytes)
            return;
        const bool html = media_type == "text" && subtype == "html";
        const std::size_t remaining = m_limits.max_body_bytes - m_result.body.size();
        // Room for charsets that shrink on conversion (UTF-16 and UTF-32 halve or quarter).
        const std::size_t limit = html ? MaxHtmlBytes : std::min<std::size_t>(remaining * 4 + 16, MaxHtmlBytes);
        std::string text = detail::part_text(part, html, limit).text;
        if (html)
            text = html_to_text(text, remaining);
        append_body(std::move(text));
    }

    void add_attachment(GMimePart* part, const std::string& filename, std::string content_type) {
        if (m_result.attachments.size() >= m_limits.max_attachments)
            return;
        Attachment attachment;
        attachment.filename = filename;
        attachment.content_type = raw_bytes_to_utf8(content_type);
        attachment.data = detail::decoded_content(part, m_limits.max_attachment_bytes, attachment.truncated);
        m_result.attachments.push_back(std::move(attachment));
    }

    const IndexTextLimits& m_limits;
    IndexText& m_result;
};

/// The whole input as text, for input GMime cannot read as a message at all.
void fall_back_to_raw_text(std::string_view message, const IndexTextLimits& limits, IndexText& result) {
    std::string text = raw_bytes_to_utf8(message.substr(0, std::min(message.size(), limits.max_body_bytes)));
    truncate_utf8(text, limits.max_body_bytes);
    result.body = std::move(text);
}

}  // namespace

IndexText extract_index_text(std::string_view message, const IndexTextLimits& limits) {
    IndexText result;
    const detail::ParsedMessage parsed(message);
    if (parsed.bytes().empty())
        return result;
    if (!parsed.message()) {
        fall_back_to_raw_text(parsed.bytes(), limits, result);
        return result;
    }
    Extractor extractor(limits, result);
    extractor.top_level(parsed.message());
    return result;
}

}  // namespace cairn::mime
