// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::sources::mbox {

/// One message split out of an mbox stream.
struct MboxMessage {
    /// The bytes after the From_ line up to the next separator, minus the line break the mbox
    /// format puts before that separator (for the last message: up to the end of the stream).
    std::string bytes;
    /// Offset of the From_ line in the stream (a leading UTF-8 byte order mark counts).
    std::uint64_t offset = 0;
    /// The From_ line without its line break.
    std::string from_line;
};

/// Receives messages from an MboxReader; return false to stop splitting.
class MboxMessageHandler {
public:
    virtual ~MboxMessageHandler() = default;
    virtual bool on_mbox_message(MboxMessage&& message) = 0;
};

/// Splits an mbox stream into messages, fed chunk by chunk, so it behaves the same on a file, a
/// pipe or a member of a compressed archive. The first line (after an optional UTF-8 BOM) is
/// always a From_ line. Later, a `From ` line starts a message only after a blank line (`\n` or
/// `\r\n`), and only if it has the strict separator shape (is_separator_line) or the next line is a
/// header line; unescaped `From ` lines in bodies therefore stay in the body. Bytes are kept
/// exactly (`>From ` quoting, CRLF, NUL, 8-bit).
///
/// Memory: holds the message being assembled plus one partial line; nothing else.
/// Not thread-safe; one reader per stream.
class MboxReader {
public:
    explicit MboxReader(MboxMessageHandler& handler) : m_handler(handler) {}

    /// Feeds the next bytes of the stream. Returns false once the handler has asked to stop
    /// (later calls do nothing).
    bool feed(std::string_view chunk);
    /// Ends the stream: emits the last message. Returns false if the handler asked to stop.
    bool finish();

    /// Bytes fed so far.
    std::uint64_t bytes_fed() const { return m_stream_offset; }
    /// Messages emitted so far.
    std::uint64_t message_count() const { return m_message_count; }

private:
    /// Handles one complete line that may start or decide a message (LINE includes its '\n'
    /// unless it is the stream's unterminated last line), starting at stream offset LINE_OFFSET,
    /// and appends it to m_body when it is body text.
    bool handle_special_line(std::string_view line, std::uint64_t line_offset);
    bool emit_current(bool is_last);
    void start_message(std::string_view from_line_with_break, std::uint64_t offset);

    MboxMessageHandler& m_handler;
    std::string m_body;             ///< bytes of the current message after its From_ line
    std::string m_from_line;        ///< current message's From_ line, without line break
    std::uint64_t m_message_offset = 0;
    bool m_have_message = false;
    std::string m_carry;            ///< an incomplete line from the previous chunk
    std::uint64_t m_carry_offset = 0;
    std::uint64_t m_stream_offset = 0;
    std::uint64_t m_message_count = 0;
    bool m_previous_blank = true;
    /// A `From ` line after a blank line that is a separator only if the next line is a header;
    /// it already sits in m_body at m_candidate_position.
    bool m_have_candidate = false;
    std::size_t m_candidate_position = 0;
    std::uint64_t m_candidate_offset = 0;
    bool m_stopped = false;
    bool m_finished = false;
};

}  // namespace cairn::sources::mbox
