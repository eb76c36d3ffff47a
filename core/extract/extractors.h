// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/extract/utf8_text.h"

/// The format readers of cairn-extract-worker. They run only inside the worker process (which
/// has memory and time limits), take the whole attachment in memory and append UTF-8 text to a
/// TextSink, stopping early once it is full. Errors: InvalidData (damaged file), LimitExceeded
/// (a size cap inside the file was hit), Unsupported (e.g. an encrypted PDF).
namespace cairn::extract {

/// Collects text up to a byte cap; `full()` tells readers to stop.
class TextSink {
public:
    explicit TextSink(std::size_t max_bytes) : m_max_bytes(max_bytes) {}

    /// Appends UTF-8 `text`, cut at a character boundary when the cap is reached.
    void append(std::string_view text) {
        if (m_full || text.empty())
            return;
        const std::size_t room = m_max_bytes - m_text.size();
        if (text.size() <= room) {
            m_text.append(text);
            return;
        }
        // Three bytes more so truncate_utf8 can see where the character at the cut begins.
        m_text.append(text.substr(0, room + 3));
        truncate_utf8(m_text, m_max_bytes);
        m_full = true;
    }

    /// A line break, unless the text is empty or already ends with one (no runs of blank lines).
    void end_line() {
        if (!m_text.empty() && m_text.back() != '\n')
            append("\n");
    }

    bool full() const { return m_full; }
    std::size_t size() const { return m_text.size(); }
    std::size_t max_bytes() const { return m_max_bytes; }
    std::string& text() { return m_text; }

private:
    std::size_t m_max_bytes;
    std::string m_text;
    bool m_full = false;
};

Result<void> extract_pdf_text(std::string_view data, TextSink& sink);
/// DOCX/XLSX/PPTX and ODT/ODS/ODP.
Result<void> extract_office_text(std::string_view data, TextSink& sink);
Result<void> extract_rtf_text(std::string_view data, TextSink& sink);
/// zip/tar(.gz/.bz2/.xz): one member name a line.
Result<void> extract_archive_names(std::string_view data, TextSink& sink);
/// text/html; the charset comes from the content type, a <meta> or a guess.
Result<void> extract_html_text(std::string_view content_type, std::string_view data, TextSink& sink);
/// text/*: the content type's charset, else UTF-8 when valid, else windows-1252.
Result<void> extract_plain_text(std::string_view content_type, std::string_view data, TextSink& sink);

}  // namespace cairn::extract
