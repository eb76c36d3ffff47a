// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile and broken attachments: each must end in an error (or cut text) within the limits,
// and the next extraction must work on a fresh worker.
#include <chrono>
#include <cstring>
#include <string>

#include <doctest/doctest.h>

#include "core/extract/protocol.h"
#include "core/extract/text_extractor.h"
#include "core/extract/utf8_text.h"
#include "tests/core/extract/fixtures.h"

using namespace cairn;
using namespace cairn::extract;
using namespace cairn::extract::testing;
using Clock = std::chrono::steady_clock;

namespace {

ExtractionLimits short_limits() {
    ExtractionLimits limits;
    limits.seconds = 2.0;
    limits.memory_bytes = 256ull << 20;
    return limits;
}

// After any failure the extractor must serve the next attachment normally.
void check_next_extraction_works(TextExtractor& extractor) {
    const auto result = extractor.extract("text/rtf", "after.rtf", "{\\rtf1 still \\'e9 working}");
    REQUIRE_MESSAGE(result.has_value(), result.error().describe());
    CHECK(*result == "still \xC3\xA9 working");
    const auto docx = extractor.extract("", "after.docx", make_docx({"fresh worker"}));
    REQUIRE_MESSAGE(docx.has_value(), docx.error().describe());
    CHECK(*docx == "fresh worker\n");
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

TEST_SUITE("extract.failures") {

TEST_CASE("a worker that hangs is killed at the time limit and replaced") {
    auto extractor = make_extractor(short_limits());
    check_next_extraction_works(extractor);
    const auto start = Clock::now();
    const auto result = extractor.extract("application/x-cairn-test-hang", "hang.bin", "x");
    const double elapsed = seconds_since(start);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == ErrorCode::LimitExceeded);
    CHECK(elapsed >= 1.9);
    CHECK(elapsed < short_limits().seconds + 3.0);  // margin for a loaded machine, not for a hang
    check_next_extraction_works(extractor);
}

TEST_CASE("a worker that crashes gives Internal and is replaced") {
    auto extractor = make_extractor(short_limits());
    const auto result = extractor.extract("application/x-cairn-test-crash", "crash.bin", "x");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == ErrorCode::Internal);
    CHECK(result.error().message.find("signal") != std::string::npos);
    check_next_extraction_works(extractor);
    // Twice in a row, and on a fresh extractor whose first request crashes.
    CHECK(extractor.extract("application/x-cairn-test-crash", "crash.bin", "x").error().code == ErrorCode::Internal);
    check_next_extraction_works(extractor);
}

TEST_CASE("a worker that allocates without bound is stopped by its memory limit") {
    auto extractor = make_extractor(short_limits());
    const auto start = Clock::now();
    const auto result = extractor.extract("application/x-cairn-test-allocate", "allocate.bin", "x");
    const double elapsed = seconds_since(start);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == ErrorCode::LimitExceeded);
    if (BuiltWithAddressSanitizer) {
        // No RLIMIT_AS under ASan (see protocol.h): the time limit stops it instead.
        CHECK(elapsed < short_limits().seconds + 3.0);
    } else {
        // RLIMIT_AS makes new throw long before the time limit.
        CHECK(result.error().message.find("memory") != std::string::npos);
        CHECK(elapsed < 1.9);
    }
    check_next_extraction_works(extractor);
}

TEST_CASE("zip bombs end in an error or cut text, quickly and in bounded memory") {
    auto limits = short_limits();
    limits.seconds = 10;
    auto extractor = make_extractor(limits);
    const std::string open_tags =
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:p><w:r><w:t>";
    SUBCASE("one text node of a gigabyte-class run of one letter") {
        constexpr std::uint64_t Size = 1ull << 30;
        std::uint64_t produced = 0;
        const std::string bomb = make_streamed_zip("word/document.xml", Size, [&](char* buffer, std::size_t size) {
            std::memset(buffer, 'a', size);
            if (produced == 0)
                std::memcpy(buffer, open_tags.data(), std::min(size, open_tags.size()));
            produced += size;
            return size;
        });
        MESSAGE("bomb of ", Size >> 20, " MiB in ", bomb.size() >> 10, " KiB");
        const auto start = Clock::now();
        const auto result = extractor.extract("", "bomb.docx", bomb);
        CHECK(seconds_since(start) < limits.seconds + 3.0);  // the time limit ends it at the latest
        MESSAGE("outcome: ", result ? "text of " + std::to_string(result->size()) + " bytes" : result.error().describe());
        if (result.has_value())
            CHECK(result->size() <= ExtractionLimits{}.max_text_bytes);
        else
            CHECK((result.error().code == ErrorCode::LimitExceeded || result.error().code == ErrorCode::InvalidData));
    }
    SUBCASE("hundreds of megabytes of empty paragraphs: the member cap") {
        constexpr std::uint64_t Size = 300ull << 20;
        std::uint64_t produced = 0;
        const std::string bomb = make_streamed_zip("word/document.xml", Size, [&](char* buffer, std::size_t size) {
            constexpr std::string_view Paragraph = "<w:p/>";
            std::size_t filled = 0;
            if (produced == 0) {
                std::memcpy(buffer, open_tags.data(), open_tags.size());
                filled = open_tags.size();
            }
            while (filled + Paragraph.size() <= size) {
                std::memcpy(buffer + filled, Paragraph.data(), Paragraph.size());
                filled += Paragraph.size();
            }
            std::memset(buffer + filled, ' ', size - filled);  // whitespace between elements is fine
            produced += size;
            return size;
        });
        MESSAGE("bomb of ", Size >> 20, " MiB in ", bomb.size() >> 10, " KiB");
        const auto start = Clock::now();
        const auto result = extractor.extract("", "bomb.docx", bomb);
        // Parsing the 64 MiB the member cap allows takes about a second (three in a debug build).
        MESSAGE("stopped after ", seconds_since(start), " s");
        // Whichever stops it first, the member cap or the time limit, it stops: on a loaded or
        // sanitizer-slowed machine the time limit may be what ends it, just after it expires.
        CHECK(seconds_since(start) < limits.seconds + 3.0);
        REQUIRE_FALSE(result.has_value());
        MESSAGE("outcome: ", result.error().describe());
        CHECK(result.error().code == ErrorCode::LimitExceeded);
    }
    check_next_extraction_works(extractor);
}

TEST_CASE("a truncated DOCX is InvalidData") {
    auto extractor = make_extractor(short_limits());
    const std::string docx = make_docx({"some text that will be cut off"});
    for (const std::size_t keep : {docx.size() / 2, docx.size() - 30, std::size_t{10}, std::size_t{0}}) {
        CAPTURE(keep);
        const auto result = extractor.extract("", "cut.docx", std::string_view(docx).substr(0, keep));
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().code == ErrorCode::InvalidData);
    }
    check_next_extraction_works(extractor);
}

TEST_CASE("a zip that is not an office document, and garbage, are InvalidData") {
    auto extractor = make_extractor(short_limits());
    const auto plain_zip = extractor.extract("", "fake.docx", make_zip({{"readme.txt", "hello"}}));
    REQUIRE_FALSE(plain_zip.has_value());
    CHECK(plain_zip.error().code == ErrorCode::InvalidData);
    const auto garbage = extractor.extract("application/pdf", "garbage.pdf", std::string(5000, '\x07'));
    REQUIRE_FALSE(garbage.has_value());
    CHECK(garbage.error().code == ErrorCode::InvalidData);
    check_next_extraction_works(extractor);
}

TEST_CASE("a PDF whose page tree contains itself does not hang or crash") {
    auto extractor = make_extractor(short_limits());
    const auto start = Clock::now();
    const auto result = extractor.extract("application/pdf", "cycle.pdf", make_cyclic_pdf());
    CHECK(seconds_since(start) < short_limits().seconds + 3.0);  // the time limit ends it at the latest
    if (result.has_value())
        CHECK(is_valid_utf8(*result));
    else
        CHECK(result.error().code != ErrorCode::Internal);
    // And a truncated PDF.
    const std::string pdf = make_pdf({"truncated"});
    const auto cut = extractor.extract("application/pdf", "cut.pdf", std::string_view(pdf).substr(0, pdf.size() / 2));
    if (cut.has_value())
        CHECK(is_valid_utf8(*cut));
    check_next_extraction_works(extractor);
}

TEST_CASE("failures in a row on a fresh extractor each get a fresh worker") {
    auto extractor = make_extractor(short_limits());
    CHECK(extractor.extract("application/x-cairn-test-crash", "a", "x").error().code == ErrorCode::Internal);
    CHECK(extractor.extract("application/x-cairn-test-allocate", "b", "x").error().code == ErrorCode::LimitExceeded);
    CHECK(extractor.extract("application/x-cairn-test-crash", "c", "x").error().code == ErrorCode::Internal);
    check_next_extraction_works(extractor);
}

}  // TEST_SUITE
