// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/mime/charset.h"
#include "core/mime/date_parse.h"
#include "core/mime/encoded_words.h"
#include "core/mime/header_block.h"
#include "core/mime/message_structure.h"

namespace cairn::mime {

namespace {

// "<id@host>" (possibly folded, with comments around) → "id@host"; without angle brackets the
// trimmed value, blanks removed.
std::string extract_message_id(std::string_view raw_value) {
    std::string_view value = raw_value;
    const std::size_t open = value.find('<');
    if (open != std::string_view::npos) {
        const std::size_t close = value.find('>', open + 1);
        value = value.substr(open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1);
    }
    std::string compact;
    for (const char character : value) {
        if (!detail::is_whitespace(character))
            compact += character;
    }
    // Message ids are ASCII by the RFC; make whatever is there displayable.
    std::string result = raw_bytes_to_utf8(compact);
    for (char& character : result) {
        const auto byte = static_cast<unsigned char>(character);
        if (byte < 0x20 || byte == 0x7F)
            character = ' ';
    }
    return result;
}

}  // namespace

HeaderSummary summarize_headers(std::string_view message) {
    HeaderSummary summary;
    bool have_subject = false;
    bool have_from = false;
    bool have_to = false;
    bool have_message_id = false;
    bool have_date = false;
    detail::scan_header_block(message, detail::LeadingFromLine::Skip, [&](std::string_view name, std::string_view value) {
        using detail::equals_ignoring_case;
        // Only the first occurrence of each field counts.
        if (!have_subject && equals_ignoring_case(name, "Subject")) {
            summary.subject = decode_header_value(value);
            have_subject = true;
        } else if (!have_from && equals_ignoring_case(name, "From")) {
            summary.from = decode_header_value(value);
            have_from = true;
        } else if (!have_to && equals_ignoring_case(name, "To")) {
            summary.to = decode_header_value(value);
            have_to = true;
        } else if (!have_message_id && equals_ignoring_case(name, "Message-ID")) {
            summary.message_id = extract_message_id(value);
            have_message_id = true;
        } else if (!have_date && equals_ignoring_case(name, "Date")) {
            summary.date = parse_date(value);
            have_date = true;
        }
    });
    return summary;
}

}  // namespace cairn::mime
