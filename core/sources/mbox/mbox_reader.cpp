// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/mbox/mbox_reader.h"

#include <cstring>
#include <utility>

#include "core/sources/mbox/from_line.h"

namespace cairn::sources::mbox {
namespace {

constexpr std::string_view FromPrefix = "From ";
constexpr std::string_view ByteOrderMark = "\xEF\xBB\xBF";

std::string_view without_line_break(std::string_view line) {
    if (line.ends_with('\n'))
        line.remove_suffix(1);
    return line;
}

bool is_blank(std::string_view content) { return content.empty() || content == "\r"; }

/// The line starting at POSITION including its '\n', or npos when CHUNK has no more '\n'.
std::size_t find_line_end(std::string_view chunk, std::size_t position) {
    const void* newline = std::memchr(chunk.data() + position, '\n', chunk.size() - position);
    if (newline == nullptr)
        return std::string_view::npos;
    return static_cast<std::size_t>(static_cast<const char*>(newline) - chunk.data()) + 1;
}

}  // namespace

bool MboxReader::feed(std::string_view chunk) {
    if (m_stopped)
        return false;
    if (m_finished || chunk.empty())
        return true;
    const std::uint64_t chunk_offset = m_stream_offset;
    m_stream_offset += chunk.size();
    std::size_t position = 0;

    // A line begun in an earlier chunk, and the stream's first line (so the BOM and the first
    // From_ line are always seen whole), are completed in m_carry and handled on their own.
    if (!m_carry.empty() || !m_have_message) {
        if (m_carry.empty())
            m_carry_offset = chunk_offset;
        std::size_t line_end = find_line_end(chunk, 0);
        if (line_end == std::string_view::npos) {
            m_carry.append(chunk);
            return true;
        }
        m_carry.append(chunk.substr(0, line_end));
        std::string line = std::exchange(m_carry, std::string());
        if (!handle_special_line(line, m_carry_offset))
            return false;
        position = line_end;
    }

    // The hot loop: ordinary body lines are not copied one by one; the run of them since
    // segment_begin is appended to m_body in one go when something happens.
    std::size_t segment_begin = position;
    for (;;) {
        std::size_t line_end = find_line_end(chunk, position);
        if (line_end == std::string_view::npos)
            break;
        std::string_view line = chunk.substr(position, line_end - position);
        if (m_have_candidate || (m_previous_blank && line.starts_with(FromPrefix))) {
            m_body.append(chunk.substr(segment_begin, position - segment_begin));
            if (!handle_special_line(line, chunk_offset + position))
                return false;
            segment_begin = line_end;
        } else {
            m_previous_blank = line.size() == 1 || (line.size() == 2 && line[0] == '\r');
        }
        position = line_end;
    }
    m_body.append(chunk.substr(segment_begin, position - segment_begin));
    if (position < chunk.size()) {
        m_carry_offset = chunk_offset + position;
        m_carry.assign(chunk.substr(position));
    }
    return true;
}

bool MboxReader::finish() {
    if (m_stopped)
        return false;
    if (m_finished)
        return true;
    if (!m_carry.empty()) {
        std::string line = std::exchange(m_carry, std::string());
        if (!handle_special_line(line, m_carry_offset))
            return false;
    }
    m_finished = true;
    // A candidate on the last line has no header line after it, so it stays in the body.
    m_have_candidate = false;
    if (!m_have_message)
        return true;
    return emit_current(true);
}

bool MboxReader::handle_special_line(std::string_view line, std::uint64_t line_offset) {
    std::string_view content = without_line_break(line);
    if (!m_have_message) {
        if (content.starts_with(ByteOrderMark)) {
            content.remove_prefix(ByteOrderMark.size());
            line_offset += ByteOrderMark.size();
        }
        start_message(content, line_offset);
        return true;
    }
    if (m_have_candidate) {
        m_have_candidate = false;
        if (is_header_line(content)) {
            std::string from_line(without_line_break(std::string_view(m_body).substr(m_candidate_position)));
            m_body.resize(m_candidate_position);
            if (!emit_current(false))
                return false;
            start_message(from_line, m_candidate_offset);
        }
        // This line follows a From line, which is not blank, so it is an ordinary body line.
        m_body.append(line);
        m_previous_blank = is_blank(content);
        return true;
    }
    if (m_previous_blank && content.starts_with(FromPrefix)) {
        if (is_separator_line(content)) {
            if (!emit_current(false))
                return false;
            start_message(content, line_offset);
            return true;
        }
        // Decided by the next line; until then it belongs to the current body.
        m_have_candidate = true;
        m_candidate_position = m_body.size();
        m_candidate_offset = line_offset;
        m_body.append(line);
        m_previous_blank = false;
        return true;
    }
    m_body.append(line);
    m_previous_blank = is_blank(content);
    return true;
}

void MboxReader::start_message(std::string_view from_line, std::uint64_t offset) {
    if (from_line.ends_with('\r'))
        from_line.remove_suffix(1);
    m_from_line.assign(from_line);
    m_message_offset = offset;
    m_have_message = true;
    m_previous_blank = false;
    m_body.clear();
}

bool MboxReader::emit_current(bool is_last) {
    MboxMessage message;
    message.bytes = std::exchange(m_body, std::string());
    if (!is_last) {
        // The body ends with the blank line before the separator: its '\n', and the '\n' of the
        // line before it, belong to the mbox format, not to the message. A CRLF blank line leaves
        // its '\r', exactly as the acceptance oracle does.
        if (message.bytes.ends_with('\n'))
            message.bytes.pop_back();
        if (message.bytes.ends_with('\n'))
            message.bytes.pop_back();
    }
    message.offset = m_message_offset;
    message.from_line = std::move(m_from_line);
    m_from_line.clear();
    ++m_message_count;
    if (!m_handler.on_mbox_message(std::move(message))) {
        m_stopped = true;
        return false;
    }
    return true;
}

}  // namespace cairn::sources::mbox
