// SPDX-License-Identifier: GPL-3.0-or-later
#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/extract/extractors.h"

namespace cairn::extract {
namespace {

// No real document part comes near these; a zip bomb does. libxml2's own limits (without
// XML_PARSE_HUGE: 10 MB text nodes, depth 256) stop hostile XML inside them.
constexpr std::int64_t MaxMemberBytes = 64ll << 20;
constexpr std::int64_t MaxTotalBytes = 256ll << 20;

/// How a member's XML carries its text.
enum class XmlFlavor {
    WordOrSlides,   ///< w:t / a:t runs in w:p / a:p paragraphs
    SharedStrings,  ///< xl/sharedStrings.xml: t in si
    Sheet,          ///< xl/worksheets/sheetN.xml: inline strings and values; shared ones come from above
    OpenDocument,   ///< content.xml: every text node, text:p / text:h paragraphs
};

struct Member {
    XmlFlavor flavor;
    int group;   ///< order of parts: body first, then notes, headers and footers
    int number;  ///< slide or sheet number
};

int trailing_number(std::string_view name) {
    // "ppt/slides/slide12.xml" -> 12, so slide 10 follows slide 9.
    const std::size_t dot = name.rfind('.');
    std::size_t end = dot == std::string_view::npos ? name.size() : dot;
    std::size_t begin = end;
    while (begin > 0 && name[begin - 1] >= '0' && name[begin - 1] <= '9' && end - begin < 9)
        --begin;
    int number = 0;
    for (std::size_t index = begin; index < end; ++index)
        number = number * 10 + (name[index] - '0');
    return number;
}

std::optional<Member> member_of(std::string_view name) {
    const auto xml_under = [&](std::string_view folder) {
        return name.starts_with(folder) && name.ends_with(".xml") && name.find('/', folder.size()) == std::string_view::npos;
    };
    if (name == "word/document.xml")
        return Member{XmlFlavor::WordOrSlides, 0, 0};
    if (name == "word/footnotes.xml" || name == "word/endnotes.xml")
        return Member{XmlFlavor::WordOrSlides, 1, name == "word/footnotes.xml" ? 0 : 1};
    if (xml_under("word/") && (name.starts_with("word/header") || name.starts_with("word/footer")))
        return Member{XmlFlavor::WordOrSlides, 2, trailing_number(name)};
    if (name == "xl/sharedStrings.xml")
        return Member{XmlFlavor::SharedStrings, 0, 0};
    if (xml_under("xl/worksheets/"))
        return Member{XmlFlavor::Sheet, 1, trailing_number(name)};
    if (xml_under("ppt/slides/"))
        return Member{XmlFlavor::WordOrSlides, 0, trailing_number(name)};
    if (xml_under("ppt/notesSlides/"))
        return Member{XmlFlavor::WordOrSlides, 1, trailing_number(name)};
    if (name == "content.xml")
        return Member{XmlFlavor::OpenDocument, 0, 0};
    return std::nullopt;
}

/// Feeds one zip member to libxml2, counting the uncompressed bytes against the caps.
struct MemberInput {
    archive* zip = nullptr;
    std::int64_t member_bytes = 0;
    std::int64_t* total_bytes = nullptr;
    bool limit_hit = false;
    bool archive_damaged = false;
};

int read_member(void* context, char* buffer, int length) {
    auto& input = *static_cast<MemberInput*>(context);
    const la_ssize_t count = archive_read_data(input.zip, buffer, static_cast<std::size_t>(length));
    if (count < 0) {
        input.archive_damaged = true;
        return -1;
    }
    input.member_bytes += count;
    *input.total_bytes += count;
    if (input.member_bytes > MaxMemberBytes || *input.total_bytes > MaxTotalBytes) {
        input.limit_hit = true;
        return -1;
    }
    return static_cast<int>(count);
}

void ignore_xml_error(void*, const char*, xmlParserSeverities, xmlTextReaderLocatorPtr) {}

enum class Role : std::uint8_t { Other, TextRun, Paragraph, Cell, SharedStringCell, Skipped };

bool is(const xmlChar* local_name, const char* expected) {
    return std::strcmp(reinterpret_cast<const char*>(local_name), expected) == 0;
}

Role role_of(XmlFlavor flavor, const xmlChar* local_name, xmlTextReaderPtr reader, Role parent) {
    switch (flavor) {
    case XmlFlavor::WordOrSlides:
        if (is(local_name, "t"))
            return Role::TextRun;
        if (is(local_name, "p"))
            return Role::Paragraph;
        return Role::Other;
    case XmlFlavor::SharedStrings:
        if (is(local_name, "t"))
            return Role::TextRun;
        if (is(local_name, "si"))
            return Role::Paragraph;
        if (is(local_name, "rPh"))
            return Role::Skipped;  // phonetic reading of East Asian text: a duplicate
        return Role::Other;
    case XmlFlavor::Sheet:
        if (is(local_name, "row"))
            return Role::Paragraph;
        if (is(local_name, "c")) {
            // t="s": the value is an index into sharedStrings.xml, whose text we already take.
            xmlChar* type = xmlTextReaderGetAttribute(reader, reinterpret_cast<const xmlChar*>("t"));
            const bool shared = type != nullptr && is(type, "s");
            xmlFree(type);
            return shared ? Role::SharedStringCell : Role::Cell;
        }
        if (is(local_name, "t") || (is(local_name, "v") && parent == Role::Cell))
            return Role::TextRun;
        return Role::Other;
    case XmlFlavor::OpenDocument:
        if (is(local_name, "p") || is(local_name, "h"))
            return Role::Paragraph;
        if (is(local_name, "tracked-changes") || is(local_name, "automatic-styles") || is(local_name, "font-face-decls"))
            return Role::Skipped;
        return Role::Other;
    }
    return Role::Other;
}

// Empty elements that stand for characters: tabs, line breaks, ODF's run of spaces.
void append_empty_element(XmlFlavor flavor, const xmlChar* local_name, TextSink& sink) {
    if (is(local_name, "tab"))
        sink.append("\t");
    else if (is(local_name, "br") || is(local_name, "cr") || is(local_name, "line-break"))
        sink.append("\n");
    else if (flavor == XmlFlavor::OpenDocument && is(local_name, "s"))
        sink.append(" ");
    else if (is(local_name, "p") || is(local_name, "h"))
        sink.end_line();
}

Result<void> extract_member_text(archive* zip, XmlFlavor flavor, std::int64_t& total_bytes, TextSink& sink) {
    MemberInput input{zip, 0, &total_bytes, false, false};
    // NONET: no fetching of external entities; no NOENT (entities stay unexpanded, so no
    // "billion laughs"); no HUGE, so libxml2's size and depth limits apply.
    std::unique_ptr<xmlTextReader, decltype(&xmlFreeTextReader)> reader(
        xmlReaderForIO(read_member, nullptr, &input, nullptr, nullptr,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA),
        xmlFreeTextReader);
    if (!reader)
        return make_error(ErrorCode::Internal, "cannot create an XML reader");
    xmlTextReaderSetErrorHandler(reader.get(), ignore_xml_error, nullptr);

    std::vector<Role> roles;
    int skipped_depth = 0;
    int status = 0;
    while (!sink.full() && (status = xmlTextReaderRead(reader.get())) == 1) {
        const int type = xmlTextReaderNodeType(reader.get());
        if (type == XML_READER_TYPE_ELEMENT) {
            const xmlChar* local_name = xmlTextReaderConstLocalName(reader.get());
            if (local_name == nullptr)
                continue;
            if (xmlTextReaderIsEmptyElement(reader.get()) == 1) {
                if (skipped_depth == 0)
                    append_empty_element(flavor, local_name, sink);
                continue;
            }
            const Role role = role_of(flavor, local_name, reader.get(), roles.empty() ? Role::Other : roles.back());
            roles.push_back(role);
            if (role == Role::Skipped)
                ++skipped_depth;
            else if (skipped_depth == 0 && flavor == XmlFlavor::OpenDocument)
                append_empty_element(flavor, local_name, sink);  // a <text:tab> with content is rare but legal
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (roles.empty())
                continue;
            const Role role = roles.back();
            roles.pop_back();
            if (role == Role::Skipped)
                --skipped_depth;
            else if (skipped_depth == 0 && role == Role::Paragraph)
                sink.end_line();
            else if (skipped_depth == 0 && (role == Role::Cell || role == Role::SharedStringCell))
                sink.append("\t");
        } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            if (skipped_depth > 0)
                continue;
            const bool wanted = flavor == XmlFlavor::OpenDocument ? type != XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                                                                        (!roles.empty() && roles.back() == Role::Paragraph)
                                                                  : !roles.empty() && roles.back() == Role::TextRun;
            if (!wanted)
                continue;
            if (const xmlChar* value = xmlTextReaderConstValue(reader.get()))
                sink.append(reinterpret_cast<const char*>(value));
        }
    }
    if (input.limit_hit)
        return make_error(ErrorCode::LimitExceeded, "a document part is too large when uncompressed (zip bomb?)");
    if (input.archive_damaged)
        return make_error(ErrorCode::InvalidData, std::string("damaged zip member: ") + (archive_error_string(zip) ? archive_error_string(zip) : "read error"));
    if (status < 0 && !sink.full())
        return make_error(ErrorCode::InvalidData, "malformed XML in the document, or a text or nesting limit of the XML parser reached");
    return {};
}

}  // namespace

Result<void> extract_office_text(std::string_view data, TextSink& sink) {
    std::unique_ptr<archive, decltype(&archive_read_free)> zip(archive_read_new(), archive_read_free);
    if (!zip)
        return make_error(ErrorCode::Internal, "cannot create an archive reader");
    // Only the central directory reader: office applications need the directory too, and the
    // streaming reader would take a truncated file's leading members as a whole document.
    archive_read_support_format_zip_seekable(zip.get());
    if (archive_read_open_memory(zip.get(), data.data(), data.size()) != ARCHIVE_OK)
        return make_error(ErrorCode::InvalidData, "not a zip container");

    // Parts come in zip order; text is kept per part and put in reading order at the end.
    std::map<std::tuple<int, int, std::string>, std::string> parts;
    std::size_t collected_bytes = 0;
    std::int64_t total_bytes = 0;
    bool found_part = false;
    archive_entry* entry = nullptr;
    for (;;) {
        const int status = archive_read_next_header(zip.get(), &entry);
        if (status == ARCHIVE_EOF)
            break;
        if (status < ARCHIVE_WARN) {
            const char* reason = archive_error_string(zip.get());
            return make_error(ErrorCode::InvalidData, std::string("damaged zip container: ") + (reason ? reason : "unknown error"));
        }
        const char* name = archive_entry_pathname(entry);
        if (name == nullptr)
            continue;
        const auto member = member_of(name);
        if (!member)
            continue;
        found_part = true;
        if (collected_bytes >= sink.max_bytes())
            continue;  // enough text already; the rest would be cut anyway
        TextSink part_sink(sink.max_bytes() - collected_bytes);
        if (auto result = extract_member_text(zip.get(), member->flavor, total_bytes, part_sink); !result)
            return result;
        part_sink.end_line();
        collected_bytes += part_sink.size();
        parts.emplace(std::tuple(member->group, member->number, std::string(name)), std::move(part_sink.text()));
    }
    if (!found_part)
        return make_error(ErrorCode::InvalidData, "no document text in the office file");
    for (const auto& [key, text] : parts)
        sink.append(text);
    return {};
}

}  // namespace cairn::extract
