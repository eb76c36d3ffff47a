// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/progress.h"
#include "core/sources/common/byte_stream.h"
#include "core/sources/common/raw_message.h"

namespace cairn::sources {

/// Where the bytes of one file (on disk or in an archive) go.
struct StreamOrigin {
    std::string source_path;     ///< for messages and failures
    std::string file_name;       ///< last path component; only ".emlx" is looked at
    std::string folder;          ///< folder of a single-message file
    std::string mbox_folder;     ///< folder of the messages if the content is an mbox (or the
                                 ///< folder a PST/OST's folders go below)
    std::string file_path;       ///< the file on disk holding exactly these bytes; empty for an
                                 ///< archive member (a PST in an archive is spooled to a temporary file)
    std::vector<std::string> flags;             ///< Maildir flags, for every message
    std::optional<std::int64_t> received_time;  ///< Maildir mtime; an mbox From_ date wins
    /// In a Thunderbird profile: mbox messages Thunderbird expunged (X-Mozilla-Status 0x8, kept
    /// only until the folder is compacted) are passed over; elsewhere they are kept, "deleted".
    bool in_thunderbird_profile = false;
};

enum class StreamOutcome {
    Completed,  ///< read to its end; every message went to the sink
    Refused,    ///< read, but not mail (empty, an image...) or a PST with unreadable items: a failure
                ///< was reported
    ReadError,  ///< reading failed part-way: a failure naming the offset was reported
    IsArchive,  ///< an archive: nothing consumed beyond the head, the caller opens it
    Stopped,    ///< the sink returned false
    Cancelled,
};

/// What to do when a stream turns out to be an archive.
enum class ArchivePolicy {
    Return,  ///< return IsArchive; the caller opens the file with libarchive
    Refuse,  ///< report a failure: archives inside archives are not opened
};

/// Reads one file's bytes, detects what they are from the content, and passes the messages to
/// SINK: an mbox is split as it streams (1 MiB chunks, one message in memory), a single message
/// or .emlx is read whole, a PST/OST is read item by item with libpff from origin.file_path (or
/// from a temporary copy of the stream). Empty and plainly non-mail content is reported as a failure (Refused).
StreamOutcome read_mail_stream(ByteStream& stream, const StreamOrigin& origin, ArchivePolicy archive_policy,
                               const CancellationToken* cancel, MessageSink& sink);

/// Size of the chunks read from files and archive members.
inline constexpr std::size_t ReadChunkSize = std::size_t{1} << 20;

}  // namespace cairn::sources
