// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal to core/archive: what the archive's jobs share.

#include "core/archive/archive.h"
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

Result<ImportReport> run_import(Archive::Impl& archive, const std::vector<std::filesystem::path>& paths,
                                const ImportOptions& options, ProgressObserver* observer,
                                const CancellationToken* cancel);

}  // namespace cairn
