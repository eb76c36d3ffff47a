// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal to core/archive: what the archive's jobs share.

#include <any>
#include <functional>

#include "core/archive/archive.h"
#include "core/sources/common/raw_message.h"
#include "core/store/archive_keys.h"
#include "core/store/catalog.h"
#include "core/store/message_store.h"

namespace cairn {

struct Archive::Impl {
    std::filesystem::path directory;
    Access access = Access::ReadOnly;
    store::ArchiveKeys keys;
    store::StoreOptions store_options;
    std::unique_ptr<store::Catalog> catalog;
    int lock_descriptor = -1;

    ~Impl();
};

/// What an import reads, and what the writer records for the source besides the messages.
struct ImportSource {
    /// Runs on the reader thread and passes everything read to SINK; stops when CANCEL is set.
    std::function<void(sources::MessageSink& sink, const CancellationToken* cancel)> read;
    /// Bytes the source will read, where known up front (files); progress is measured against it.
    std::uint64_t input_total = 0;
    /// Run by the writer in the open batch after each message was placed (may be empty).
    std::function<Result<void>(store::Catalog& catalog, const sources::RawMessage& origin, const store::Added& added)>
        after_message;
    /// Run by the writer in the open batch for each checkpoint the source passed, in order.
    std::function<Result<void>(store::Catalog& catalog, const std::any& position)> record_checkpoint;
};

/// The archive folder a source folder goes to under an import's folder prefix.
std::string join_folder(const std::string& prefix, const std::string& folder);
/// How a placement records a message's normalised flags ("seen flagged").
std::string flags_text(const std::vector<std::string>& flags);

Result<ImportReport> run_import(Archive::Impl& archive, const ImportSource& source, const ImportOptions& options,
                                ProgressObserver* observer, const CancellationToken* cancel);

/// Imports mail files and directories (Archive::import).
Result<ImportReport> run_file_import(Archive::Impl& archive, const std::vector<std::filesystem::path>& paths,
                                     const ImportOptions& options, ProgressObserver* observer,
                                     const CancellationToken* cancel);

}  // namespace cairn
