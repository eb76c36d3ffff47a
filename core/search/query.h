// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

/// The search query language (DESIGN.md §5): what people know from Gmail and notmuch.
/// Deliberately independent of core/base/result.h, so the parser can be fuzzed with clang.
///
/// The language. Keywords and field names are case-insensitive.
/// - `word`            the word in any text column (from, to, cc, bcc, subject, body, attachment
///                     text, file names, Message-ID/List-Id headers). A word runs to the next
///                     space, parenthesis or quote: alice@example.org, foo-bar and v1.2 are one
///                     word each, searched as the phrase of the tokens the index gives them.
/// - `"some words"`    an exact phrase. There is no escape for '"' inside quotes.
/// - `word*`, `"some wo"*`   prefix: the last token is a prefix.
/// - `from:` `to:` `cc:` `bcc:` `subject:` `body:` `attachment:` (attachment text) `filename:`
///   take a word, a "phrase", a prefix* or a group `from:(alice OR bob -carol)`, written
///   directly after the colon. to: is the To header only (cc: and bcc: are separate).
///   A field is recognised only as ASCII letters followed by ':' (not "://"); an unknown one
///   (`form:x`) is an error: quote it ("form:x") to search for the text.
/// - `has:attachment`  messages with at least one attachment (m.attachment_count > 0).
/// - `folder:NAME`, `folder:"Sent Items"`, `folder:INBOX/Work`   the folder whose path is NAME
///   and its sub-folders (NAME/...), matched from the root of the path, whole components only
///   (folder:Work is neither "Workshop" nor "INBOX/Work"); ASCII letters compare without case.
///   Conditions apply to each placement: a message in two folders is a row per folder, so
///   -folder:Work drops its Work placement, not the message.
/// - Dates, each YYYY, YYYY-MM or YYYY-MM-DD ('/' instead of '-' also works), a period that
///   starts at local midnight (QueryOptions::utc_offset_minutes; UTC by default):
///     `before:X`      m.date <  start(X)          before:2019-03-01 is up to 2019-02-28 23:59:59
///     `after:X`       m.date >= start(X)          after:2019-03-01 includes 1 March (as Gmail)
///     `date:X`        start(X) <= m.date < end(X) the whole day, month or year
///     `date:X..Y`     start(X) <= m.date < end(Y) both ends included: date:2019-03..2019-05 is
///                                                 1 March to 31 May; an empty range is an error
///     `date:X..`      m.date >= start(X)          `date:..Y`   m.date < end(Y)
///   where end(X) is the start of the next day, month or year. A message without a date
///   matches no date condition, and so does match its negation (-date:2019).
/// - `larger:N`  m.size > N;  `smaller:N`  m.size < N (strict: a message of exactly 10240 bytes
///   is neither larger:10K nor smaller:10K). N is bytes, or with K, M, G (powers of 1024), an
///   optional B: 500, 10K, 2M, 1G, 10KB.
/// - `a b` and `a AND b`, `a OR b`, `NOT a` and `-a`, `( ... )`. Precedence NOT > AND > OR, so
///   `a b OR c` is `(a b) OR c`. '-' negates only at the start of a term (foo-bar is a word);
///   `-or` excludes the word "or". A query of negations only matches everything else.
/// Errors (QuerySyntaxError, never an empty result): unbalanced parentheses, unknown fields,
/// fields without a value, bad dates and sizes, operators without operands, unterminated
/// quotes, terms with no letters or digits ("@", a lone "-", which would match nothing), more
/// than 20 levels of parentheses and NOT (SQLite's parser cannot take much more), queries longer
/// than 10,000 bytes.
namespace cairn::search {

/// Where and why a query could not be read: `position` is a byte offset into the query.
struct QuerySyntaxError {
    std::size_t position = 0;
    std::string message;  ///< e.g. "missing closing parenthesis for the one at 7"
};

using SqlValue = std::variant<std::int64_t, std::string>;

/// A query compiled against the index schema (see core/search/index_schema.h):
/// `condition` is an SQL boolean expression over the aliases `m` (catalog.messages: m.id,
/// m.date, m.size, m.attachment_count) and `f` (catalog.folders: f.path), in which each
/// full-text part appears as `m.id IN (SELECT message_id FROM document_texts WHERE key IN
/// (SELECT rowid FROM documents WHERE documents MATCH ?)))`; `parameters` bind its `?` in order.
struct CompiledQuery {
    std::string condition;
    std::vector<SqlValue> parameters;
    /// The positive full-text terms AND-ed, for ranking and snippets (empty when there are none).
    /// Precisely: an FTS5 expression that every hit satisfies, built from the terms not under a
    /// NOT; an AND keeps its operands' expressions, an OR only when every operand has one
    /// (`(foo OR larger:1M) bar` gives "bar"). So it can drive a relevance-sorted query with an
    /// inner join without losing hits.
    std::string relevance_match;
    /// The condition tests a folder (`f.path`), so it is about placements, not messages.
    bool uses_folder = false;
    /// The whole query is full text: the condition says no more than `relevance_match`.
    bool condition_is_relevance_match = false;
    /// For a search driven by the full-text index: `driving_match ∧ residual_condition` is
    /// exactly `condition`. The MATCH takes every full-text term it can (the relevance terms and
    /// the negated terms of a top-level AND), so the residual SQL keeps only what it cannot: a
    /// query like `kernel after:2020` then evaluates its text once, not also as an IN list.
    /// Empty driving_match when the query has no relevance terms (searched from the catalog).
    std::string driving_match;
    std::string residual_condition = "1";
    std::vector<SqlValue> residual_parameters;
    bool residual_uses_folder = false;
    /// The condition, and the residual, test full text in a MATCH subquery (a negated word
    /// beside catalog conditions, text under an OR with them): a pass over the whole index,
    /// which a bounded count of candidates would pay once more.
    bool condition_has_match = false;
    bool residual_has_match = false;
    /// The date conditions of that top-level AND, left out of residual_condition: the index
    /// keys its documents by date (core/search/document_key.h), so it tests them as a range of
    /// keys, which FTS5 applies while it reads the matches. `driving_dated` says there is at
    /// least one (which also excludes undated messages); the bounds are their intersection,
    /// start(X) <= m.date < end(Y) as for date:X..Y.
    bool driving_dated = false;
    std::optional<std::int64_t> driving_date_from;
    std::optional<std::int64_t> driving_date_until;
    /// Some term is a prefix (`init*`) left to FTS5, which expands it over the whole index for
    /// every MATCH it evaluates, whatever the rowid range: per-hit lookups (snippets) are better
    /// done in one statement, and a count in slices pays the expansion once per slice.
    bool has_prefix_terms = false;
    /// How many terms the query's prefixes became (QueryOptions::prefix_expansions). A MATCH
    /// starts a reader in every index segment for each of them, which per-hit lookups would pay
    /// once per hit, and a count in slices once per slice.
    std::size_t expanded_prefix_terms = 0;
};

struct QueryOptions {
    /// Relative dates ("today" is not in the language yet) and 2-digit years need no clock; this
    /// only fixes the time zone for YYYY, YYYY-MM and YYYY-MM-DD: days begin at 00:00 UTC.
    int utc_offset_minutes = 0;
    /// For prefix terms, by their text without the `*` ("init" for `init*`): the index's terms
    /// that begin with it, which the MATCH then names instead of the prefix (SearchIndex says
    /// why). A prefix not listed here is left to FTS5.
    std::map<std::string, std::vector<std::string>, std::less<>> prefix_expansions;
};

/// Parses and compiles a query. An empty query (or only spaces) matches everything (condition
/// "1"). The full-text parts of the condition, one MATCH for each largest purely full-text part
/// of the query, need the index opened as `documents` on the connection; every ? is bound.
/// Thread-safe; no limits beyond those above; never throws except std::bad_alloc.
/// The texts of QUERY's prefix terms without the `*` (`subject:init*` gives "init"), each once,
/// for QueryOptions::prefix_expansions; none when the query cannot be read.
std::vector<std::string> query_prefixes(std::string_view query, const QueryOptions& options = {});

std::variant<CompiledQuery, QuerySyntaxError> compile_query(std::string_view query, const QueryOptions& options = {});

// For front ends that build a query from controls (a folder tree, quick filters): what they
// search is then a query the person could have typed, and they show it so it can be learnt.

/// VALUE written as one term of the language: as it is when it reads back as that one plain
/// word, else as a "phrase" (spaces, parentheses, a ':' or '*', a leading '-', the words AND,
/// OR and NOT). The language has no escape for '"': one inside VALUE becomes a space.
std::string quote_query_value(std::string_view value);

/// The CONDITIONS (query texts) AND-ed in order, empty ones left out. A condition with an OR
/// is put in parentheses, so `a OR b` joined with `c` stays `(a OR b) c`, not `a OR (b c)`.
std::string join_query_conditions(const std::vector<std::string>& conditions);

}  // namespace cairn::search
