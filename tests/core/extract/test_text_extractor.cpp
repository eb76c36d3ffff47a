// SPDX-License-Identifier: GPL-3.0-or-later
#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "core/extract/document_kind.h"
#include "core/extract/text_extractor.h"
#include "core/extract/utf8_text.h"
#include "tests/core/extract/fixtures.h"

using namespace cairn;
using namespace cairn::extract;
using namespace cairn::extract::testing;

TEST_SUITE("extract.client") {

TEST_CASE("attachment kinds are recognised by content type or file name") {
    CHECK(can_extract("application/pdf", ""));
    CHECK(can_extract("application/octet-stream", "Report.PDF"));
    CHECK(can_extract("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "x"));
    CHECK(can_extract("application/octet-stream", "budget.xlsx"));
    CHECK(can_extract("", "slides.odp"));
    CHECK(can_extract("text/rtf", ""));
    CHECK(can_extract("text/html; charset=utf-8", ""));
    CHECK(can_extract("text/plain", ""));
    CHECK(can_extract("application/zip", "files.zip"));
    CHECK(can_extract("application/gzip", "sources.tar.gz"));
    CHECK_FALSE(can_extract("image/png", "photo.png"));
    CHECK_FALSE(can_extract("application/octet-stream", "setup.exe"));
    CHECK_FALSE(can_extract("", ""));
    // A DOCX labelled as a zip is read as a document, not listed as an archive.
    CHECK(classify_document("application/zip", "letter.docx") == DocumentKind::OfficeZip);
    CHECK(classify_document("Application/PDF; name=\"x\"", "") == DocumentKind::Pdf);
}

TEST_CASE("content type parameters are found, unquoted") {
    CHECK(content_type_parameter("text/plain; charset=\"ISO-8859-1\"; format=flowed", "charset") == "ISO-8859-1");
    CHECK(content_type_parameter("text/plain;format=flowed;Charset=utf-8", "charset") == "utf-8");
    CHECK(content_type_parameter("text/plain", "charset").empty());
}

TEST_CASE("unsupported types fail at once without a worker") {
    auto extractor = TextExtractor::create("/nonexistent/cairn-extract-worker", {});
    CHECK_FALSE(extractor.has_value());

    auto real = make_extractor();
    const auto start = std::chrono::steady_clock::now();
    const auto result = real.extract("image/jpeg", "photo.jpg", "\xFF\xD8\xFF\xE0");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == ErrorCode::Unsupported);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
}

TEST_CASE("a moved extractor keeps its worker") {
    auto first = make_extractor();
    CHECK(first.extract("text/plain", "a.txt", "one").value() == "one");
    TextExtractor second = std::move(first);
    CHECK(second.extract("text/plain", "b.txt", "two").value() == "two");
}

TEST_CASE("default_worker_path honours CAIRN_EXTRACT_WORKER") {
    ::setenv("CAIRN_EXTRACT_WORKER", "/opt/worker", 1);
    CHECK(default_worker_path() == "/opt/worker");
    ::unsetenv("CAIRN_EXTRACT_WORKER");
    CHECK(default_worker_path().filename() == "cairn-extract-worker");
}

TEST_CASE("utf-8 helpers cut at character boundaries and repair bad bytes") {
    std::string text = "a\xE2\x82\xAC";  // a€
    truncate_utf8(text, 3);
    CHECK(text == "a");
    CHECK(make_valid_utf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
    CHECK(is_valid_utf8("caf\xC3\xA9"));
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));  // a surrogate
}

}  // TEST_SUITE
