// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/search/query.h"

/// Internal to core/search: the parsed query, between the parser and the SQL compiler.
namespace cairn::search::detail {

/// Beyond this many levels of parentheses and NOT, a query is refused. It bounds the parser's
/// and the compiler's recursion, and above all the nesting of the SQL: SQLite's own parser has
/// a fixed stack that about 25 nested parenthesised levels overflow ("parser stack overflow"),
/// and each level of the query can cost one. The end-to-end tests run the worst cases.
inline constexpr int MaxNestingDepth = 20;
/// Longer queries are refused before anything else is done with them.
inline constexpr std::size_t MaxQueryLength = 10'000;

enum class NodeKind {
    MatchAll,       ///< the empty query
    Text,           ///< a word, phrase or prefix, in all text columns or in `columns`
    HasAttachment,  ///< has:attachment
    Folder,         ///< folder:`text`, with its sub-folders
    Date,           ///< `date_from` <= m.date < `date_until`, either bound may be absent
    Size,           ///< m.size > `bytes` (larger:) or m.size < `bytes` (smaller:)
    And,
    Or,
    Not,
};

enum class SizeComparison { Larger, Smaller };

struct Node {
    NodeKind kind = NodeKind::MatchAll;
    std::size_t position = 0;  ///< where the node starts in the query, for messages

    // Text: the user's text (never empty), a trailing '*' as `prefix`, and the FTS5 columns to
    // search, space-separated ("sender"), or empty for all of them. Folder: the folder path.
    std::string text;
    bool prefix = false;
    std::string_view columns;

    // Date: seconds since the epoch, UTC.
    std::optional<std::int64_t> date_from;
    std::optional<std::int64_t> date_until;

    // Size
    SizeComparison size_comparison = SizeComparison::Larger;
    std::int64_t bytes = 0;

    // And, Or (two or more children), Not (one).
    std::vector<std::unique_ptr<Node>> children;
};

using NodePointer = std::unique_ptr<Node>;

/// Parses a query (already checked against MaxQueryLength) into a tree; an empty query gives
/// a MatchAll node.
std::variant<NodePointer, QuerySyntaxError> parse_query(std::string_view query, const QueryOptions& options);

/// A date value as the query language reads it (YYYY, YYYY-MM, YYYY-MM-DD, '/' also allowed):
/// the first second of the period and the first second after it, local midnight at
/// `utc_offset_minutes` east of UTC. nullopt when it is not such a date.
struct DatePeriod {
    std::int64_t start = 0;
    std::int64_t end = 0;
};
std::optional<DatePeriod> parse_date_period(std::string_view text, int utc_offset_minutes, std::string* problem);

/// 10K, 2M, 1G (K = 1024), 10KB, or plain bytes; nullopt when malformed or too large.
std::optional<std::int64_t> parse_size(std::string_view text);

}  // namespace cairn::search::detail
