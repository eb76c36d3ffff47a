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

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

#include <gmime/gmime.h>

#include "core/mime/charset.h"
#include "core/mime/encoded_words.h"
#include "core/mime/header_block.h"
#include "core/mime/html_text.h"

namespace cairn::mime {
namespace {

// GMime recurses on its own while parsing, but our walk stops here: deeper nesting in real mail
// is an attack or a mail loop, not text anyone wants to find.
constexpr int MaxDepth = 32;
// Raw HTML beyond html_to_text's own input cap would be cut there anyway.
constexpr std::size_t MaxHtmlBytes = 4u << 20;
constexpr std::size_t ReadChunkBytes = 64u << 10;

void initialize_gmime() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

/// Owns one GObject reference.
template <class Object>
class ObjectReference {
public:
    explicit ObjectReference(Object* object) : m_object(object) {}
    ~ObjectReference() {
        if (m_object)
            g_object_unref(m_object);
    }
    ObjectReference(const ObjectReference&) = delete;
    ObjectReference& operator=(const ObjectReference&) = delete;
    Object* get() const { return m_object; }

private:
    Object* m_object;
};

std::string lower_ascii(const char* text) {
    std::string result = text ? text : "";
    for (char& character : result)
        character = detail::to_lower_ascii(character);
    return result;
}

/// Cuts `text` to at most `size` bytes without splitting a UTF-8 character.
void truncate_utf8(std::string& text, std::size_t size) {
    if (text.size() <= size)
        return;
    while (size > 0 && (static_cast<unsigned char>(text[size]) & 0xC0) == 0x80)
        --size;
    text.resize(size);
}

std::string valid_utf8(const char* text) {
    if (!text)
        return {};
    return raw_bytes_to_utf8(text);
}

/// Every value of the header `name`, decoded, joined by ", ".
std::string header_values(GMimeObject* object, std::string_view name) {
    std::string result;
    GMimeHeaderList* headers = g_mime_object_get_header_list(object);
    if (!headers)
        return result;
    const int count = g_mime_header_list_get_count(headers);
    for (int index = 0; index < count; ++index) {
        GMimeHeader* header = g_mime_header_list_get_header_at(headers, index);
        const char* header_name = header ? g_mime_header_get_name(header) : nullptr;
        if (!header_name || !detail::equals_ignoring_case(header_name, name))
            continue;
        const char* raw_value = g_mime_header_get_raw_value(header);
        std::string value = decode_header_value(raw_value ? raw_value : "");
        if (value.empty())
            continue;
        if (!result.empty())
            result += ", ";
        result += value;
    }
    return result;
}

void append_joined(std::string& target, const std::string& value, std::string_view separator) {
    if (value.empty())
        return;
    if (!target.empty())
        target += separator;
    target += value;
}

/// The raw, non-RFC-2231 value of parameter `name` in a raw header value, or empty.
std::string raw_parameter(std::string_view header, std::string_view name) {
    std::size_t position = 0;
    while (position < header.size()) {
        const std::size_t semicolon = header.find(';', position);
        if (semicolon == std::string_view::npos)
            return {};
        position = semicolon + 1;
        while (position < header.size() && detail::is_whitespace(header[position]))
            ++position;
        if (header.size() - position <= name.size() ||
            !detail::equals_ignoring_case(header.substr(position, name.size()), name))
            continue;
        std::size_t equals = position + name.size();
        while (equals < header.size() && detail::is_whitespace(header[equals]))
            ++equals;
        if (equals >= header.size() || header[equals] != '=')
            continue;
        std::size_t value = equals + 1;
        while (value < header.size() && detail::is_whitespace(header[value]))
            ++value;
        std::string result;
        if (value < header.size() && header[value] == '"') {
            for (std::size_t index = value + 1; index < header.size() && header[index] != '"'; ++index) {
                if (header[index] == '\\' && index + 1 < header.size())
                    ++index;
                result += header[index];
            }
        } else {
            for (std::size_t index = value; index < header.size() && header[index] != ';'; ++index)
                result += header[index];
        }
        return result;
    }
    return {};
}

std::string raw_header(GMimeObject* object, const char* name) {
    GMimeHeaderList* headers = g_mime_object_get_header_list(object);
    if (!headers)
        return {};
    GMimeHeader* header = g_mime_header_list_get_header(headers, name);
    const char* raw_value = header ? g_mime_header_get_raw_value(header) : nullptr;
    return raw_value ? raw_value : "";
}

/// The part's file name: GMime handles RFC 2231 (encoded and continued parameters), but an
/// RFC 2047 encoded word inside a plain parameter (widespread, though not standard) is decoded
/// by us, because GMime's decoder truncates adjacent base64 words.
std::string part_filename(GMimePart* part) {
    GMimeObject* object = GMIME_OBJECT(part);
    for (const auto& [header, parameter] : {std::pair{"Content-Disposition", "filename"}, std::pair{"Content-Type", "name"}}) {
        const std::string raw_value = raw_parameter(raw_header(object, header), parameter);
        if (raw_value.find("=?") != std::string::npos)
            return decode_header_value(raw_value);
    }
    return valid_utf8(g_mime_part_get_filename(part));
}

/// The decoded content of a leaf part, at most `limit` bytes; `truncated` says whether more was
/// there. Reads in chunks so a huge attachment costs no more than the limit.
std::string decoded_content(GMimePart* part, std::size_t limit, bool& truncated) {
    truncated = false;
    std::string result;
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    GMimeStream* stream = wrapper ? g_mime_data_wrapper_get_stream(wrapper) : nullptr;
    if (!stream)
        return result;
    const GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding(wrapper);
    const bool decode = encoding == GMIME_CONTENT_ENCODING_BASE64 ||
                        encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
                        encoding == GMIME_CONTENT_ENCODING_UUENCODE;
    GMimeEncoding state;
    g_mime_encoding_init_decode(&state, encoding);
    if (g_mime_stream_reset(stream) == -1)
        return result;
    std::string chunk(ReadChunkBytes, '\0');
    for (;;) {
        const ssize_t read = g_mime_stream_read(stream, chunk.data(), chunk.size());
        if (read <= 0)
            break;
        const auto length = static_cast<std::size_t>(read);
        if (decode) {
            const std::size_t old_size = result.size();
            result.resize(old_size + g_mime_encoding_outlen(&state, length));
            const std::size_t written = g_mime_encoding_step(&state, chunk.data(), length, result.data() + old_size);
            result.resize(old_size + written);
        } else {
            result.append(chunk.data(), length);
        }
        if (result.size() > limit) {
            truncated = true;
            result.resize(limit);
            return result;
        }
    }
    if (decode) {
        const std::size_t old_size = result.size();
        result.resize(old_size + g_mime_encoding_outlen(&state, 0) + 16);
        const std::size_t written = g_mime_encoding_flush(&state, nullptr, 0, result.data() + old_size);
        result.resize(old_size + written);
        if (result.size() > limit) {
            truncated = true;
            result.resize(limit);
        }
    }
    return result;
}

/// A charset parameter in the first bytes of an HTML document (<meta charset=...> or
/// http-equiv content="...; charset=..."), for HTML parts whose MIME header names none.
std::string html_meta_charset(std::string_view html) {
    const std::string_view head = html.substr(0, std::min<std::size_t>(html.size(), 4096));
    std::string lowered(head);
    for (char& character : lowered)
        character = detail::to_lower_ascii(character);
    const std::size_t position = lowered.find("charset=");
    if (position == std::string::npos)
        return {};
    std::size_t begin = position + 8;
    while (begin < lowered.size() && (lowered[begin] == '"' || lowered[begin] == '\'' || lowered[begin] == ' '))
        ++begin;
    std::size_t end = begin;
    while (end < lowered.size() && (std::isalnum(static_cast<unsigned char>(lowered[end])) || lowered[end] == '-' ||
                                    lowered[end] == '_' || lowered[end] == '.' || lowered[end] == ':'))
        ++end;
    return lowered.substr(begin, end - begin);
}

/// Text bytes in the declared charset to UTF-8. A Latin-1 family label on bytes that are valid
/// UTF-8 with non-ASCII characters is taken to be wrong (senders that write UTF-8 and say
/// iso-8859-1 are common; Latin-1 text that happens to be valid UTF-8 is not).
std::string text_to_utf8(std::string_view bytes, std::string_view charset) {
    if (charset.empty())
        return raw_bytes_to_utf8(bytes);
    const std::string label = lower_ascii(std::string(charset).c_str());
    const bool latin_family = label == "iso-8859-1" || label == "iso8859-1" || label == "latin1" ||
                              label == "windows-1252" || label == "cp1252" || label == "iso-8859-15" ||
                              label == "us-ascii" || label == "ascii";
    if (latin_family && is_valid_utf8(bytes))
        return std::string(bytes);
    return charset_to_utf8(bytes, charset);
}

bool is_body_text_type(const std::string& media_type, const std::string& subtype) {
    if (media_type == "text")
        return subtype != "rtf";  // RTF is markup for the attachment extractor, not text
    return media_type == "message" && (subtype == "delivery-status" || subtype == "disposition-notification" ||
                                       subtype == "feedback-report");
}

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
        const std::string filename = [&] {
            GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object);
            const char* name = disposition ? g_mime_content_disposition_get_parameter(disposition, "filename") : nullptr;
            if (!name)
                name = g_mime_object_get_content_type_parameter(object, "name");
            return valid_utf8(name);
        }();
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
        GMimeObject* html = nullptr;
        GMimeObject* nested = nullptr;
        for (int index = 0; index < count; ++index) {
            GMimeObject* child = g_mime_multipart_get_part(multipart, index);
            if (!child)
                continue;
            if (GMIME_IS_MULTIPART(child)) {
                if (!nested)
                    nested = child;
                continue;
            }
            GMimeContentType* content_type = g_mime_object_get_content_type(child);
            if (!content_type || !GMIME_IS_PART(child))
                continue;
            const std::string media_type = lower_ascii(g_mime_content_type_get_media_type(content_type));
            const std::string subtype = lower_ascii(g_mime_content_type_get_media_subtype(content_type));
            if (media_type == "text" && subtype == "plain")
                return child;
            if (media_type == "text" && subtype == "html" && !html)
                html = child;
        }
        if (html)
            return html;
        if (nested)
            return nested;
        return g_mime_multipart_get_part(multipart, count - 1);
    }

    void leaf(GMimePart* part, Role role) {
        GMimeObject* object = GMIME_OBJECT(part);
        GMimeContentType* content_type = g_mime_object_get_content_type(object);
        std::string media_type =
            content_type ? lower_ascii(g_mime_content_type_get_media_type(content_type)) : std::string("text");
        std::string subtype =
            content_type ? lower_ascii(g_mime_content_type_get_media_subtype(content_type)) : std::string("plain");
        // RFC 2045 §5.2: a syntactically invalid Content-Type ("text", with no subtype, is common in
        // old mail) means text/plain. GMime reads it as application/octet-stream, which would hide
        // the message's whole text from search.
        if (const char* raw = g_mime_object_get_header(object, "Content-Type")) {
            std::string_view value(raw);
            value = value.substr(0, value.find(';'));
            if (value.find('/') == std::string_view::npos) {
                media_type = "text";
                subtype = "plain";
            }
        }
        GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object);
        const bool attachment_disposition = disposition && g_mime_content_disposition_is_attachment(disposition);
        const bool inline_disposition = disposition && !attachment_disposition;
        const std::string filename = part_filename(part);

        // A named text part shown inline is both: text in the message and a file one can find.
        const bool is_body = is_body_text_type(media_type, subtype) && !attachment_disposition &&
                             (filename.empty() || inline_disposition);
        const bool named_file = attachment_disposition || !filename.empty();
        bool is_file = named_file || !is_body;
        if (role.related_resource && !attachment_disposition)
            is_file = false;
        if (role.files_only && !named_file)
            is_file = false;
        if (is_body && !role.files_only)
            body_text(part, media_type, subtype);
        if (is_file)
            add_attachment(part, filename, media_type + "/" + subtype);
    }

    void body_text(GMimePart* part, const std::string& media_type, const std::string& subtype) {
        if (m_result.body.size() >= m_limits.max_body_bytes)
            return;
        const bool html = media_type == "text" && subtype == "html";
        const std::size_t remaining = m_limits.max_body_bytes - m_result.body.size();
        // Room for charsets that shrink on conversion (UTF-16 and UTF-32 halve or quarter).
        const std::size_t limit = html ? MaxHtmlBytes : std::min<std::size_t>(remaining * 4 + 16, MaxHtmlBytes);
        bool truncated = false;
        const std::string raw = decoded_content(part, limit, truncated);
        std::string charset = lower_ascii(g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset"));
        if (charset.empty() && html)
            charset = html_meta_charset(raw);
        std::string text = text_to_utf8(raw, charset);
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
        attachment.data = decoded_content(part, m_limits.max_attachment_bytes, attachment.truncated);
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
    initialize_gmime();
    IndexText result;
    // An mbox envelope line is not a header; GMime in message mode would take it as the end of
    // the header block.
    if (message.starts_with("From ")) {
        const std::size_t newline = message.find('\n');
        message.remove_prefix(newline == std::string_view::npos ? message.size() : newline + 1);
    }
    if (message.empty())
        return result;

    ObjectReference<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(message.data(), message.size()));
    ObjectReference<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    ObjectReference<GMimeMessage> parsed(g_mime_parser_construct_message(parser.get(), nullptr));
    if (!parsed.get()) {
        fall_back_to_raw_text(message, limits, result);
        return result;
    }
    Extractor extractor(limits, result);
    extractor.top_level(parsed.get());
    return result;
}

}  // namespace cairn::mime
