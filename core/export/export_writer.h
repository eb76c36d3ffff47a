// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "core/base/result.h"
#include "core/store/catalog.h"

namespace cairn {
enum class ExportFormat { Eml, Mbox, Zip };
}

/// Writers for exported mail: EML files, mbox files (mboxrd), a zip of EML files.
namespace cairn::exporting {

/// Receives messages (in the catalog's list order: user, folder, id) and writes them out.
class ExportWriter {
public:
    virtual ~ExportWriter() = default;
    /// Writes one message's exact bytes. NoSpace stops the export; other errors are per message.
    virtual Result<void> add(const store::MessageListing& listing, std::string_view bytes) = 0;
    /// Closes open files; the export is complete only after this succeeds.
    virtual Result<void> finish() = 0;
};

/// EML: OUT/<user>/<folder path>/<id>.eml. MBOX: OUT/<user>/<folder path>.mbox (the top folder:
/// OUT/<user>/messages.mbox). ZIP: the EML tree in the zip file OUT.
Result<std::unique_ptr<ExportWriter>> make_export_writer(ExportFormat format, const std::filesystem::path& out);

/// A folder path made safe as a relative file path: no "..", no empty or hidden components.
std::filesystem::path safe_relative_path(std::string_view user, std::string_view folder);

/// The mboxrd form of one message: a From_ line, the message with every line that starts with
/// ">*From " given one more '>', and a blank line before the next separator (a message without
/// a final line break gets one: the mbox format cannot carry that message exactly).
std::string mboxrd_entry(const store::MessageListing& listing, std::string_view bytes);

}  // namespace cairn::exporting
