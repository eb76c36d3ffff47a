// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/base/result.h"
#include "core/db/database.h"

namespace cairn::db {

/// Collects the distinct tokens the tokenizer gives FTS5 for documents while it is recording:
/// the search index keeps the vocabulary of its documents, so that a prefix (`init*`) can be
/// expanded into its terms (SearchIndex explains why). Tokens FTS5 asks for to delete a
/// document or to run a query are not recorded.
class TokenRecorder {
public:
    void set_recording(bool recording) noexcept { m_recording = recording; }
    bool recording() const noexcept { return m_recording; }
    void record(std::string_view token);
    /// The distinct tokens recorded since the last call, sorted; the recorder is empty after it.
    std::vector<std::string> take_sorted();
    std::size_t size() const noexcept { return m_tokens.size(); }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
    };
    std::unordered_set<std::string, Hash, std::equal_to<>> m_tokens;
    bool m_recording = false;
};

/// Registers the FTS5 tokenizer "cairn" on this connection (use `tokenize='cairn'` in the
/// CREATE VIRTUAL TABLE, and register it on every connection that queries the table).
///
/// What it does, so that people find what they typed:
/// - words are runs of letters, digits and connector marks (Unicode-aware, via ICU); everything
///   else separates words, so "alice@example.org" gives alice, example, org;
/// - case is folded and accents removed (NFKD, combining marks dropped): "Résumé" -> "resume";
/// - Chinese, Japanese and Korean text (Han, Hiragana, Katakana, Hangul), which has no spaces,
///   is indexed as overlapping character bigrams ("東京都" -> 東京, 京都), and a lone CJK
///   character as itself, so that a 2-character word like 会議 is found inside 東京都の会議; a
///   query for a longer CJK word becomes the phrase of its bigrams;
/// - tokens are capped in length (longer runs are cut), so hostile input cannot bloat the index.
/// With a RECORDER, the tokens of documents are given to it as well while it is recording; it
/// must outlive the connection.
Result<void> register_text_tokenizer(Database& database, TokenRecorder* recorder = nullptr);

/// The tokens the tokenizer produces for `text`, in order (for tests and diagnostics).
std::vector<std::string> tokenize_for_search(std::string_view text);

/// Receives each token with its byte range [start, end) in the text; returns false to stop.
using TokenVisitor = std::function<bool(std::string_view token, std::size_t start, std::size_t end)>;

/// Gives VISITOR the tokens of TEXT in order, exactly those (and so the positions) FTS5 indexes,
/// until VISITOR returns false: a snippet needs the tokens up to its window, not the whole text.
void visit_tokens(std::string_view text, const TokenVisitor& visitor);

}  // namespace cairn::db
