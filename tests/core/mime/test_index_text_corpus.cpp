// SPDX-License-Identifier: GPL-3.0-or-later
// extract_index_text over real mail from the public corpus: nothing may crash, every string must
// be valid UTF-8 and within the limits, a few known messages must give exactly what a reader sees,
// and the openbmc run prints the throughput.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/mime/charset.h"
#include "core/mime/index_text.h"
#include "tests/support/temp_dir.h"

namespace {

using cairn::mime::Attachment;
using cairn::mime::IndexText;

constexpr std::size_t OpenbmcFileLimit = 1500;

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

std::vector<std::filesystem::path> regular_files_under(const std::filesystem::path& root) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file())
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

struct Figures {
    std::size_t message_count = 0;
    std::size_t message_bytes = 0;
    std::size_t with_body = 0;
    std::size_t attachment_count = 0;
};

void check_index_text(const std::string& path, const IndexText& text, Figures& figures) {
    CAPTURE(path);
    const cairn::mime::IndexTextLimits limits;
    for (const std::string* field : {&text.from, &text.to, &text.cc, &text.bcc, &text.subject, &text.headers, &text.body})
        REQUIRE(cairn::mime::is_valid_utf8(*field));
    REQUIRE(text.body.size() <= limits.max_body_bytes);
    REQUIRE(text.attachments.size() <= limits.max_attachments);
    for (const Attachment& attachment : text.attachments) {
        REQUIRE(cairn::mime::is_valid_utf8(attachment.filename));
        REQUIRE(cairn::mime::is_valid_utf8(attachment.content_type));
        REQUIRE(attachment.data.size() <= limits.max_attachment_bytes);
    }
    if (!text.body.empty())
        ++figures.with_body;
    figures.attachment_count += text.attachments.size();
}

std::optional<IndexText> extract_corpus_file(const std::string& relative) {
    const auto path = cairn::testing::corpus_path(relative);
    if (!path)
        return std::nullopt;
    return cairn::mime::extract_index_text(cairn::testing::read_file(*path));
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

const Attachment* find_attachment(const IndexText& text, const std::string& filename) {
    for (const Attachment& attachment : text.attachments) {
        if (attachment.filename == filename)
            return &attachment;
    }
    return nullptr;
}

}  // namespace

TEST_SUITE("mime.index_text_corpus") {

TEST_CASE("every single-message corpus file gives valid UTF-8 within the limits") {
    Figures figures;
    bool any = false;
    for (const char* set : {"stalwart-mail-parser", "nodemailer-mailparser", "mimekit", "python-email", "gmime",
                            "thunderbird-comm-central", "mu", "tika-mail"}) {
        const auto root = cairn::testing::corpus_path(set);
        if (!root)
            continue;
        any = true;
        for (const auto& path : regular_files_under(*root)) {
            if (!is_single_message_file(path))
                continue;
            const std::string message = cairn::testing::read_file(path);
            ++figures.message_count;
            figures.message_bytes += message.size();
            check_index_text(path.string(), cairn::mime::extract_index_text(message), figures);
        }
    }
    if (!any)
        return;
    MESSAGE("single-message files: " << figures.message_count << " messages, " << figures.message_bytes << " bytes, "
                                     << figures.with_body << " with body text, " << figures.attachment_count << " attachments");
    CHECK(figures.message_count > 300);
}

TEST_CASE("a Japanese ISO-2022-JP message gives its subject and a two-character word of its body") {
    const auto text = extract_corpus_file("mimekit/messages/japanese.txt");
    if (!text)
        return;
    CHECK(text->subject == "日本語メールテスト (testing Japanese emails)");
    CHECK(contains(text->body, "日本"));
    CHECK(contains(text->body, "送れているか"));
}

TEST_CASE("an EUC-JP part among UTF-16 parts is converted") {
    const auto text = extract_corpus_file("stalwart-mail-parser/eml/thirdparty/005.eml");
    if (!text)
        return;
    CHECK(contains(text->body, "『世界人権宣言』"));
    CHECK(contains(text->body, "Test message\n\nTest message"));
}

TEST_CASE("a Latin-1 attachment name and an RFC 2231 file name are decoded") {
    if (const auto text = extract_corpus_file("stalwart-mail-parser/eml/legacy/045.eml")) {
        CHECK(text->subject == "Die Hasen und die Frösche");
        CHECK(contains(text->to, "Heinz Müller <mueller@example.com>"));
        const Attachment* attachment = find_attachment(*text, "HasenundFrösche.txt");
        REQUIRE(attachment != nullptr);
        CHECK(attachment->content_type == "text/plain");
        CHECK(attachment->data.starts_with("Die Hasen"));
    }
    if (const auto text = extract_corpus_file("nodemailer-mailparser/nodemailer.eml")) {
        CHECK(text->subject == "Nodemailer is unicode friendly ✔ (1476358788189)");
        CHECK(find_attachment(*text, "notes.txt") != nullptr);
    }
}

TEST_CASE("a base64 PDF attachment is decoded in full") {
    const auto text = extract_corpus_file("tika-mail/test-incremental-updates.eml");
    if (!text)
        return;
    CHECK(text->subject == "test incremental updates");
    const Attachment* attachment = find_attachment(*text, "testPDF_incrementalUpdates.pdf");
    REQUIRE(attachment != nullptr);
    CHECK(attachment->content_type == "application/pdf");
    CHECK(attachment->data.starts_with("%PDF-1.3"));
    CHECK(attachment->data.size() == 64872);
    CHECK_FALSE(attachment->truncated);
}

TEST_CASE("a PDF inside Apple Mail's HTML alternative is listed as an attachment") {
    const auto text = extract_corpus_file("tika-mail/testRFC822-mixed-with-pdf-inline");
    if (!text)
        return;
    const Attachment* attachment = find_attachment(*text, "tzora-titan-4-hummer-xl-manual.pdf");
    REQUIRE(attachment != nullptr);
    CHECK(attachment->content_type == "application/pdf");
    CHECK(attachment->data.empty());  // the corpus copy has the PDF's content removed
    // The body is the plain text alternative, not the HTML one.
    CHECK(contains(text->body, "I cannot access that page, but I don’t see any content on it."));
    CHECK_FALSE(contains(text->body, "<div"));
}

TEST_CASE("an HTML-only message gives its text without tags") {
    const auto text = extract_corpus_file("thunderbird-comm-central/test/data/23-HTML.eml");
    if (!text)
        return;
    CHECK(text->body == "Search for höhö Test that we assemble HTML bodies correctly when there is a softbreak involved.");
}

TEST_CASE("the first openbmc maildir messages give valid UTF-8, and extraction is timed") {
    const auto archive = cairn::testing::corpus_path("openbmc/openbmc.maildir.tar.zst");
    if (!archive)
        return;
    cairn::testing::TempDir directory;
    const std::string command = "zstd -dc '" + archive->string() + "' | tar -x -C '" + directory.path().string() + "'";
    if (std::system(command.c_str()) != 0) {
        MESSAGE("could not unpack " << archive->string() << " (zstd or tar missing?); skipping");
        return;
    }
    std::vector<std::filesystem::path> files = regular_files_under(directory.path());
    if (files.size() > OpenbmcFileLimit)
        files.resize(OpenbmcFileLimit);
    std::vector<std::string> messages;
    std::size_t total_bytes = 0;
    for (const auto& path : files) {
        messages.push_back(cairn::testing::read_file(path));
        total_bytes += messages.back().size();
    }
    std::vector<IndexText> texts;
    texts.reserve(messages.size());
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& message : messages)
        texts.push_back(cairn::mime::extract_index_text(message));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    Figures figures;
    for (std::size_t index = 0; index < texts.size(); ++index)
        check_index_text(files[index].string(), texts[index], figures);
    MESSAGE("openbmc (first " << files.size() << "): " << total_bytes << " bytes in " << seconds << " s = "
                              << (seconds > 0 ? static_cast<double>(total_bytes) / 1e6 / seconds : 0.0)
                              << " MB/s (build type decides: measure with -O2); " << figures.with_body
                              << " with body text, " << figures.attachment_count << " attachments");
    CHECK(figures.with_body > files.size() * 95 / 100);

    // A KOI8-R body (an Outlook reply from a Russian locale): its box-drawing characters are
    // KOI8-R bytes 0x80 and above.
    bool found = false;
    for (std::size_t index = 0; index < files.size(); ++index) {
        if (files[index].filename().string().starts_with("000969.")) {
            found = true;
            CHECK(texts[index].subject == "RE: bmc_booted LED group was not asserted when BMC started up");
            CHECK(contains(texts[index].body, "└─bmc_booted.conf"));
            CHECK(contains(texts[index].from, "CS20 YSChu <YSCHU@nuvoton.com>"));
        }
    }
    CHECK(found);
}

}  // TEST_SUITE
