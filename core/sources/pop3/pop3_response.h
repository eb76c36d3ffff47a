// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// No core/base/result.h here (nor anything including it): the fuzz target compiles this file
// with clang 14, which cannot compile <expected>. Errors are a small struct of their own.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

/// POP3 (RFC 1939, 2449, 5034) server response syntax, for the POP3 client: status lines and the
/// dot-stuffed multi-line responses of CAPA, UIDL, LIST and RETR.
namespace cairn::sources::pop3 {

/// Bounds that turn a broken or hostile server into an error instead of memory exhaustion.
struct ResponseLimits {
    std::size_t max_status_line_bytes = 64 * 1024;                ///< RFC 2449 allows 512; servers ramble
    std::uint64_t max_multi_line_bytes = std::uint64_t{1} << 30;  ///< 1 GiB: one message
};

struct ResponseError {
    std::string message;
};

enum class StatusKind {
    Ok,            ///< "+OK ..."
    Error,         ///< "-ERR ..."
    Continuation,  ///< "+ ..." the server waits for the next SASL response (RFC 5034)
};

struct StatusLine {
    StatusKind kind = StatusKind::Error;
    /// The RFC 2449 extended response code without brackets ("IN-USE", "AUTH", "SYS/TEMP"),
    /// upper-cased; empty when there is none. Not parsed for continuations.
    std::string code;
    /// What follows the indicator (and the code), without the line end. For a continuation:
    /// the base64 challenge.
    std::string text;
};

/// Parses one status line (with or without its CRLF or LF).
std::optional<ResponseError> parse_status_line(std::string_view line, StatusLine& status,
                                               const ResponseLimits& limits = {});

/// Decodes the body of a multi-line response (RFC 1939 §3): lines arrive one at a time or in
/// arbitrary chunks; a line that starts with "." loses that first dot ("..x" is ".x", a lone
/// "." of the message arrives as ".."), and a line that is only "." ends the response. Every
/// other byte, line ends included, is kept exactly as sent: CRLF stays CRLF, and a bare LF
/// (which a conforming server does not send) stays a bare LF.
class MultiLineDecoder {
public:
    enum class State {
        InProgress,
        Complete,  ///< the terminating line was seen; content() is the whole body
        Failed,    ///< see problem(); further input is ignored
    };

    explicit MultiLineDecoder(const ResponseLimits& limits = {}) : m_limits(limits) {}

    /// Adds one whole line including its line end (as net::Connection::read_line gives it).
    /// A line without a final LF is an error: lines are only ever cut at LF.
    State add_line(std::string_view line);
    /// Adds arbitrary bytes, as they come off the network. Returns how many were used: it
    /// stops right after the terminating line, so the bytes of a pipelined next response are
    /// left to the caller. A line split across calls is held until its LF arrives.
    std::size_t feed(std::string_view bytes);

    State state() const { return m_state; }
    const std::string& problem() const { return m_problem; }
    const std::string& content() const { return m_content; }
    /// Moves the decoded body out (the decoder is then empty but keeps its state).
    std::string take_content() { return std::move(m_content); }

private:
    State fail(std::string problem);

    ResponseLimits m_limits;
    State m_state = State::InProgress;
    std::string m_content;
    std::string m_partial_line;  ///< feed(): the start of a line whose LF has not come yet
    std::string m_problem;
};

/// One line of a UIDL listing, "1 whqtswO00WBw418f9t5JxYwZ", or the "+OK 1 whqtsw..." answer
/// of "UIDL 1" without its "+OK ".
struct UniqueIdLine {
    std::uint32_t number = 0;
    std::string unique_id;
};
/// Leading and trailing line ends and spaces are ignored. RFC 1939 unique ids are 1 to 70
/// characters from 0x21 to 0x7E; longer ones (up to 512) are accepted, since some servers
/// exceed the limit and an id is only compared.
std::optional<UniqueIdLine> parse_unique_id_line(std::string_view line);

/// One line of a LIST listing, "2 200", or the "+OK 2 320" of STAT (count and total size).
struct NumberAndSize {
    std::uint32_t number = 0;
    std::uint64_t size = 0;
};
/// Ignores text after the two numbers (RFC 1939 allows it).
std::optional<NumberAndSize> parse_number_and_size(std::string_view line);

}  // namespace cairn::sources::pop3
