// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/mime/journal_report.h"

#include <cstring>

#include "core/mime/header_block.h"

namespace cairn::mime {
namespace {

using detail::equals_ignoring_case;

struct Part {
    std::string_view headers_and_body;
    detail::ContentType content_type;
    std::string transfer_encoding;
    std::size_t body_offset = 0;
};

Part read_part(std::string_view entity, detail::LeadingFromLine leading_from) {
    Part part;
    part.headers_and_body = entity;
    bool has_type = false;
    part.body_offset = detail::scan_header_block(entity, leading_from, [&](std::string_view name, std::string_view value) {
        if (!has_type && equals_ignoring_case(name, "Content-Type")) {
            part.content_type = detail::parse_content_type(value);
            has_type = true;
        } else if (equals_ignoring_case(name, "Content-Transfer-Encoding")) {
            for (char character : detail::trim(value))
                part.transfer_encoding.push_back(detail::to_lower_ascii(character));
        }
    });
    if (!has_type)
        part.content_type.type = "text", part.content_type.subtype = "plain";
    return part;
}

/// The top-level parts of a multipart body (no recursion: the report's parts are all there).
std::vector<std::string_view> split_parts(std::string_view body, std::string_view boundary) {
    std::vector<std::string_view> parts;
    const std::string delimiter = "--" + std::string(boundary);
    std::size_t position = 0;
    std::size_t part_begin = std::string_view::npos;
    while (position < body.size()) {
        std::size_t line_end = body.find('\n', position);
        const std::size_t next_line = line_end == std::string_view::npos ? body.size() : line_end + 1;
        if (line_end == std::string_view::npos)
            line_end = body.size();
        std::string_view line = body.substr(position, line_end - position);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.starts_with(delimiter)) {
            std::string_view rest = detail::trim(line.substr(delimiter.size()));
            if (rest.empty() || rest == "--") {
                if (part_begin != std::string_view::npos) {
                    std::size_t part_end = position;
                    if (part_end > part_begin && body[part_end - 1] == '\n')
                        --part_end;
                    if (part_end > part_begin && body[part_end - 1] == '\r')
                        --part_end;
                    parts.push_back(body.substr(part_begin, part_end - part_begin));
                }
                if (rest == "--")
                    return parts;
                part_begin = next_line;
            }
        }
        position = next_line;
    }
    if (part_begin != std::string_view::npos && part_begin < body.size())
        parts.push_back(body.substr(part_begin));
    return parts;
}

std::optional<std::string> decode_base64_leniently(std::string_view encoded) {
    std::string decoded;
    decoded.reserve(encoded.size() / 4 * 3);
    std::uint32_t accumulator = 0;
    int bits = 0;
    for (char character : encoded) {
        int value;
        if (character >= 'A' && character <= 'Z') value = character - 'A';
        else if (character >= 'a' && character <= 'z') value = character - 'a' + 26;
        else if (character >= '0' && character <= '9') value = character - '0' + 52;
        else if (character == '+') value = 62;
        else if (character == '/') value = 63;
        else if (character == '=') break;
        else if (detail::is_whitespace(character)) continue;
        else return std::nullopt;
        accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            decoded.push_back(static_cast<char>((accumulator >> bits) & 0xFF));
        }
    }
    return decoded;
}

/// "Name <address>" or "address" -> "address".
std::string bare_address(std::string_view text) {
    text = detail::trim(text);
    auto open = text.rfind('<');
    auto close = text.rfind('>');
    if (open != std::string_view::npos && close != std::string_view::npos && close > open)
        text = text.substr(open + 1, close - open - 1);
    return std::string(detail::trim(text));
}

/// The envelope part: "Sender: a@b", "To: c@d", "Cc: ...", "Bcc: ...", "Recipient: ..." lines,
/// an address optionally followed by ", Expanded: list@..." or ", Forwarded: ...".
void read_envelope(std::string_view text, JournalReport& report) {
    std::size_t position = 0;
    while (position < text.size()) {
        std::size_t line_end = text.find('\n', position);
        if (line_end == std::string_view::npos)
            line_end = text.size();
        std::string_view line = detail::trim(text.substr(position, line_end - position));
        position = line_end + 1;
        auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        std::string kind;
        for (char character : detail::trim(line.substr(0, colon)))
            kind.push_back(detail::to_lower_ascii(character));
        std::string_view value = detail::trim(line.substr(colon + 1));
        if (kind == "sender") {
            report.sender = bare_address(value);
        } else if (kind == "to" || kind == "cc" || kind == "bcc" || kind == "recipient") {
            EnvelopeRecipient recipient;
            recipient.kind = kind;
            auto comma = value.find(',');
            recipient.address = bare_address(value.substr(0, comma));
            if (comma != std::string_view::npos)
                recipient.note = std::string(detail::trim(value.substr(comma + 1)));
            if (!recipient.address.empty())
                report.recipients.push_back(std::move(recipient));
        }
    }
}

}  // namespace

std::optional<JournalReport> parse_journal_report(std::string_view message) {
    bool is_report = false;
    Part top = read_part(message, detail::LeadingFromLine::Skip);
    detail::scan_header_block(message, detail::LeadingFromLine::Skip, [&](std::string_view name, std::string_view) {
        if (equals_ignoring_case(name, "X-MS-Journal-Report"))
            is_report = true;
    });
    if (!is_report || top.content_type.type != "multipart")
        return std::nullopt;
    const std::string boundary = top.content_type.parameter("boundary");
    if (boundary.empty())
        return std::nullopt;
    JournalReport report;
    bool found_original = false;
    bool found_envelope = false;
    for (std::string_view entity : split_parts(message.substr(std::min(top.body_offset, message.size())), boundary)) {
        Part part = read_part(entity, detail::LeadingFromLine::Keep);
        std::string_view body = entity.substr(std::min(part.body_offset, entity.size()));
        if (!found_original && part.content_type.type == "message" && part.content_type.subtype == "rfc822") {
            if (part.transfer_encoding == "base64") {
                auto decoded = decode_base64_leniently(body);
                if (!decoded)
                    return std::nullopt;
                report.original_message = std::move(*decoded);
            } else if (part.transfer_encoding.empty() || part.transfer_encoding == "7bit" ||
                       part.transfer_encoding == "8bit" || part.transfer_encoding == "binary") {
                report.original_message = std::string(body);
            } else {
                return std::nullopt;  // quoted-printable message/rfc822 is not allowed (RFC 2046 §5.2.1)
            }
            found_original = true;
        } else if (!found_envelope && part.content_type.type == "text" && part.content_type.subtype == "plain") {
            read_envelope(body, report);
            found_envelope = true;
        }
    }
    if (!found_original || report.original_message.empty())
        return std::nullopt;
    return report;
}

}  // namespace cairn::mime
