// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/mime/gmime_support.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

#include "core/mime/charset.h"
#include "core/mime/encoded_words.h"
#include "core/mime/header_block.h"

namespace cairn::mime::detail {
namespace {

constexpr std::size_t ReadChunkBytes = 64u << 10;

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
}  // namespace

void initialize_gmime() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

std::string lower_ascii(const char* text) {
    std::string result = text ? text : "";
    for (char& character : result)
        character = detail::to_lower_ascii(character);
    return result;
}

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

/// The raw, non-RFC-2231 value of parameter `name` in a raw header value, or empty.
std::string part_filename(GMimeObject* object) {
    for (const auto& [header, parameter] : {std::pair{"Content-Disposition", "filename"}, std::pair{"Content-Type", "name"}}) {
        const std::string raw_value = raw_parameter(raw_header(object, header), parameter);
        if (raw_value.find("=?") != std::string::npos)
            return decode_header_value(raw_value);
    }
    if (GMIME_IS_PART(object))
        return valid_utf8(g_mime_part_get_filename(GMIME_PART(object)));
    // Nested messages are no GMimePart; their parameters are read the same way.
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object);
    const char* name = disposition ? g_mime_content_disposition_get_parameter(disposition, "filename") : nullptr;
    if (!name)
        name = g_mime_object_get_content_type_parameter(object, "name");
    return valid_utf8(name);
}

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

ParsedMessage::ParsedMessage(std::string_view message) {
    initialize_gmime();
    if (message.starts_with("From ")) {
        const std::size_t newline = message.find('\n');
        message.remove_prefix(newline == std::string_view::npos ? message.size() : newline + 1);
    }
    m_bytes = message;
    if (message.empty())
        return;
    m_stream.reset(g_mime_stream_mem_new_with_buffer(message.data(), message.size()));
    m_parser.reset(g_mime_parser_new_with_stream(m_stream.get()));
    g_mime_parser_set_format(m_parser.get(), GMIME_FORMAT_MESSAGE);
    m_options = g_mime_parser_options_new();
    g_mime_parser_options_set_warning_callback(m_options, &ParsedMessage::warn, this);
    m_message.reset(g_mime_parser_construct_message(m_parser.get(), m_options));
}

ParsedMessage::~ParsedMessage() {
    m_message.reset(nullptr);
    m_parser.reset(nullptr);
    if (m_options)
        g_mime_parser_options_free(m_options);
}

MediaType leaf_media_type(GMimeObject* object) {
    GMimeContentType* content_type = g_mime_object_get_content_type(object);
    MediaType result{content_type ? lower_ascii(g_mime_content_type_get_media_type(content_type)) : std::string("text"),
                     content_type ? lower_ascii(g_mime_content_type_get_media_subtype(content_type)) : std::string("plain")};
    if (const char* raw = g_mime_object_get_header(object, "Content-Type")) {
        std::string_view value(raw);
        value = value.substr(0, value.find(';'));
        if (value.find('/') == std::string_view::npos)
            result = {"text", "plain"};
    }
    return result;
}

bool decode_content(GMimePart* part, const std::function<bool(std::string_view chunk)>& sink) {
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    GMimeStream* stream = wrapper ? g_mime_data_wrapper_get_stream(wrapper) : nullptr;
    if (!stream || g_mime_stream_reset(stream) == -1)
        return true;
    const GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding(wrapper);
    const bool decode = encoding == GMIME_CONTENT_ENCODING_BASE64 ||
                        encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
                        encoding == GMIME_CONTENT_ENCODING_UUENCODE;
    GMimeEncoding state;
    g_mime_encoding_init_decode(&state, encoding);
    bool intact = true;
    std::string chunk(ReadChunkBytes, '\0');
    std::string decoded;
    for (;;) {
        const ssize_t read = g_mime_stream_read(stream, chunk.data(), chunk.size());
        if (read <= 0)
            break;
        const auto length = static_cast<std::size_t>(read);
        if (!decode) {
            if (!sink(std::string_view(chunk.data(), length)))
                return intact;
            continue;
        }
        if (encoding == GMIME_CONTENT_ENCODING_BASE64) {
            // GMime's decoder skips what is not base64 without a word; a reader should hear of it.
            for (std::size_t index = 0; index < length && intact; ++index) {
                const auto byte = static_cast<unsigned char>(chunk[index]);
                intact = std::isalnum(byte) || byte == '+' || byte == '/' || byte == '=' || byte == '\r' ||
                         byte == '\n' || byte == ' ' || byte == '\t';
            }
        }
        decoded.resize(g_mime_encoding_outlen(&state, length));
        decoded.resize(g_mime_encoding_step(&state, chunk.data(), length, decoded.data()));
        if (!sink(decoded))
            return intact;
    }
    if (decode) {
        decoded.resize(g_mime_encoding_outlen(&state, 0) + 16);
        decoded.resize(g_mime_encoding_flush(&state, nullptr, 0, decoded.data()));
        if (!decoded.empty())
            sink(decoded);
    }
    return intact;
}

std::string decoded_content(GMimePart* part, std::size_t limit, bool& truncated) {
    truncated = false;
    std::string result;
    decode_content(part, [&](std::string_view chunk) {
        if (result.size() + chunk.size() > limit) {
            result.append(chunk.substr(0, limit - result.size()));
            truncated = true;
            return false;
        }
        result.append(chunk);
        return true;
    });
    return result;
}

void ParsedMessage::warn(gint64 /*offset*/, GMimeParserWarning code, const gchar* /*item*/, gpointer self) {
    const char* text = nullptr;
    switch (code) {
    case GMIME_WARN_MALFORMED_MULTIPART: text = "a multipart has no parts"; break;
    case GMIME_WARN_TRUNCATED_MESSAGE: text = "the message is truncated"; break;
    case GMIME_WARN_MALFORMED_MESSAGE: text = "the message is malformed"; break;
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: text = "a multipart has no boundary"; break;
    case GMIME_CRIT_NESTING_OVERFLOW: text = "parts are nested too deep"; break;
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: text = "a part has neither headers nor content"; break;
    default: return;  // duplicated headers, 8-bit headers and the like: read fine, not news to a reader
    }
    auto& warnings = static_cast<ParsedMessage*>(self)->m_warnings;
    if (std::find(warnings.begin(), warnings.end(), text) == warnings.end())
        warnings.emplace_back(text);
}

LeafKind classify_leaf(GMimeObject* object) {
    LeafKind kind;
    auto [type, subtype] = leaf_media_type(object);
    kind.type = std::move(type);
    kind.subtype = std::move(subtype);
    kind.filename = part_filename(object);
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object);
    kind.attachment_disposition = disposition && g_mime_content_disposition_is_attachment(disposition);
    const bool inline_disposition = disposition && !kind.attachment_disposition;
    kind.named_file = kind.attachment_disposition || !kind.filename.empty();
    kind.body_text = is_body_text_type(kind.type, kind.subtype) && !kind.attachment_disposition &&
                     (kind.filename.empty() || inline_disposition);
    return kind;
}

Alternatives classify_alternatives(GMimeMultipart* multipart) {
    Alternatives result;
    const int count = g_mime_multipart_get_count(multipart);
    for (int index = 0; index < count; ++index) {
        GMimeObject* child = g_mime_multipart_get_part(multipart, index);
        if (!child)
            continue;
        if (GMIME_IS_MULTIPART(child)) {
            if (!result.first_multipart)
                result.first_multipart = child;
            result.richest = child;
            continue;
        }
        if (!GMIME_IS_PART(child))
            continue;
        const auto [type, subtype] = leaf_media_type(child);
        if (type == "text" && subtype == "plain" && !result.plain) {
            result.plain = child;
        } else if (type == "text" && subtype == "html") {
            if (!result.first_html)
                result.first_html = child;
            result.richest = child;
        }
    }
    return result;
}

bool is_body_text_type(const std::string& media_type, const std::string& subtype) {
    if (media_type == "text")
        return subtype != "rtf";  // RTF is markup for the attachment extractor, not text
    return media_type == "message" && (subtype == "delivery-status" || subtype == "disposition-notification" ||
                                       subtype == "feedback-report");
}

PartText part_text(GMimePart* part, bool html, std::size_t limit) {
    PartText result;
    std::string raw;
    result.intact = decode_content(part, [&](std::string_view chunk) {
        raw.append(chunk.substr(0, std::min(chunk.size(), limit - raw.size())));
        return raw.size() < limit;
    });
    result.charset = lower_ascii(g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset"));
    std::string charset = result.charset;
    if (charset.empty() && html)
        charset = html_meta_charset(raw);
    result.charset_known = charset.empty() || is_known_charset(charset);
    result.text = text_to_utf8(raw, charset);
    return result;
}

}  // namespace cairn::mime::detail
