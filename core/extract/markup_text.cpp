// SPDX-License-Identifier: GPL-3.0-or-later
// text/html and text/*: charset decoding, then html_to_text for HTML.
#include <string>

#include "core/extract/document_kind.h"
#include "core/extract/extractors.h"
#include "core/mime/charset.h"
#include "core/mime/html_text.h"

namespace cairn::extract {
namespace {

std::string lowercase(std::string_view text) {
    std::string lower(text);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return lower;
}

// <meta charset="x"> or <meta http-equiv=... content="text/html; charset=x"> near the start.
std::string sniff_html_charset(std::string_view html) {
    const std::string head = lowercase(html.substr(0, 4096));
    const std::size_t position = head.find("charset=");
    if (position == std::string::npos)
        return {};
    std::size_t begin = position + 8;
    while (begin < head.size() && (head[begin] == '"' || head[begin] == '\'' || head[begin] == ' '))
        ++begin;
    std::size_t end = begin;
    while (end < head.size() && end - begin < 40 &&
           ((head[end] >= 'a' && head[end] <= 'z') || (head[end] >= '0' && head[end] <= '9') || head[end] == '-' ||
            head[end] == '_' || head[end] == ':' || head[end] == '.'))
        ++end;
    return head.substr(begin, end - begin);
}

std::string to_utf8(std::string_view bytes, const std::string& charset) {
    if (charset.empty())
        return mime::raw_bytes_to_utf8(bytes);
    return mime::charset_to_utf8(bytes, charset);
}

// The first `max_bytes` of `data`, not cutting a UTF-8 character in two (which would make valid
// UTF-8 look like windows-1252).
std::string_view leading_part(std::string_view data, std::size_t max_bytes) {
    if (data.size() <= max_bytes)
        return data;
    std::size_t cut = max_bytes;
    for (int step = 0; step < 3 && cut > 0 && (static_cast<unsigned char>(data[cut]) & 0xC0) == 0x80; ++step)
        --cut;
    return data.substr(0, cut);
}

}  // namespace

Result<void> extract_plain_text(std::string_view content_type, std::string_view data, TextSink& sink) {
    // Every charset gives at least one output byte per character, so more input than the output
    // cap (with room for UTF-16's two bytes a character) cannot add text.
    const std::string_view part = leading_part(data, sink.max_bytes() * 2 + 4);
    sink.append(make_valid_utf8(to_utf8(part, content_type_parameter(content_type, "charset"))));
    return {};
}

Result<void> extract_html_text(std::string_view content_type, std::string_view data, TextSink& sink) {
    std::string charset = content_type_parameter(content_type, "charset");
    if (charset.empty() && !mime::is_valid_utf8(data))
        charset = sniff_html_charset(data);
    const std::string html = to_utf8(data, charset);
    sink.append(make_valid_utf8(mime::html_to_text(html, sink.max_bytes())));
    return {};
}

}  // namespace cairn::extract
