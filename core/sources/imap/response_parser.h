// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// No core/base/result.h here (nor anything including it): the fuzz target compiles this file
// with clang 14, which cannot compile <expected>. Errors are a small struct of their own.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// IMAP4rev1 (RFC 3501) server response syntax, for the IMAP client.
namespace cairn::sources::imap {

/// Bounds that turn hostile or broken input into an error instead of memory exhaustion or
/// stack overflow.
struct ParserLimits {
    std::uint64_t max_literal_bytes = std::uint64_t{1} << 30;  ///< 1 GiB
    std::size_t max_line_bytes = 64 * 1024 * 1024;             ///< one line between literals
    std::size_t max_nesting_depth = 64;                       ///< parentheses and brackets
};

struct ParseError {
    std::string message;
    std::size_t offset = 0;  ///< into the response's bytes
};

/// One data item of a response.
struct Value {
    enum class Kind {
        Atom,    ///< also numbers, flags (\Seen) and fetch item names (BODY[HEADER]<0>)
        String,  ///< quoted string (unescaped) or literal (exact bytes)
        Nil,
        List,    ///< parenthesised list
    };
    Kind kind = Kind::Nil;
    std::string text;             ///< Atom and String
    std::vector<Value> children;  ///< List

    bool is_atom() const { return kind == Kind::Atom; }
    bool is_string() const { return kind == Kind::String; }
    bool is_nil() const { return kind == Kind::Nil; }
    bool is_list() const { return kind == Kind::List; }
    /// Atom or String: an astring/nstring as text. Empty for NIL.
    std::string_view string() const { return text; }
    /// An atom made only of digits that fits 64 bits.
    std::optional<std::uint64_t> number() const;
    /// Case-insensitive comparison of an atom's text.
    bool is_atom(std::string_view name) const;
};

enum class ResponseKind {
    Tagged,        ///< "A1 OK ..." completes a command
    Untagged,      ///< "* ..." data or status
    Continuation,  ///< "+ ..." the server waits for more of the command
};

/// A response code in brackets: [UIDVALIDITY 3857529045], [READ-ONLY], [CAPABILITY IMAP4rev1 ...].
struct ResponseCode {
    std::string name;  ///< upper-cased; empty when the response has none
    std::vector<Value> arguments;
};

/// One complete response: a line, with its literals inlined into values.
struct Response {
    ResponseKind kind = ResponseKind::Untagged;
    std::string tag;  ///< Tagged only
    /// Upper-cased: OK NO BAD PREAUTH BYE for status responses; for data responses the
    /// keyword: CAPABILITY LIST LSUB SEARCH FLAGS EXISTS RECENT EXPUNGE FETCH NAMESPACE STATUS...
    std::string keyword;
    /// The number of "* 23 EXISTS", "* 5 FETCH (...)", "* 3 EXPUNGE".
    std::optional<std::uint64_t> number;
    ResponseCode code;    ///< status responses
    std::string text;     ///< status responses: the human-readable rest; Continuation: its text
    std::vector<Value> data;  ///< data responses: the items after the keyword

    bool is_status() const;
};

/// Parses one complete response (as framed by ResponseFramer or by reading a line and its
/// literals): the bytes from the tag to the final CRLF. Returns nullopt on success.
std::optional<ParseError> parse_response(std::string_view bytes, Response& out, const ParserLimits& limits = {});

/// If LINE (ending with CRLF or LF) ends with a literal announcement {n} or ~{n} (or the
/// non-synchronising {n+}), its size. ERROR is set when the size is above the limit.
/// FIRST_LINE says LINE starts a response: a status response's or continuation's free text
/// cannot hold a literal, so "A1 NO quota is {5}" announces none.
std::optional<std::uint64_t> literal_size_at_line_end(std::string_view line, bool first_line,
                                                      const ParserLimits& limits, std::optional<ParseError>& error);

/// Splits a byte stream into complete responses, for input that arrives in arbitrary pieces.
/// Work is linear in the input: each byte is scanned once and the buffer compacted lazily.
class ResponseFramer {
public:
    explicit ResponseFramer(ParserLimits limits = {}) : m_limits(limits) {}
    void feed(std::string_view bytes);
    /// The next complete response's bytes, or nullopt when more input is needed. After an error
    /// the framer stays failed (the stream cannot be resynchronised).
    std::optional<std::string> next_frame();
    const std::optional<ParseError>& error() const { return m_error; }

private:
    ParserLimits m_limits;
    std::string m_buffer;
    std::size_t m_frame_start = 0;
    std::size_t m_scan = 0;        ///< where to resume looking for a line end
    std::size_t m_line_start = 0;  ///< start of the line being scanned
    std::uint64_t m_literal_left = 0;  ///< literal bytes still to skip before scanning again
    std::optional<ParseError> m_error;
};

/// The attributes of one FETCH response, in whatever order the server sent them.
struct FetchAttributes {
    std::optional<std::uint32_t> uid;
    std::optional<std::vector<std::string>> flags;
    std::optional<std::string> internal_date;  ///< as sent: "17-Jul-1996 02:44:25 -0700"
    std::optional<std::uint64_t> size;          ///< RFC822.SIZE
    std::optional<std::string> body;            ///< BODY[] (the whole message)
    bool body_was_nil = false;                  ///< BODY[] NIL: the server could not give it
    std::optional<std::uint64_t> gmail_message_id;
    std::optional<std::vector<std::string>> gmail_labels;
};

/// Reads the attribute list of "* n FETCH (...)". Moves the body out of RESPONSE (no copy).
/// Unknown attributes are skipped.
std::optional<ParseError> parse_fetch_attributes(Response& response, FetchAttributes& out);

/// "17-Jul-1996 02:44:25 -0700" -> seconds since the epoch (UTC); also a leading space for
/// single-digit days. nullopt when malformed.
std::optional<std::int64_t> parse_internal_date(std::string_view text);

/// Ascii upper-casing for keywords.
std::string to_upper_ascii(std::string_view text);

}  // namespace cairn::sources::imap
