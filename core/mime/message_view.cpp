// SPDX-License-Identifier: GPL-3.0-or-later
// A message prepared for reading, parsed with GMime through the helpers index_text.cpp uses too,
// so the reader and the search index agree on headers, file names and charsets.
//
// One walk serves both entry points: read_message_view and attachment_data run the same Walker
// over the same tree, so attachment numbers always agree; attachment_data only skips the text.
// What counts as an attachment: every leaf that is not shown as text (a named inline text part
// is both), every non-root part of multipart/related (the images the HTML shows by cid:), every
// nested message, and in the alternatives not shown only parts that name a file (Apple Mail puts
// a PDF inside the HTML alternative only).
#include "core/mime/message_view.h"

#include "core/base/text.h"

#include <algorithm>

#include "core/mime/charset.h"
#include "core/mime/date_parse.h"
#include "core/mime/gmime_support.h"
#include "core/mime/header_block.h"
#include "core/mime/html_text.h"

namespace cairn::mime {
namespace {

using detail::header_values;
using detail::lower_ascii;
using detail::truncate_utf8;

// GMime recurses on its own while parsing, but our walk stops here: deeper nesting in real mail
// is an attack or a mail loop.
constexpr int MaxDepth = 32;

/// What a part may contribute: its text to MessageView::text, its HTML to MessageView::html, or
/// (in an alternative not shown, or a related part's decoration) only files.
struct Role {
    bool text = true;
    bool html = true;
    bool files_only = false;
    bool related_resource = false;
};

/// A name safe to offer as a file name: no directories, no control characters (C0, DEL, C1),
/// not "." or "..", blanks trimmed.
std::string clean_filename(std::string_view name) {
    const std::size_t slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos)
        name.remove_prefix(slash + 1);
    std::string result;
    for (std::size_t index = 0; index < name.size(); ++index) {
        const auto byte = static_cast<unsigned char>(name[index]);
        if (byte < 0x20 || byte == 0x7F)
            continue;
        if (byte == 0xC2 && index + 1 < name.size() && static_cast<unsigned char>(name[index + 1]) < 0xA0) {
            ++index;  // U+0080..U+009F
            continue;
        }
        result.push_back(name[index]);
    }
    result = std::string(detail::trim(result));
    if (result == "." || result == "..")
        return {};
    return result;
}

std::string extension_for(const std::string& type, const std::string& subtype) {
    static constexpr std::pair<std::string_view, std::string_view> known[] = {
        {"application/pdf", "pdf"},   {"application/zip", "zip"},  {"application/msword", "doc"},
        {"application/rtf", "rtf"},   {"text/plain", "txt"},       {"text/html", "html"},
        {"text/calendar", "ics"},     {"text/csv", "csv"},         {"text/rtf", "rtf"},
        {"image/jpeg", "jpg"},        {"image/png", "png"},        {"image/gif", "gif"},
        {"image/webp", "webp"},       {"image/bmp", "bmp"},        {"image/tiff", "tif"},
        {"audio/mpeg", "mp3"},        {"video/mp4", "mp4"},        {"message/rfc822", "eml"},
    };
    const std::string full = type + "/" + subtype;
    for (const auto& [media_type, extension] : known) {
        if (full == media_type)
            return std::string(extension);
    }
    return "bin";
}

bool contains_ignoring_case(std::string_view text, std::string_view needle) {
    if (needle.empty() || needle.size() > text.size())
        return false;
    for (std::size_t position = 0; position + needle.size() <= text.size(); ++position) {
        if (detail::equals_ignoring_case(text.substr(position, needle.size()), needle))
            return true;
    }
    return false;
}

/// The bytes of a nested message, written out by GMime from what it parsed (header lines and
/// bodies as they were; GMime keeps the raw forms).
std::string message_bytes(GMimeMessage* message) {
    detail::ObjectReference<GMimeStream> stream(g_mime_stream_mem_new());
    if (!stream.get() || g_mime_object_write_to_stream(GMIME_OBJECT(message), nullptr, stream.get()) < 0)
        return {};
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
    if (!array || !array->data)
        return {};
    return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

enum class Mode { View, Data };

class Walker {
public:
    Walker(Mode mode, const MessageViewLimits& limits, std::string_view bytes, MessageView& view)
        : m_mode(mode), m_limits(limits), m_bytes(bytes), m_view(view) {}

    /// In Data mode: the attachment whose data to keep.
    void want(std::size_t index) { m_wanted = index; }
    std::optional<std::string>& data() { return m_data; }

    void walk(GMimeObject* object, int depth, Role role) {
        if (!object)
            return;
        if (depth > MaxDepth) {
            problem("parts nested deeper than " + std::to_string(MaxDepth) + " levels are left out");
            return;
        }
        if (GMIME_IS_MESSAGE_PART(object)) {
            nested_message(GMIME_MESSAGE_PART(object), depth, role);
        } else if (GMIME_IS_MULTIPART(object)) {
            multipart(GMIME_MULTIPART(object), depth, role);
        } else if (GMIME_IS_PART(object)) {
            ++m_leaf_number;
            leaf(GMIME_PART(object), role);
        }
    }

private:
    void nested_message(GMimeMessagePart* message_part, int depth, Role role) {
        GMimeObject* object = GMIME_OBJECT(message_part);
        GMimeMessage* message = g_mime_message_part_get_message(message_part);
        if (role.files_only && clean_filename(detail::part_filename(object)).empty())
            return;
        const std::string subject = message ? header_values(GMIME_OBJECT(message), "Subject") : std::string();
        std::string filename = clean_filename(detail::part_filename(object));
        if (filename.empty()) {
            std::string from_subject = subject;
            std::replace(from_subject.begin(), from_subject.end(), '/', '-');
            std::replace(from_subject.begin(), from_subject.end(), '\\', '-');
            filename = clean_filename(from_subject.substr(0, 200));
            filename = filename.empty() ? "message-" + std::to_string(m_attachment_count + 1) + ".eml" : filename + ".eml";
        }
        const std::optional<std::size_t> index = next_attachment();
        const bool wanted = index && m_wanted == index;
        if (index && (m_mode == Mode::View || wanted)) {
            std::string bytes = message ? message_bytes(message) : std::string();
            add_attachment(*index, filename, "message/rfc822", bytes.size(), object);
            if (wanted)
                m_data = std::move(bytes);
        }
        if (!message || role.files_only)
            return;
        if (m_mode == Mode::View && role.text) {
            // As mail readers show a forwarded message: its header lines above its text.
            std::string header_lines;
            for (const char* name : {"From", "Date", "Subject"}) {
                const std::string value = header_values(GMIME_OBJECT(message), name);
                if (!value.empty())
                    header_lines += std::string(name) + ": " + value + "\n";
            }
            append_text("\n---------- Forwarded message ----------\n" + header_lines);
        }
        walk(g_mime_message_get_mime_part(message), depth + 1, Role{role.text, false, false, false});
    }

    void multipart(GMimeMultipart* multipart, int depth, Role role) {
        GMimeObject* object = GMIME_OBJECT(multipart);
        if (m_mode == Mode::View) {
            const char* boundary = g_mime_multipart_get_boundary(multipart);
            if (!boundary || !*boundary)
                problem("a multipart has no boundary; its content is read as one part");
            else if (m_bytes.find("--" + std::string(boundary) + "--") == std::string_view::npos)
                problem("a multipart has no closing boundary (the message may be truncated)");
        }
        const int count = g_mime_multipart_get_count(multipart);
        GMimeContentType* content_type = g_mime_object_get_content_type(object);
        const std::string subtype =
            lower_ascii(content_type ? g_mime_content_type_get_media_subtype(content_type) : nullptr);
        if (subtype == "alternative") {
            alternative(multipart, count, depth, role);
            return;
        }
        for (int index = 0; index < count; ++index) {
            Role child_role = role;
            if (subtype == "related" && index > 0)
                child_role = Role{false, false, role.files_only, true};
            walk(g_mime_multipart_get_part(multipart, index), depth + 1, child_role);
        }
    }

    void alternative(GMimeMultipart* multipart, int count, int depth, Role role) {
        // The plain text alternative is the text; the richest HTML one (the last, RFC 2046) the HTML.
        const detail::Alternatives alternatives = detail::classify_alternatives(multipart);
        GMimeObject* plain = alternatives.plain;
        GMimeObject* rich = alternatives.richest;
        if (!plain && !rich && count > 0)
            rich = g_mime_multipart_get_part(multipart, count - 1);
        for (int index = 0; index < count; ++index) {
            GMimeObject* child = g_mime_multipart_get_part(multipart, index);
            Role child_role = role;
            if (child == plain)
                child_role.html = false;
            else if (child == rich)
                child_role.text = role.text && !plain;
            else
                child_role.files_only = true;
            walk(child, depth + 1, child_role);
        }
    }

    void leaf(GMimePart* part, Role role) {
        GMimeObject* object = GMIME_OBJECT(part);
        const detail::LeafKind kind = detail::classify_leaf(object);
        const std::string& type = kind.type;
        const std::string& subtype = kind.subtype;
        std::string filename = clean_filename(kind.filename);
        const bool named_file = kind.named_file;
        const bool is_body = kind.body_text && !role.related_resource;
        if (role.files_only) {
            if (named_file)
                file(part, std::move(filename), type, subtype);
            return;
        }
        if (is_body && m_mode == Mode::View)
            body_text(part, type == "text" && subtype == "html", role);
        if (named_file || !is_body)
            file(part, std::move(filename), type, subtype);
    }

    void body_text(GMimePart* part, bool html, Role role) {
        if (!role.text && !(html && role.html))
            return;
        // Room for charsets that shrink on conversion (UTF-16 and UTF-32 halve or quarter).
        const std::size_t limit = std::max(m_limits.max_text_bytes, m_limits.max_html_bytes) * 4 + 16;
        const detail::PartText part_text = detail::part_text(part, html, limit);
        const std::string number = "part " + std::to_string(m_leaf_number) + ": ";
        if (!part_text.charset_known)
            problem(number + "unknown charset " + raw_bytes_to_utf8(part_text.charset) +
                    ", read as UTF-8 or windows-1252");
        if (!part_text.intact)
            problem(number + "damaged base64, some text may be wrong");
        if (!html) {
            append_text(part_text.text);
            return;
        }
        if (role.html) {
            if (!m_view.html.empty() && m_view.html.size() < m_limits.max_html_bytes)
                m_view.html += "\n<hr>\n";
            m_view.html += part_text.text;
            truncate_utf8(m_view.html, m_limits.max_html_bytes);
        }
        if (role.text && m_view.text.size() < m_limits.max_text_bytes)
            append_text(html_to_text(part_text.text, m_limits.max_text_bytes - m_view.text.size()));
    }

    void file(GMimePart* part, std::string filename, const std::string& type, const std::string& subtype) {
        const std::optional<std::size_t> index = next_attachment();
        if (!index || (m_mode == Mode::Data && m_wanted != index))
            return;
        std::uint64_t size = 0;
        std::string data;
        const bool keep = m_mode == Mode::Data;
        const bool intact = detail::decode_content(part, [&](std::string_view chunk) {
            size += chunk.size();
            if (keep)
                data.append(chunk);
            return true;
        });
        if (filename.empty())
            filename = "attachment-" + std::to_string(*index + 1) + "." + extension_for(type, subtype);
        if (!intact)
            problem("attachment " + std::to_string(*index) + " (" + filename + "): damaged base64, the file may be wrong");
        add_attachment(*index, std::move(filename), type + "/" + subtype, size, GMIME_OBJECT(part));
        if (keep)
            m_data = std::move(data);
    }

    /// The number the next attachment gets, or nullopt past the limit (counted all the same).
    std::optional<std::size_t> next_attachment() {
        const std::size_t index = m_attachment_count++;
        if (index >= m_limits.max_attachments) {
            if (index == m_limits.max_attachments)
                problem("more than " + std::to_string(m_limits.max_attachments) + " attachments; the rest are left out");
            return std::nullopt;
        }
        return index;
    }

    void add_attachment(std::size_t index, std::string filename, std::string content_type, std::uint64_t size,
                        GMimeObject* object) {
        if (m_mode != Mode::View)
            return;
        ViewAttachment attachment;
        attachment.index = index;
        attachment.filename = std::move(filename);
        attachment.content_type = raw_bytes_to_utf8(content_type);
        attachment.size = size;
        std::string content_id = detail::valid_utf8(g_mime_object_get_content_id(object));
        if (content_id.size() >= 2 && content_id.front() == '<' && content_id.back() == '>')
            content_id = content_id.substr(1, content_id.size() - 2);
        attachment.content_id = std::move(content_id);
        m_view.attachments.push_back(std::move(attachment));
    }

    void append_text(const std::string& text) {
        if (text.empty() || m_view.text.size() >= m_limits.max_text_bytes)
            return;
        if (!m_view.text.empty() && m_view.text.back() != '\n')
            m_view.text += '\n';
        m_view.text += text;
        truncate_utf8(m_view.text, m_limits.max_text_bytes);
    }

    void problem(std::string text) {
        if (m_mode != Mode::View)
            return;
        if (std::find(m_view.problems.begin(), m_view.problems.end(), text) == m_view.problems.end())
            m_view.problems.push_back(std::move(text));
    }

    Mode m_mode;
    const MessageViewLimits& m_limits;
    std::string_view m_bytes;
    MessageView& m_view;
    std::optional<std::size_t> m_wanted;
    std::optional<std::string> m_data;
    std::size_t m_attachment_count = 0;
    std::size_t m_leaf_number = 0;
};

void read_headers(GMimeMessage* message, MessageView& view) {
    GMimeObject* object = GMIME_OBJECT(message);
    view.subject = header_values(object, "Subject");
    view.from = header_values(object, "From");
    view.sender = header_values(object, "Sender");
    view.reply_to = header_values(object, "Reply-To");
    view.to = header_values(object, "To");
    view.cc = header_values(object, "Cc");
    view.bcc = header_values(object, "Bcc");
    view.date_text = header_values(object, "Date");
    if (!view.date_text.empty())
        view.date = parse_date(view.date_text);
    const std::string raw_message_id = header_values(object, "Message-ID");
    std::string_view message_id = detail::trim(raw_message_id);
    if (message_id.size() >= 2 && message_id.front() == '<' && message_id.back() == '>')
        message_id = message_id.substr(1, message_id.size() - 2);
    view.message_id = std::string(message_id);
}

}  // namespace

MessageView read_message_view(std::string_view message, const MessageViewLimits& limits) {
    MessageView view;
    const detail::ParsedMessage parsed(message);
    if (!parsed.message()) {
        if (!parsed.bytes().empty()) {
            view.text = raw_bytes_to_utf8(parsed.bytes().substr(0, limits.max_text_bytes));
            truncate_utf8(view.text, limits.max_text_bytes);
            view.problems.emplace_back("not readable as a MIME message; shown as it is");
        }
        return view;
    }
    read_headers(parsed.message(), view);
    Walker walker(Mode::View, limits, parsed.bytes(), view);
    walker.walk(g_mime_message_get_mime_part(parsed.message()), 1, Role{});
    for (const std::string& warning : parsed.warnings()) {
        if (std::find(view.problems.begin(), view.problems.end(), warning) == view.problems.end())
            view.problems.push_back(warning);
    }
    for (ViewAttachment& attachment : view.attachments) {
        if (!attachment.content_id.empty())
            attachment.inline_image = contains_ignoring_case(view.html, "cid:" + attachment.content_id);
    }
    return view;
}

std::optional<std::string> attachment_data(std::string_view message, std::size_t index) {
    const detail::ParsedMessage parsed(message);
    if (!parsed.message())
        return std::nullopt;
    MessageView unused;
    const MessageViewLimits limits;
    Walker walker(Mode::Data, limits, parsed.bytes(), unused);
    walker.want(index);
    walker.walk(g_mime_message_get_mime_part(parsed.message()), 1, Role{});
    return std::move(walker.data());
}

SanitizedHtml displayable_html(std::string_view message, const MessageView& view, bool allow_remote_images) {
    if (view.html.empty())
        return {};
    SanitizeOptions options;
    options.allow_remote_images = allow_remote_images;
    options.resolve_content_id = [&](std::string_view content_id) -> std::string {
        for (const auto& attachment : view.attachments) {
            const bool displayable = attachment.content_type == "image/png" || attachment.content_type == "image/gif" ||
                                     attachment.content_type == "image/jpeg" || attachment.content_type == "image/webp";
            if (attachment.content_id != content_id || !displayable)
                continue;
            auto data = attachment_data(message, attachment.index);
            return data ? "data:" + attachment.content_type + ";base64," + base64_encode(*data) : std::string();
        }
        return {};
    };
    return sanitize_html(view.html, options);
}

}  // namespace cairn::mime
