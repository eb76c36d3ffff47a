// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>

#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/sources/common/raw_message.h"

namespace cairn::sources {

struct ReadOptions {
    /// Polled between chunks and files; when set, reading stops promptly.
    const CancellationToken* cancel = nullptr;
};

/// Reads PATH: an .eml (any single-message file), an mbox file, an Apple .emlx, a Maildir
/// (cur/new/tmp; Maildir++ subfolders ".a.b" become folders "a/b"), a directory tree of these
/// (sub-directories and mbox files become folders), or a .zip/.tar/.tar.gz/.tar.zst/.tar.xz/.tar.bz2
/// holding these. Formats are detected from content, not from the name.
///
/// Mail programs' trees are read as the program shows them (see tree_conventions.h): a
/// Thunderbird profile (prefs.js with Mail/ or ImapMail/; PATH itself or any directory below it)
/// by account name, then folders, with flags from X-Mozilla-Status and its expunged messages
/// passed over; Apple Mail's "Name.mbox" directories as folder "Name".
///
/// Folders are relative to PATH ("" for PATH itself and for the messages of a single file).
/// Directories are walked in sorted order; files are streamed (mbox in 1 MiB chunks, at most one
/// message in memory). Each file (or whole archive) is offered to sink.should_read first, and
/// sink.on_file_complete follows only when it was read to its end without error (not for files
/// refused as empty or not mail, so they are reported again on the next run).
///
/// Errors: returns an error only when PATH itself cannot be read (NotFound, PermissionDenied,
/// Io, Unsupported for a device or socket) and Cancelled when options.cancel fired. Everything
/// else (unreadable, truncated or non-mail files) goes to sink.on_failure, and passed-over files
/// (indexes, dot-files, Maildir tmp) to sink.on_skipped. When sink.on_message returns false,
/// reading stops and the result is success. Runs on the caller's thread.
[[nodiscard]] Result<void> read_mail_path(const std::filesystem::path& path, const ReadOptions& options,
                                          MessageSink& sink);

}  // namespace cairn::sources
