// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/mail_stream.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include "core/sources/common/content_kind.h"
#include "core/sources/eml/emlx_reader.h"
#include "core/sources/mbox/from_line.h"
#include "core/sources/mbox/mbox_reader.h"
#include "core/sources/thunderbird/mozilla_status.h"
#if CAIRN_WITH_PST
#include "core/sources/pst/pst_reader.h"
#endif

namespace cairn::sources {
namespace {

/// Enough of the head to recognise every format (a tar header's magic sits at byte 257).
constexpr std::size_t DetectionSize = 4096;

bool is_cancelled(const CancellationToken* cancel) { return cancel != nullptr && cancel->is_cancelled(); }

void report_read_error(MessageSink& sink, const StreamOrigin& origin, const ByteStream& stream,
                       const Error& error) {
    sink.on_failure(ItemFailure{origin.source_path, stream.position(),
                                fmt::format("reading stopped at byte {}: {}", stream.position(), error.message)});
}

/// Reads until BUFFER holds at least MINIMUM bytes or the stream ends.
Result<void> fill(ByteStream& stream, std::string& buffer, std::size_t minimum) {
    while (buffer.size() < minimum) {
        std::size_t used = buffer.size();
        buffer.resize(std::max(minimum, used + ReadChunkSize / 16));
        Result<std::size_t> count = stream.read(std::span<char>(buffer.data() + used, buffer.size() - used));
        if (!count) {
            buffer.resize(used);
            return std::unexpected(count.error());
        }
        buffer.resize(used + *count);
        if (*count == 0)
            break;
    }
    return {};
}

class MboxToSink final : public mbox::MboxMessageHandler {
public:
    MboxToSink(const StreamOrigin& origin, MessageSink& sink) : m_origin(origin), m_sink(sink) {}

    bool on_mbox_message(mbox::MboxMessage&& message) override {
        // Any mbox Thunderbird wrote carries its flags in X-Mozilla-Status, inside a profile or
        // copied out of one. A message it deleted stays there until the folder is compacted: a
        // profile is archived as Thunderbird shows it, but a loose mbox file is kept whole.
        std::optional<thunderbird::MozillaStatus> status = thunderbird::read_mozilla_status(message.bytes);
        if (status && status->expunged) {
            if (m_origin.in_thunderbird_profile) {
                m_sink.on_skipped(fmt::format("{} at offset {}", m_origin.source_path, message.offset),
                                  "deleted in Thunderbird, not yet compacted away");
                return true;
            }
            status->flags.emplace_back("deleted");
        }
        if (status && status->partial)
            ++m_partial_count;
        RawMessage raw;
        raw.bytes = std::move(message.bytes);
        raw.folder = m_origin.mbox_folder;
        raw.source_path = m_origin.source_path;
        raw.offset = message.offset;
        raw.received_time = mbox::from_line_time(message.from_line);
        if (!raw.received_time)
            raw.received_time = m_origin.received_time;
        raw.flags = (m_origin.flags.empty() && status) ? std::move(status->flags) : m_origin.flags;
        if (!m_sink.on_message(std::move(raw))) {
            m_stopped = true;
            return false;
        }
        return true;
    }

    bool stopped() const { return m_stopped; }

    /// Says once per file how many of its messages Thunderbird downloaded only in part.
    void report_partial_messages() const {
        if (m_partial_count == 0)
            return;
        m_sink.on_warning(m_origin.source_path,
                          fmt::format("{} message{} Thunderbird downloaded only in part (the rest stayed on the "
                                      "server) {} archived as {} {}",
                                      m_partial_count, m_partial_count == 1 ? "" : "s",
                                      m_partial_count == 1 ? "is" : "are", m_partial_count == 1 ? "it" : "they",
                                      m_partial_count == 1 ? "is" : "are"));
    }

private:
    const StreamOrigin& m_origin;
    MessageSink& m_sink;
    bool m_stopped = false;
    std::uint64_t m_partial_count = 0;
};

/// Passes FIRST, then the rest of STREAM in chunks, to CONSUME, which returns Completed to go on
/// or the outcome to stop with. A read error is reported and ends it with ReadError.
template <typename Consume>
StreamOutcome for_each_chunk(ByteStream& stream, std::string first, const StreamOrigin& origin,
                             const CancellationToken* cancel, MessageSink& sink, Consume&& consume) {
    std::string chunk = std::move(first);
    for (;;) {
        if (StreamOutcome outcome = consume(std::string_view(chunk)); outcome != StreamOutcome::Completed)
            return outcome;
        if (is_cancelled(cancel))
            return StreamOutcome::Cancelled;
        chunk.resize(ReadChunkSize);
        Result<std::size_t> count = stream.read(std::span<char>(chunk.data(), chunk.size()));
        if (!count) {
            report_read_error(sink, origin, stream, count.error());
            return StreamOutcome::ReadError;
        }
        if (*count == 0)
            return StreamOutcome::Completed;
        chunk.resize(*count);
    }
}

StreamOutcome read_mbox(ByteStream& stream, std::string head, const StreamOrigin& origin,
                        const CancellationToken* cancel, MessageSink& sink) {
    MboxToSink handler(origin, sink);
    mbox::MboxReader reader(handler);
    // After a read error the message being assembled may be cut short, so it is not passed on.
    StreamOutcome outcome = for_each_chunk(stream, std::move(head), origin, cancel, sink, [&](std::string_view chunk) {
        return reader.feed(chunk) ? StreamOutcome::Completed : StreamOutcome::Stopped;
    });
    if (outcome != StreamOutcome::Completed)
        return outcome;
    if (!reader.finish())
        return StreamOutcome::Stopped;
    handler.report_partial_messages();
    return StreamOutcome::Completed;
}

StreamOutcome emit(MessageSink& sink, const StreamOrigin& origin, std::string bytes,
                   std::vector<std::string> flags) {
    RawMessage raw;
    raw.bytes = std::move(bytes);
    raw.folder = origin.folder;
    raw.source_path = origin.source_path;
    raw.offset = 0;
    raw.received_time = origin.received_time;
    // Flags of the source's own (Maildir info, emlx plist) win; else Thunderbird's headers (its
    // maildir store, a saved message). An expunged single file is kept: Thunderbird's maildir
    // store removes deleted files at once, so one that is left is not waiting for compaction.
    if (flags.empty()) {
        if (std::optional<thunderbird::MozillaStatus> status = thunderbird::read_mozilla_status(raw.bytes)) {
            flags = std::move(status->flags);
            if (status->expunged)
                flags.emplace_back("deleted");
        }
    }
    raw.flags = std::move(flags);
    return sink.on_message(std::move(raw)) ? StreamOutcome::Completed : StreamOutcome::Stopped;
}

/// A temporary file, removed when this goes out of scope.
class SpoolFile {
public:
    SpoolFile() = default;
    SpoolFile(const SpoolFile&) = delete;
    SpoolFile& operator=(const SpoolFile&) = delete;
    ~SpoolFile() {
        if (m_descriptor >= 0)
            ::close(m_descriptor);
        if (!m_path.empty())
            ::unlink(m_path.c_str());
    }

    /// Creates the file; false with errno set when it cannot.
    bool create() {
        std::error_code error;
        std::string pattern = (std::filesystem::temp_directory_path(error) / "cairn-pst-XXXXXX").string();
        if (error)
            pattern = "/tmp/cairn-pst-XXXXXX";
        m_descriptor = ::mkostemp(pattern.data(), O_CLOEXEC);
        if (m_descriptor < 0)
            return false;
        m_path = pattern;
        return true;
    }
    /// Writes all of BYTES; false with errno set when it cannot (disk full).
    bool write(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t written = ::write(m_descriptor, bytes.data(), bytes.size());
            if (written < 0 && errno == EINTR)
                continue;
            if (written <= 0)
                return false;
            bytes.remove_prefix(static_cast<std::size_t>(written));
        }
        return true;
    }
    const std::string& path() const { return m_path; }

private:
    int m_descriptor = -1;
    std::string m_path;
};

#if CAIRN_WITH_PST
StreamOutcome read_pst(ByteStream& stream, std::string head, const StreamOrigin& origin,
                       const CancellationToken* cancel, MessageSink& sink) {
    pst::PstOrigin pst_origin{origin.source_path, origin.mbox_folder};
    std::string file_path = origin.file_path;
    // libpff reads a PST by seeking all over it, so a PST in an archive goes to a temporary file.
    SpoolFile spool;
    if (file_path.empty()) {
        auto spool_failure = [&](int error_number) {
            sink.on_failure(ItemFailure{origin.source_path, stream.position(),
                                        fmt::format("cannot copy the PST/OST file out of the archive to a temporary "
                                                    "file ({}); extract it from the archive and import it directly",
                                                    std::strerror(error_number))});
            return StreamOutcome::Refused;
        };
        if (!spool.create())
            return spool_failure(errno);
        int write_error = 0;
        StreamOutcome outcome = for_each_chunk(stream, std::move(head), origin, cancel, sink, [&](std::string_view chunk) {
            if (spool.write(chunk))
                return StreamOutcome::Completed;
            write_error = errno;
            return StreamOutcome::Refused;
        });
        if (write_error != 0)
            return spool_failure(write_error);
        if (outcome != StreamOutcome::Completed)
            return outcome;
        file_path = spool.path();
    }
    switch (pst::read_pst_file(file_path, pst_origin, cancel, sink)) {
    case pst::PstOutcome::Completed: return StreamOutcome::Completed;
    case pst::PstOutcome::ItemsFailed:
    case pst::PstOutcome::Unreadable: return StreamOutcome::Refused;
    case pst::PstOutcome::Stopped: return StreamOutcome::Stopped;
    case pst::PstOutcome::Cancelled: return StreamOutcome::Cancelled;
    }
    return StreamOutcome::Refused;
}
#else
StreamOutcome read_pst(ByteStream&, std::string, const StreamOrigin& origin, const CancellationToken*,
                       MessageSink& sink) {
    sink.on_failure(ItemFailure{origin.source_path, 0,
                                "this build of Cairn reads no Outlook PST/OST files (built with CAIRN_WITH_PST=OFF); "
                                "rebuild it with libpff, or export the folders from Outlook as .eml or mbox files"});
    return StreamOutcome::Refused;
}
#endif

}  // namespace

StreamOutcome read_mail_stream(ByteStream& stream, const StreamOrigin& origin, ArchivePolicy archive_policy,
                               const CancellationToken* cancel, MessageSink& sink) {
    if (is_cancelled(cancel))
        return StreamOutcome::Cancelled;
    std::string head;
    if (Result<void> filled = fill(stream, head, DetectionSize); !filled) {
        report_read_error(sink, origin, stream, filled.error());
        return StreamOutcome::ReadError;
    }
    ContentDetection detection = detect_content(head, origin.file_name);
    switch (detection.kind) {
    case ContentKind::Empty:
        sink.on_failure(ItemFailure{origin.source_path, 0, "empty file"});
        return StreamOutcome::Refused;
    case ContentKind::NotMail:
        sink.on_failure(ItemFailure{origin.source_path, 0,
                                    fmt::format("not a mail message (looks like {})", detection.description)});
        return StreamOutcome::Refused;
    case ContentKind::Pst:
        return read_pst(stream, std::move(head), origin, cancel, sink);
    case ContentKind::Archive:
        if (archive_policy == ArchivePolicy::Return)
            return StreamOutcome::IsArchive;
        sink.on_failure(ItemFailure{origin.source_path, 0, "an archive inside an archive is not opened; unpack it first"});
        return StreamOutcome::Refused;
    case ContentKind::Mbox:
        return read_mbox(stream, std::move(head), origin, cancel, sink);
    case ContentKind::Emlx:
    case ContentKind::MaybeEmlx:
    case ContentKind::Mail:
        break;
    }

    // One message per file: it is held whole anyway, so read the rest at once.
    std::string data = std::move(head);
    for (;;) {
        if (is_cancelled(cancel))
            return StreamOutcome::Cancelled;
        std::size_t used = data.size();
        data.resize(used + ReadChunkSize);
        Result<std::size_t> count = stream.read(std::span<char>(data.data() + used, ReadChunkSize));
        if (!count) {
            data.resize(used);
            report_read_error(sink, origin, stream, count.error());
            return StreamOutcome::ReadError;
        }
        data.resize(used + *count);
        if (*count == 0)
            break;
    }

    if (detection.kind == ContentKind::Emlx || detection.kind == ContentKind::MaybeEmlx) {
        std::optional<eml::EmlxContent> emlx = eml::parse_emlx(data);
        // Without the .emlx name only the full shape (count, message, plist) makes it an emlx.
        bool is_emlx = emlx && (detection.kind == ContentKind::Emlx || (!emlx->truncated && emlx->has_property_list));
        if (is_emlx) {
            if (emlx->truncated) {
                sink.on_failure(ItemFailure{
                    origin.source_path, data.size(),
                    fmt::format("the .emlx file ends after {} of the {} message bytes its first line announces",
                                emlx->message.size(), emlx->announced_size)});
                return StreamOutcome::Refused;
            }
            std::vector<std::string> flags = emlx->flags.empty() ? origin.flags : emlx->flags;
            return emit(sink, origin, std::string(emlx->message), std::move(flags));
        }
    }
    return emit(sink, origin, std::move(data), origin.flags);
}

}  // namespace cairn::sources
