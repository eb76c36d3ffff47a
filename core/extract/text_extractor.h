// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/result.h"

/// Attachment text extraction in separate worker processes (DESIGN.md §4): a hostile or broken
/// attachment can crash or hang a worker, never the archiver, and the message is archived anyway.
namespace cairn::extract {

struct ExtractionLimits {
    std::uint64_t memory_bytes = 512ull << 20;  ///< RLIMIT_AS of the worker
    double seconds = 10.0;                      ///< wall-clock time for one attachment
    std::size_t max_text_bytes = 1u << 20;      ///< text beyond this is cut
};

/// True for the kinds of attachment there is text to extract from (PDF, DOCX/XLSX/PPTX,
/// ODT/ODS/ODP, RTF, HTML, text/*, zip/tar archives: member names), by type or file name.
bool can_extract(std::string_view content_type, std::string_view filename);

/// A client of one worker process, started on first use and restarted after a crash, a time-out
/// or a limit. Not thread-safe: one per thread.
class TextExtractor {
public:
    /// worker_executable: the cairn-extract-worker program (see default_worker_path()).
    static Result<TextExtractor> create(const std::filesystem::path& worker_executable, const ExtractionLimits& limits);
    TextExtractor(TextExtractor&&) noexcept;
    TextExtractor& operator=(TextExtractor&&) noexcept;
    ~TextExtractor();

    /// The attachment's text (UTF-8, at most max_text_bytes). Errors: Unsupported (no text in
    /// this kind of file), InvalidData (the file is damaged), LimitExceeded (time or memory; the
    /// worker was killed and is restarted on the next call), Internal (the worker crashed).
    Result<std::string> extract(std::string_view content_type, std::string_view filename, std::string_view data);

    struct Impl;

private:
    explicit TextExtractor(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// cairn-extract-worker beside the running executable, or $CAIRN_EXTRACT_WORKER when set.
std::filesystem::path default_worker_path();

}  // namespace cairn::extract
