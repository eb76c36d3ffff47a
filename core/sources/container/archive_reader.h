// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string>

#include "core/base/progress.h"
#include "core/sources/common/raw_message.h"
#include "core/sources/mail_stream.h"

namespace cairn::sources::container {

/// Reads every member of the zip/tar/7z file (optionally gzip/zstd/xz/bzip2 compressed) at
/// ARCHIVE_PATH through libarchive, as streams: nothing is extracted to disk. Member paths map
/// to folders below BASE_FOLDER as a directory tree would; messages carry the source path
/// "SOURCE_PATH!member/path". A lone compressed file (mail.mbox.gz) is read as that file.
/// Returns Completed when the archive was read to its end; ReadError when it is damaged or
/// truncated (a failure naming the member and offset was reported; earlier messages were passed).
StreamOutcome read_archive(const std::filesystem::path& archive_path, const std::string& source_path,
                           const std::string& base_folder, const CancellationToken* cancel, MessageSink& sink);

}  // namespace cairn::sources::container
