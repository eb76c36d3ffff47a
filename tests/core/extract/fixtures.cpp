// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/core/extract/fixtures.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <doctest/doctest.h>

namespace cairn::extract::testing {
namespace {

la_ssize_t append_to_string(archive*, void* context, const void* buffer, std::size_t length) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

using ArchiveWriter = std::unique_ptr<archive, decltype(&archive_write_free)>;

ArchiveWriter open_writer(std::string& output, bool zip, const char* options = nullptr) {
    ArchiveWriter writer(archive_write_new(), archive_write_free);
    if (zip) {
        archive_write_set_format_zip(writer.get());
        archive_write_zip_set_compression_deflate(writer.get());
    } else {
        archive_write_set_format_pax_restricted(writer.get());
        archive_write_add_filter_gzip(writer.get());
    }
    if (options != nullptr)
        archive_write_set_options(writer.get(), options);
    // No padding to 10 KiB blocks: the output is a file image, not a tape.
    archive_write_set_bytes_in_last_block(writer.get(), 1);
    if (archive_write_open(writer.get(), &output, nullptr, append_to_string, nullptr) != ARCHIVE_OK)
        throw std::runtime_error(archive_error_string(writer.get()));
    return writer;
}

void write_header(archive* writer, const std::string& name, std::int64_t size) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), size);
    if (archive_write_header(writer, entry.get()) != ARCHIVE_OK)
        throw std::runtime_error(archive_error_string(writer));
}

std::string write_archive(const std::vector<ZipMember>& members, bool zip) {
    std::string output;
    {
        auto writer = open_writer(output, zip);
        for (const auto& member : members) {
            write_header(writer.get(), member.name, static_cast<std::int64_t>(member.content.size()));
            archive_write_data(writer.get(), member.content.data(), member.content.size());
        }
        archive_write_close(writer.get());
    }
    return output;
}

}  // namespace

std::string make_zip(const std::vector<ZipMember>& members) { return write_archive(members, true); }

std::string make_tar_gz(const std::vector<ZipMember>& members) { return write_archive(members, false); }

std::string make_streamed_zip(const std::string& name, std::uint64_t size,
                              const std::function<std::size_t(char*, std::size_t)>& next_chunk) {
    std::string output;
    {
        // Fast deflate: a run of one byte compresses about 1000:1 at any level.
        auto writer = open_writer(output, true, "zip:compression-level=1");
        write_header(writer.get(), name, static_cast<std::int64_t>(size));
        std::string buffer(1u << 20, '\0');
        std::uint64_t written = 0;
        while (written < size) {
            const std::size_t wanted = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - written));
            const std::size_t filled = next_chunk(buffer.data(), wanted);
            archive_write_data(writer.get(), buffer.data(), filled);
            written += filled;
        }
        archive_write_close(writer.get());
    }
    return output;
}

std::string make_pdf(const std::vector<std::string>& page_texts) {
    const int page_count = static_cast<int>(page_texts.size());
    // Objects: 1 catalog, 2 page tree, 3 font, then a page and its content stream per page.
    std::vector<std::string> objects;
    std::string kids;
    for (int index = 0; index < page_count; ++index)
        kids += std::to_string(4 + 2 * index) + " 0 R ";
    objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
    objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(page_count) + " >>");
    objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    for (int index = 0; index < page_count; ++index) {
        objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                          "/Contents " + std::to_string(5 + 2 * index) + " 0 R >>");
        const std::string content = "BT /F1 18 Tf 72 700 Td (" + page_texts[static_cast<std::size_t>(index)] + ") Tj ET";
        objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
    }
    std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    std::vector<std::size_t> offsets;
    for (std::size_t index = 0; index < objects.size(); ++index) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(index + 1) + " 0 obj\n" + objects[index] + "\nendobj\n";
    }
    const std::size_t xref_offset = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const std::size_t offset : offsets) {
        char entry[32];
        std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
        pdf += entry;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref_offset) + "\n%%EOF\n";
    return pdf;
}

std::string make_cyclic_pdf() {
    std::string pdf = make_pdf({"cycle"});
    // The page tree lists itself as its only kid: 4 0 R -> 2 0 R, same length, offsets intact.
    const std::size_t position = pdf.find("/Kids [4 0 R ]");
    REQUIRE(position != std::string::npos);
    pdf.replace(position, 14, "/Kids [2 0 R ]");
    return pdf;
}

std::string make_docx(const std::vector<std::string>& paragraphs) {
    std::string body;
    for (const auto& paragraph : paragraphs)
        body += "<w:p><w:r><w:t xml:space=\"preserve\">" + paragraph + "</w:t></w:r></w:p>";
    return make_zip({
        {"[Content_Types].xml",
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
         "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override PartName=\"/word/document.xml\" "
         "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"},
        {"word/document.xml",
         "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
         "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>" +
             body + "</w:body></w:document>"},
    });
}

std::string decode_base64(const std::string& text) {
    std::string bytes;
    unsigned accumulator = 0;
    int bits = 0;
    for (const char c : text) {
        int value = -1;
        if (c >= 'A' && c <= 'Z')
            value = c - 'A';
        else if (c >= 'a' && c <= 'z')
            value = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            value = c - '0' + 52;
        else if (c == '+')
            value = 62;
        else if (c == '/')
            value = 63;
        if (value < 0)
            continue;
        accumulator = (accumulator << 6) | static_cast<unsigned>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((accumulator >> bits) & 0xFF);
        }
    }
    return bytes;
}

TextExtractor make_extractor(const ExtractionLimits& limits) {
    ::setenv("CAIRN_EXTRACT_TEST_HOOKS", "1", 1);
    auto extractor = TextExtractor::create(CAIRN_TEST_EXTRACT_WORKER, limits);
    REQUIRE(extractor.has_value());
    return std::move(*extractor);
}

}  // namespace cairn::extract::testing
