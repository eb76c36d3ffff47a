// SPDX-License-Identifier: GPL-3.0-or-later
#include <algorithm>
#include <climits>
#include <memory>
#include <new>

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include "core/extract/extractors.h"

namespace cairn::extract {
namespace {

// Poppler reports every oddity of a damaged PDF on stderr; the worker's stderr is /dev/null,
// but formatting the messages costs time on hostile files.
void ignore_poppler_message(const std::string&, void*) {}

}  // namespace

Result<void> extract_pdf_text(std::string_view data, TextSink& sink) {
    poppler::set_debug_error_function(ignore_poppler_message, nullptr);
    if (data.size() > static_cast<std::size_t>(INT_MAX))
        return make_error(ErrorCode::LimitExceeded, "PDF larger than 2 GB");
    // load_from_raw_data does not copy: `data` outlives the document.
    std::unique_ptr<poppler::document> document(
        poppler::document::load_from_raw_data(data.data(), static_cast<int>(data.size())));
    if (!document)
        return make_error(ErrorCode::InvalidData, "not a readable PDF");
    if (document->is_locked())
        return make_error(ErrorCode::Unsupported, "the PDF is encrypted with a password");
    const int page_count = document->pages();
    for (int index = 0; index < page_count && !sink.full(); ++index) {
        std::unique_ptr<poppler::page> page(document->create_page(index));
        if (!page)
            continue;
        poppler::byte_array text = page->text().to_utf8();
        // Poppler ends a page with a form feed; the index wants a plain line break.
        std::ranges::replace(text, '\f', '\n');
        sink.append(std::string_view(text.data(), text.size()));
        sink.end_line();
    }
    return {};
}

}  // namespace cairn::extract
