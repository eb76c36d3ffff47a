// SPDX-License-Identifier: GPL-3.0-or-later
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "core/extract/text_extractor.h"
#include "core/extract/utf8_text.h"
#include "tests/core/extract/fixtures.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using namespace cairn::extract;
using namespace cairn::extract::testing;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string extracted(TextExtractor& extractor, std::string_view type, std::string_view name, std::string_view data) {
    auto result = extractor.extract(type, name, data);
    if (!result)
        FAIL_CHECK(result.error().describe());
    REQUIRE(result.has_value());
    CHECK(is_valid_utf8(*result));
    return *result;
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_SUITE("extract.formats") {

TEST_CASE("plain text in latin-1 becomes UTF-8, UTF-8 stays") {
    auto extractor = make_extractor();
    CHECK(extracted(extractor, "text/plain", "a.txt", "caf\xE9 cr\xE8me") == "caf\xC3\xA9 cr\xC3\xA8me");
    CHECK(extracted(extractor, "text/plain; charset=iso-8859-15", "a.txt", "\xA4") == "\xE2\x82\xAC");
    CHECK(extracted(extractor, "text/plain", "a.txt", "caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("text beyond max_text_bytes is cut at a character boundary") {
    ExtractionLimits limits;
    limits.max_text_bytes = 1000;
    auto extractor = make_extractor(limits);
    std::string long_text;
    for (int index = 0; index < 2000; ++index)
        long_text += "\xE2\x82\xAC";  // 3 bytes each: 1000 is not a multiple of 3
    const std::string text = extracted(extractor, "text/plain; charset=utf-8", "euro.txt", long_text);
    CHECK(text.size() == 999);
}

TEST_CASE("an HTML attachment gives its readable text") {
    auto extractor = make_extractor();
    const std::string text = extracted(
        extractor, "text/html", "page.html",
        "<html><head><title>T</title><style>p{color:red}</style></head><body><p>Hello <b>world</b></p>"
        "<script>var hidden=1;</script><p>caf&eacute;</p></body></html>");
    CHECK(contains(text, "Hello"));
    CHECK(contains(text, "world"));
    CHECK(contains(text, "caf\xC3\xA9"));
    CHECK_FALSE(contains(text, "<b>"));
    CHECK_FALSE(contains(text, "hidden"));
}

TEST_CASE("an HTML attachment in windows-1252 with a meta charset is decoded") {
    auto extractor = make_extractor();
    const std::string text = extracted(extractor, "application/octet-stream", "page.htm",
                                       "<html><head><meta charset=\"windows-1252\"></head><body>na\xEFve \x80</body></html>");
    CHECK(contains(text, "na\xC3\xAFve \xE2\x82\xAC"));
}

TEST_CASE("RTF: escapes in the code page, \\u with fallback, skipped destinations") {
    auto extractor = make_extractor();
    const std::string rtf =
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}{\\colortbl;\\red255\\green0\\blue0;}"
        "{\\*\\generator Riched20 10.0;}{\\info{\\title Secret title}}"
        "\\pard caf\\'e9 \\u8364? euro\\par "
        "{\\b bold} \\{braces\\}\\par\n"
        "{\\uc2 two\\u8212\\'97\\'97 fallbacks}\\par "
        "smile \\u-10179?\\u-8704?\\tab end}";
    const std::string text = extracted(extractor, "application/rtf", "doc.rtf", rtf);
    CHECK(contains(text, "caf\xC3\xA9 \xE2\x82\xAC euro\n"));
    CHECK(contains(text, "bold {braces}\n"));
    CHECK(contains(text, "two\xE2\x80\x94 fallbacks"));
    CHECK(contains(text, "smile \xF0\x9F\x98\x80\tend"));
    CHECK_FALSE(contains(text, "Arial"));
    CHECK_FALSE(contains(text, "Riched"));
    CHECK_FALSE(contains(text, "Secret"));
    CHECK_FALSE(contains(text, "?"));
}

TEST_CASE("RTF in another code page and with hostile nesting") {
    auto extractor = make_extractor();
    CHECK(contains(extracted(extractor, "text/rtf", "", "{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2}"),
                   "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"));  // Привет
    const auto deep = extractor.extract("text/rtf", "", "{\\rtf1 " + std::string(100000, '{') + "x");
    REQUIRE_FALSE(deep.has_value());
    CHECK(deep.error().code == ErrorCode::InvalidData);
    const auto not_rtf = extractor.extract("text/rtf", "", "hello");
    REQUIRE_FALSE(not_rtf.has_value());
    CHECK(not_rtf.error().code == ErrorCode::InvalidData);
}

TEST_CASE("DOCX paragraphs, tabs and breaks") {
    auto extractor = make_extractor();
    const std::string docx = make_zip({
        {"[Content_Types].xml", "<Types/>"},
        {"word/document.xml",
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
         "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
         "<w:p><w:r><w:t>Quarterly</w:t></w:r><w:r><w:t xml:space=\"preserve\"> report </w:t></w:r>"
         "<w:r><w:t>\xC3\xA9t\xC3\xA9</w:t></w:r></w:p>"
         "<w:p><w:r><w:instrText>HYPERLINK \"x\"</w:instrText><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t></w:r></w:p>"
         "</w:body></w:document>"},
        {"word/footer1.xml",
         "<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:p><w:r><w:t>Page "
         "footer</w:t></w:r></w:p></w:ftr>"},
    });
    const std::string text = extracted(extractor, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                       "report.docx", docx);
    CHECK(text == "Quarterly report \xC3\xA9t\xC3\xA9\na\tb\nc\nPage footer\n");
}

TEST_CASE("XLSX shared strings, inline strings and numbers") {
    auto extractor = make_extractor();
    const std::string xlsx = make_zip({
        {"xl/worksheets/sheet1.xml",
         "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
         "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"><v>42.5</v></c>"
         "<c r=\"C1\" t=\"inlineStr\"><is><t>inline words</t></is></c></row></sheetData></worksheet>"},
        {"xl/sharedStrings.xml",
         "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>Revenue</t></si>"
         "<si><r><t>Net </t></r><r><t>income</t></r><rPh><t>phonetic</t></rPh></si></sst>"},
    });
    const std::string text = extracted(extractor, "application/octet-stream", "budget.xlsx", xlsx);
    // Shared strings come first whatever the zip order; the index "0" in A1 is not text.
    CHECK(text.starts_with("Revenue\nNet income\n"));
    CHECK(contains(text, "42.5"));
    CHECK(contains(text, "inline words"));
    CHECK_FALSE(contains(text, "phonetic"));
    CHECK_FALSE(contains(text, "\t0\t"));
}

TEST_CASE("PPTX slides in slide order") {
    auto extractor = make_extractor();
    const auto slide = [](const std::string& words) {
        return "<p:sld xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" "
               "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><p:cSld><p:spTree><p:sp><p:txBody>"
               "<a:p><a:r><a:t>" + words + "</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>";
    };
    const std::string pptx = make_zip({
        {"ppt/slides/slide10.xml", slide("tenth")},
        {"ppt/slides/slide2.xml", slide("second")},
        {"ppt/slides/slide1.xml", slide("first")},
        {"ppt/slideLayouts/slideLayout1.xml", slide("layout placeholder")},
    });
    CHECK(extracted(extractor, "application/vnd.openxmlformats-officedocument.presentationml.presentation", "deck.pptx",
                    pptx) == "first\nsecond\ntenth\n");
}

TEST_CASE("ODT text, with spaces, tabs and line breaks") {
    auto extractor = make_extractor();
    const std::string odt = make_zip({
        {"mimetype", "application/vnd.oasis.opendocument.text"},
        {"content.xml",
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content "
         "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
         "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
         "<office:automatic-styles><style>not text</style></office:automatic-styles>"
         "<office:body><office:text><text:h>Heading</text:h>"
         "<text:p>one<text:s/>two<text:tab/>three<text:line-break/>four <text:span>span</text:span></text:p>"
         "</office:text></office:body></office:document-content>"},
    });
    CHECK(extracted(extractor, "application/vnd.oasis.opendocument.text", "letter.odt", odt) ==
          "Heading\none two\tthree\nfour span\n");
}

TEST_CASE("zip and tar.gz attachments give their member names") {
    auto extractor = make_extractor();
    const std::string zip = make_zip({{"minutes/2023-01.txt", "x"}, {"budget \xC3\xA9t\xC3\xA9.xlsx", "y"}});
    const std::string names = extracted(extractor, "application/zip", "files.zip", zip);
    CHECK(names == "minutes/2023-01.txt\nbudget \xC3\xA9t\xC3\xA9.xlsx\n");

    const std::string tar = make_tar_gz({{"src/main.c", "int main;"}, {"README", "hello"}});
    CHECK(extracted(extractor, "application/gzip", "src.tar.gz", tar) == "src/main.c\nREADME\n");
}

TEST_CASE("PDF text, page by page") {
    auto extractor = make_extractor();
    const std::string text = extracted(extractor, "application/pdf", "a.pdf", make_pdf({"Hello PDF world", "Second page"}));
    CHECK(contains(text, "Hello PDF world"));
    CHECK(contains(text, "Second page"));
    CHECK(text.find("Hello") < text.find("Second"));
    CHECK(text.find('\f') == std::string::npos);
}

TEST_CASE("a PDF attachment from the corpus") {
    const auto path = cairn::testing::corpus_path("tika-mail/test-incremental-updates.eml");
    if (!path)
        return;
    const std::string mail = cairn::testing::read_file(*path);
    // The base64 body after the part headers, up to the closing boundary.
    const std::size_t part = mail.find("Content-Type: application/pdf");
    REQUIRE(part != std::string::npos);
    const std::size_t body = mail.find("\n\n", part) != std::string::npos ? mail.find("\n\n", part) : mail.find("\r\n\r\n", part);
    const std::size_t end = mail.find("\n--", body);
    const std::string pdf = decode_base64(mail.substr(body, end - body));
    REQUIRE(pdf.starts_with("%PDF"));
    auto extractor = make_extractor();
    const std::string text = extracted(extractor, "application/pdf", "testPDF_incrementalUpdates.pdf", pdf);
    MESSAGE("corpus PDF: ", pdf.size(), " bytes, ", text.size(), " bytes of text");
    CHECK(text.size() > 10);
}

TEST_CASE("speed: PDF pages and DOCX files") {
    auto extractor = make_extractor();
    CHECK(extractor.extract("text/plain", "warm.txt", "start the worker").has_value());
    std::vector<std::string> pages;
    for (int index = 0; index < 200; ++index)
        pages.push_back("Page " + std::to_string(index) + " of a long report with some words on it");
    const std::string pdf = make_pdf(pages);
    auto start = std::chrono::steady_clock::now();
    const std::string text = extracted(extractor, "application/pdf", "long.pdf", pdf);
    const double pdf_milliseconds = milliseconds_since(start);
    CHECK(contains(text, "Page 199 of"));

    std::vector<std::string> paragraphs(200, "A paragraph of an ordinary letter, with a few words in it.");
    const std::string docx = make_docx(paragraphs);
    start = std::chrono::steady_clock::now();
    constexpr int DocxCount = 50;
    for (int index = 0; index < DocxCount; ++index)
        extracted(extractor, "application/octet-stream", "letter.docx", docx);
    const double docx_milliseconds = milliseconds_since(start) / DocxCount;
    MESSAGE("PDF: ", pdf_milliseconds / 200, " ms a page; DOCX (200 paragraphs): ", docx_milliseconds, " ms a file");
}

}  // TEST_SUITE
