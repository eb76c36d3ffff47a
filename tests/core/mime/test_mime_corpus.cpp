// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the structure scanner, exact base64 and header summaries over real mail from the public
// corpus: nothing may crash, every invariant must hold, and the figures say how much of the mail
// the store can split out and decode.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/mime/charset.h"
#include "core/mime/message_structure.h"
#include "tests/support/temp_dir.h"

namespace {

using cairn::mime::BodySpan;
using cairn::mime::TransferEncoding;

constexpr std::size_t MinimumBodyBytes = 256;
constexpr std::size_t OpenbmcFileLimit = 2000;

struct Figures {
    std::size_t message_count = 0;
    std::size_t message_bytes = 0;
    std::size_t span_count = 0;
    std::size_t span_bytes = 0;
    std::size_t base64_span_count = 0;
    std::size_t base64_exact_count = 0;
    std::size_t base64_exact_bytes = 0;
    std::size_t base64_exact_with_empty_lines_count = 0;
    std::size_t base64_exact_with_empty_lines_bytes = 0;
    std::size_t dated_count = 0;
};

bool is_single_message_file(const std::filesystem::path& path) {
    std::string name = path.filename().string();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char character) { return std::tolower(character); });
    if (name.find("mbox") != std::string::npos)
        return false;
    for (const char* extension : {".msf", ".dat", ".json", ".noindex", ".noupdate", ".ignore", ".md", ".sha256", ".tsv"}) {
        if (name.ends_with(extension))
            return false;
    }
    return true;
}

void check_message(const std::string& path, const std::string& message, Figures& figures) {
    CAPTURE(path);
    ++figures.message_count;
    figures.message_bytes += message.size();

    const std::vector<BodySpan> spans = cairn::mime::find_leaf_bodies(message, MinimumBodyBytes);
    std::size_t previous_end = 0;
    for (const BodySpan& span : spans) {
        REQUIRE(span.offset >= previous_end);
        REQUIRE(span.length >= MinimumBodyBytes);
        REQUIRE(span.offset + span.length <= message.size());
        previous_end = span.offset + span.length;
        ++figures.span_count;
        figures.span_bytes += span.length;
        if (span.encoding != TransferEncoding::Base64)
            continue;
        ++figures.base64_span_count;
        const std::string_view encoded = std::string_view(message).substr(span.offset, span.length);
        if (const auto decoded = cairn::mime::decode_base64_exactly(encoded)) {
            ++figures.base64_exact_count;
            figures.base64_exact_bytes += span.length;
            REQUIRE(cairn::mime::encode_base64(decoded->first, decoded->second) == encoded);
        }
        if (const auto decoded = cairn::mime::decode_base64_exactly(encoded, cairn::mime::TrailingEmptyLines::Keep)) {
            ++figures.base64_exact_with_empty_lines_count;
            figures.base64_exact_with_empty_lines_bytes += span.length;
            REQUIRE(cairn::mime::encode_base64(decoded->first, decoded->second) == encoded);
        }
    }

    const cairn::mime::HeaderSummary summary = cairn::mime::summarize_headers(message);
    CHECK(cairn::mime::is_valid_utf8(summary.subject));
    CHECK(cairn::mime::is_valid_utf8(summary.from));
    CHECK(cairn::mime::is_valid_utf8(summary.to));
    CHECK(cairn::mime::is_valid_utf8(summary.message_id));
    if (summary.date)
        ++figures.dated_count;
}

void report(const char* name, const Figures& figures) {
    MESSAGE(std::string(name) << ": " << figures.message_count << " messages, " << figures.message_bytes << " bytes; "
                 << figures.span_count << " leaf bodies >= " << MinimumBodyBytes << " bytes hold "
                 << (figures.message_bytes ? 100.0 * static_cast<double>(figures.span_bytes) / static_cast<double>(figures.message_bytes) : 0.0)
                 << "% of the bytes; base64 bodies decodable exactly: " << figures.base64_exact_count << " of "
                 << figures.base64_span_count << " ("
                 << (figures.message_bytes ? 100.0 * static_cast<double>(figures.base64_exact_bytes) / static_cast<double>(figures.message_bytes) : 0.0)
                 << "% of all bytes), " << figures.base64_exact_with_empty_lines_count << " ("
                 << (figures.message_bytes ? 100.0 * static_cast<double>(figures.base64_exact_with_empty_lines_bytes) / static_cast<double>(figures.message_bytes) : 0.0)
                 << "%) when trailing empty lines are kept; " << figures.dated_count << " with a parseable date");
}

std::vector<std::filesystem::path> regular_files_under(const std::filesystem::path& root) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file())
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

TEST_SUITE("mime.corpus") {

TEST_CASE("single-message corpus files scan with valid spans, exact base64 and UTF-8 summaries") {
    Figures figures;
    bool any = false;
    for (const char* set : {"stalwart-mail-parser", "nodemailer-mailparser", "mimekit", "python-email", "gmime",
                            "thunderbird-comm-central", "mu", "tika-mail"}) {
        const auto root = cairn::testing::corpus_path(set);
        if (!root)
            continue;
        any = true;
        for (const auto& path : regular_files_under(*root)) {
            if (is_single_message_file(path))
                check_message(path.string(), cairn::testing::read_file(path), figures);
        }
    }
    if (!any)
        return;
    report("single-message files", figures);
    CHECK(figures.message_count > 300);
}

TEST_CASE("the first openbmc maildir messages scan with valid spans, exact base64 and UTF-8 summaries") {
    const auto archive = cairn::testing::corpus_path("openbmc/openbmc.maildir.tar.zst");
    if (!archive)
        return;
    cairn::testing::TempDir directory;
    const std::string command =
        "zstd -dc '" + archive->string() + "' | tar -x -C '" + directory.path().string() + "'";
    if (std::system(command.c_str()) != 0) {
        MESSAGE("could not unpack " << archive->string() << " (zstd or tar missing?); skipping");
        return;
    }
    std::vector<std::filesystem::path> files = regular_files_under(directory.path());
    if (files.size() > OpenbmcFileLimit)
        files.resize(OpenbmcFileLimit);
    Figures figures;
    for (const auto& path : files)
        check_message(path.string(), cairn::testing::read_file(path), figures);
    report("openbmc (first 2,000)", figures);
    CHECK(figures.message_count == files.size());
    CHECK(figures.dated_count > figures.message_count * 95 / 100);
}

}  // TEST_SUITE
