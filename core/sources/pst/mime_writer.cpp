// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/pst/mime_writer.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/core.h>

#include "core/sources/pst/mime_text.h"

namespace cairn::sources::pst {
namespace {

/// One MIME entity: its Content-* header lines (CRLF-ended) and its encoded body.
struct Entity {
    std::string headers;
    std::string body;
};

bool equals_ignoring_case(std::string_view left, std::string_view right) {
    return left.size() == right.size() && std::equal(left.begin(), left.end(), right.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

bool is_mostly_ascii(std::string_view text) {
    std::size_t high = 0;
    for (char character : text)
        high += static_cast<unsigned char>(character) >= 0x80 ? 1 : 0;
    return high * 4 <= text.size();
}

Entity text_entity(std::string_view subtype, std::string_view text) {
    Entity entity;
    entity.headers = fmt::format("Content-Type: text/{}; charset=\"utf-8\"\r\n", subtype);
    if (is_mostly_ascii(text)) {
        entity.headers += "Content-Transfer-Encoding: quoted-printable\r\n";
        entity.body = quoted_printable(text);
        if (!entity.body.empty() && !entity.body.ends_with("\r\n"))
            entity.body += "\r\n";
    } else {
        entity.headers += "Content-Transfer-Encoding: base64\r\n";
        entity.body = base64_lines(text);
    }
    return entity;
}

std::string serialize(const Entity& entity) { return entity.headers + "\r\n" + entity.body; }

Entity multipart(std::string_view subtype, const std::vector<Entity>& parts, std::uint64_t seed) {
    std::uint64_t hash = fnv1a(subtype, seed);
    for (const Entity& part : parts) {
        hash = fnv1a(part.headers, hash);
        hash = fnv1a(part.body, hash);
    }
    // "=_" never occurs in quoted-printable or base64 text, so the boundary cannot collide.
    const std::string boundary = fmt::format("=_cairn_{:016x}", hash);
    Entity entity;
    entity.headers = fmt::format("Content-Type: multipart/{};\r\n boundary=\"{}\"\r\n", subtype, boundary);
    for (const Entity& part : parts) {
        entity.body += "--" + boundary + "\r\n";
        entity.body += serialize(part);
        if (!entity.body.ends_with("\r\n"))
            entity.body += "\r\n";
    }
    entity.body += "--" + boundary + "--\r\n";
    return entity;
}

Entity attachment_entity(const OutlookAttachment& attachment, bool is_inline) {
    Entity entity;
    const std::string disposition = is_inline ? "inline" : "attachment";
    const std::string file_parameter =
        attachment.file_name.empty() ? std::string() : ";\r\n " + format_parameter("filename", attachment.file_name);
    std::string type = attachment.mime_type;
    // A MIME tag that is not type/subtype would make the whole part unreadable.
    if (type.empty() || type.find('/') == std::string::npos || type.find_first_of(" \t\r\n;\"") != std::string::npos)
        type = mime_type_for_file_name(attachment.file_name);
    std::transform(type.begin(), type.end(), type.begin(),
                   [](char character) { return static_cast<char>(std::tolower(static_cast<unsigned char>(character))); });
    if (attachment.is_embedded_message || type == "message/rfc822") {
        entity.headers = "Content-Type: message/rfc822\r\n";
        entity.headers += "Content-Disposition: " + disposition + file_parameter + "\r\n";
        if (!is_plain_ascii(attachment.data))
            entity.headers += "Content-Transfer-Encoding: 8bit\r\n";
        entity.body = attachment.data;
        if (!entity.body.ends_with("\r\n"))
            entity.body += "\r\n";
        return entity;
    }
    // Composite types cannot be base64-encoded (RFC 2046); the bytes are kept as a plain file.
    if (type.starts_with("multipart/") || type.starts_with("message/"))
        type = "application/octet-stream";
    entity.headers = "Content-Type: " + type;
    if (!attachment.file_name.empty())
        entity.headers += ";\r\n " + format_parameter("name", attachment.file_name);
    entity.headers += "\r\nContent-Disposition: " + disposition + file_parameter + "\r\n";
    if (!attachment.content_id.empty() && is_plain_ascii(attachment.content_id))
        entity.headers += header_field("Content-ID", "<" + attachment.content_id + ">");
    entity.headers += "Content-Transfer-Encoding: base64\r\n";
    entity.body = base64_lines(attachment.data);
    return entity;
}

std::string address_list(const std::vector<MailAddress>& addresses) {
    std::string list;
    for (const MailAddress& address : addresses) {
        std::string formatted = format_address(address.name, address.address);
        if (formatted.empty())
            continue;
        if (!list.empty())
            list += ", ";
        list += formatted;
    }
    return list;
}

std::string single_line(std::string_view text) {
    std::string line;
    for (char character : text) {
        if (character != '\r' && character != '\n')
            line += character;
    }
    return line;
}

/// Headers built from the item's properties, for items that kept no Internet headers.
std::string headers_from_properties(const OutlookMessage& message) {
    std::string headers;
    if (message.from) {
        if (std::string from = format_address(message.from->name, message.from->address); !from.empty())
            headers += header_field("From", from);
    }
    if (message.sender) {
        if (std::string sender = format_address(message.sender->name, message.sender->address); !sender.empty())
            headers += header_field("Sender", sender);
    }
    const std::array<std::pair<std::string_view, const std::vector<MailAddress>*>, 3> Lists{
        {{"To", &message.to}, {"Cc", &message.cc}, {"Bcc", &message.bcc}}};
    for (const auto& [name, addresses] : Lists) {
        if (std::string list = address_list(*addresses); !list.empty())
            headers += header_field(name, list);
    }
    if (message.subject)
        headers += header_field("Subject", encode_unstructured(*message.subject));
    if (message.date)
        headers += header_field("Date", format_rfc5322_date(*message.date));
    if (!message.message_id.empty())
        headers += header_field("Message-ID", single_line(message.message_id));
    if (!message.in_reply_to.empty())
        headers += header_field("In-Reply-To", single_line(message.in_reply_to));
    if (!message.references.empty())
        headers += header_field("References", single_line(message.references));
    if (message.importance == 2) {
        headers += "Importance: high\r\nX-Priority: 1\r\n";
    } else if (message.importance == 0) {
        headers += "Importance: low\r\nX-Priority: 5\r\n";
    }
    return headers;
}

bool html_references(std::string_view html, std::string_view content_id) {
    return !content_id.empty() && html.find("cid:" + std::string(content_id)) != std::string_view::npos;
}

/// The original S/MIME entity: a clear-signed one as Outlook kept it (its own Content-Type
/// header first), an opaque one (PKCS #7 data) wrapped as application/pkcs7-mime.
std::string smime_entity(const OutlookAttachment& attachment) {
    const std::string_view data = attachment.data;
    const std::string_view head = data.substr(0, 13);
    if (equals_ignoring_case(head, "Content-Type:")) {
        std::string entity(data);
        if (!entity.ends_with("\n"))
            entity += "\r\n";
        return entity;
    }
    std::string name = attachment.file_name.empty() ? std::string("smime.p7m") : attachment.file_name;
    return "Content-Type: application/pkcs7-mime;\r\n " + format_parameter("name", name) +
           "\r\nContent-Disposition: attachment;\r\n " + format_parameter("filename", name) +
           "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(data);
}

}  // namespace

std::string header_block_without_content_fields(std::string_view transport_headers) {
    constexpr std::array<std::string_view, 6> Replaced{"MIME-Version",        "Content-Type", "Content-Transfer-Encoding",
                                                       "Content-Disposition", "Content-ID",   "Content-Length"};
    std::string block;
    bool keeping = false;
    std::size_t start = 0;
    while (start < transport_headers.size()) {
        std::size_t end = transport_headers.find('\n', start);
        std::string_view line = transport_headers.substr(start, end == std::string_view::npos ? end : end - start);
        start = end == std::string_view::npos ? transport_headers.size() : end + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == '\0'))
            line.remove_suffix(1);
        if (line.empty())
            break;  // the blank line that ends the header block
        if (line.front() == ' ' || line.front() == '\t') {
            if (keeping)
                block.append(line).append("\r\n");
            continue;
        }
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            keeping = false;  // not a header line: not passed on
            continue;
        }
        std::string_view name = line.substr(0, colon);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
            name.remove_suffix(1);
        keeping = std::none_of(Replaced.begin(), Replaced.end(),
                               [&](std::string_view replaced) { return equals_ignoring_case(name, replaced); });
        if (keeping)
            block.append(line).append("\r\n");
    }
    return block;
}

std::string write_mime_message(const OutlookMessage& message) {
    if (message.smime_body) {
        std::string bytes = message.transport_headers.empty()
                                ? headers_from_properties(message)
                                : header_block_without_content_fields(message.transport_headers);
        return bytes + "MIME-Version: 1.0\r\n" + smime_entity(*message.smime_body);
    }
    std::vector<Entity> alternatives;
    if (message.plain_text)
        alternatives.push_back(text_entity("plain", *message.plain_text));

    std::vector<const OutlookAttachment*> related;
    std::vector<const OutlookAttachment*> mixed;
    for (const OutlookAttachment& attachment : message.attachments) {
        const bool is_related = message.html && !attachment.is_embedded_message &&
                                html_references(*message.html, attachment.content_id);
        (is_related ? related : mixed).push_back(&attachment);
    }
    if (message.html) {
        Entity html = text_entity("html", *message.html);
        if (related.empty()) {
            alternatives.push_back(std::move(html));
        } else {
            std::vector<Entity> parts{std::move(html)};
            for (const OutlookAttachment* attachment : related)
                parts.push_back(attachment_entity(*attachment, true));
            alternatives.push_back(multipart("related", parts, message.boundary_seed));
        }
    }
    if (alternatives.empty())
        alternatives.push_back(text_entity("plain", ""));
    Entity body = alternatives.size() == 1 ? std::move(alternatives.front())
                                           : multipart("alternative", alternatives, message.boundary_seed);

    std::vector<Entity> mixed_parts;
    if (message.rtf) {
        Entity rtf;
        rtf.headers = "Content-Type: text/rtf\r\nContent-Disposition: attachment\r\n"
                      "Content-Transfer-Encoding: base64\r\n";
        rtf.body = base64_lines(*message.rtf);
        mixed_parts.push_back(std::move(rtf));
    }
    for (const OutlookAttachment* attachment : mixed)
        mixed_parts.push_back(attachment_entity(*attachment, false));
    if (!mixed_parts.empty()) {
        mixed_parts.insert(mixed_parts.begin(), std::move(body));
        body = multipart("mixed", mixed_parts, message.boundary_seed);
    }

    std::string bytes = message.transport_headers.empty()
                            ? headers_from_properties(message)
                            : header_block_without_content_fields(message.transport_headers);
    bytes += "MIME-Version: 1.0\r\n";
    bytes += serialize(body);
    return bytes;
}

std::string mime_type_for_file_name(std::string_view file_name) {
    struct Extension {
        std::string_view extension;
        std::string_view type;
    };
    constexpr std::array<Extension, 35> Types{{
        {"pdf", "application/pdf"},
        {"doc", "application/msword"},
        {"dot", "application/msword"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"xls", "application/vnd.ms-excel"},
        {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"ppt", "application/vnd.ms-powerpoint"},
        {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
        {"odt", "application/vnd.oasis.opendocument.text"},
        {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
        {"rtf", "application/rtf"},
        {"txt", "text/plain"},
        {"csv", "text/csv"},
        {"htm", "text/html"},
        {"html", "text/html"},
        {"xml", "application/xml"},
        {"ics", "text/calendar"},
        {"vcf", "text/vcard"},
        {"msg", "application/vnd.ms-outlook"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"png", "image/png"},
        {"gif", "image/gif"},
        {"bmp", "image/bmp"},
        {"tif", "image/tiff"},
        {"tiff", "image/tiff"},
        {"svg", "image/svg+xml"},
        {"wav", "audio/wav"},
        {"mp3", "audio/mpeg"},
        {"mp4", "video/mp4"},
        {"zip", "application/zip"},
        {"gz", "application/gzip"},
        {"7z", "application/x-7z-compressed"},
        {"exe", "application/octet-stream"},
        {"json", "application/json"},
    }};
    const std::size_t dot = file_name.rfind('.');
    if (dot == std::string_view::npos)
        return "application/octet-stream";
    const std::string_view extension = file_name.substr(dot + 1);
    for (const Extension& known : Types) {
        if (equals_ignoring_case(extension, known.extension))
            return std::string(known.type);
    }
    return "application/octet-stream";
}

}  // namespace cairn::sources::pst
