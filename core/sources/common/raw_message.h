// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <any>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cairn::sources {

/// One message exactly as a source holds it, with where it came from.
struct RawMessage {
    /// The message's exact bytes (for an mbox: between the From_ line and the line break
    /// before the next separator; for an .emlx: the byte-counted message).
    std::string bytes;
    /// Archive folder, relative to the import root, '/'-separated; empty for the root itself.
    std::string folder;
    /// The file the message was read from; for an archive member "ARCHIVE!member/path".
    std::string source_path;
    /// Byte offset of the message (its From_ line for mbox) in source_path; 0 for one-message files;
    /// for a PST/OST item, the item's identifier.
    std::uint64_t offset = 0;
    /// How far into source_path reading is after this message, in bytes, where offset is no byte
    /// position (PST: the file size times the share of its items done); for progress only.
    std::optional<std::uint64_t> progress_position;
    /// Seconds since the epoch when the source knows it (maildir file mtime, mbox From_ date).
    std::optional<std::int64_t> received_time;
    /// Normalised flag names: "seen", "answered", "flagged", "draft", "deleted", "forwarded".
    std::vector<std::string> flags;
};

/// A file, member or message that could not be read; the rest of the import goes on.
struct ItemFailure {
    std::string source_path;
    std::uint64_t offset = 0;
    std::string reason;
};

/// Identity of a source file: if a file with the same identity was imported completely
/// before, it is skipped without being read.
struct FileIdentity {
    std::string path;  ///< absolute, lexically normal path (for archive members: the archive file)
    std::uint64_t size = 0;
    std::int64_t modified_ns = 0;
};

/// A checkpoint a source passes when it learns how many messages it will produce (a mail
/// account, once it has compared the server's folders with the archive): for progress.
struct ExpectedMessages {
    std::uint64_t count = 0;
};

/// Receives what a source produces, in order. Called on the source's thread.
class MessageSink {
public:
    virtual ~MessageSink() = default;
    /// Return false to stop reading (cancelled, or a fatal store error).
    virtual bool on_message(RawMessage&& message) = 0;
    virtual void on_failure(ItemFailure&& failure) = 0;
    /// Asked before a file (or a whole archive file) is opened; false skips it unread.
    virtual bool should_read(const FileIdentity& identity) { (void)identity; return true; }
    /// Called after every message of a file (or archive file) has been passed to on_message
    /// and the file was read to its end without a read error.
    virtual void on_file_complete(const FileIdentity& identity) { (void)identity; }
    /// Called for a file deliberately passed over (.msf indexes, dot files); counted, not failed.
    virtual void on_skipped(const std::string& path, const std::string& why) { (void)path; (void)why; }
    /// Called for something the user should know though nothing failed (mail archived as the
    /// source holds it, but incomplete there). Given once per kind and import path, not per file.
    virtual void on_warning(const std::string& path, const std::string& text) { (void)path; (void)text; }
    /// A position the source has reached (a mail account folder's highest archived UID): the
    /// importer records it in the same batch as every message passed before it, so a crash
    /// never records a position past what was archived. The value's type is the source's own;
    /// a sink that keeps no positions (a test collecting messages) ignores it.
    virtual void on_checkpoint(std::any position) { (void)position; }
};

}  // namespace cairn::sources
