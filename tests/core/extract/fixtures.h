// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/extract/text_extractor.h"

/// Documents made in the test, so no binary fixture needs to be committed.
namespace cairn::extract::testing {

struct ZipMember {
    std::string name;
    std::string content;
};

/// A deflate-compressed zip of `members`, as office files are.
std::string make_zip(const std::vector<ZipMember>& members);

/// A zip with one member `name` of `size` bytes, produced piecewise by `next_chunk` (which
/// fills a buffer of at most the given size and returns how much it wrote) — for zip bombs.
std::string make_streamed_zip(const std::string& name, std::uint64_t size,
                              const std::function<std::size_t(char*, std::size_t)>& next_chunk);

/// A gzip-compressed tar of `members`.
std::string make_tar_gz(const std::vector<ZipMember>& members);

/// A valid PDF with one page per entry of `page_texts` (ASCII, Helvetica); xref offsets are
/// computed, so poppler reads it without reconstruction.
std::string make_pdf(const std::vector<std::string>& page_texts);

/// A PDF whose page tree has itself as a kid.
std::string make_cyclic_pdf();

/// A minimal DOCX whose body has these paragraphs.
std::string make_docx(const std::vector<std::string>& paragraphs);

std::string decode_base64(const std::string& text);

/// An extractor on the worker built with the tests, test hooks enabled.
TextExtractor make_extractor(const ExtractionLimits& limits = {});

}  // namespace cairn::extract::testing
