// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal to core/archive: turning messages into search documents, and keeping a user's index
// in step with the catalog.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/extract/text_extractor.h"
#include "core/search/search_index.h"
#include "core/store/catalog.h"
#include "core/store/message_store.h"

namespace cairn {

/// What indexing a message gives, besides the document: the attachments for display.
struct IndexedMessage {
    search::IndexDocument document;
    std::uint32_t attachment_count = 0;
    std::string attachment_names;  ///< one per line
};

/// Builds search documents; attachment text comes from a worker process (started on first need).
/// One per thread.
class DocumentBuilder {
public:
    explicit DocumentBuilder(std::filesystem::path worker_executable) : m_worker(std::move(worker_executable)) {}
    IndexedMessage build(std::string_view message);

private:
    std::filesystem::path m_worker;
    std::optional<extract::TextExtractor> m_extractor;
    bool m_extractor_failed = false;
};

/// Indexes every message of the index's user that the catalog has and the index lacks (after a
/// crash between the two commits, a lost index or a tokenizer change). Returns how many.
Result<std::uint64_t> index_missing_messages(store::MessageReader& reader, search::SearchIndex& index,
                                             DocumentBuilder& builder,
                                             ProgressObserver* observer, const CancellationToken* cancel);

/// Makes the user's index complete for the catalog as it is now: indexes what it lacks, then
/// records the catalog's index generation in it (not when cancelled part-way). The caller holds
/// the writer lock, so the catalog cannot move meanwhile. Returns how many were indexed.
Result<std::uint64_t> bring_index_up_to_date(store::Catalog& catalog, store::MessageReader& reader,
                                             search::SearchIndex& index, DocumentBuilder& builder,
                                             ProgressObserver* observer, const CancellationToken* cancel);

}  // namespace cairn
