// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/db/database.h"

namespace cairn::db {

struct SnippetFunction {
    std::string name;  ///< called as NAME(table) in a query with a MATCH on that table
    /// Column numbers, most telling first: the snippet comes from the first that has a match.
    std::vector<int> column_preference;
    int tokens = 16;  ///< at most this many tokens of text
    /// When not empty, also registered under this name: the number of the column the snippet
    /// comes from (NULL for a table without columns), so a caller can say where the match is.
    std::string column_function_name;
};

/// Registers an FTS5 auxiliary function that gives a one-line excerpt of the matched row around
/// its best matches, each match between char(2) and char(3), '…' where text is left out.
/// The table must use the "cairn" tokenizer (register_text_tokenizer).
///
/// Why not FTS5's snippet(): to pick its window it tokenizes every column of the row in full,
/// so a hit with a 1 MB attachment costs milliseconds, and fifty of them a second or two. This
/// one takes the matches' positions from the index (xInst), picks the window from those alone,
/// and tokenizes the chosen column only up to the end of the window.
Result<void> register_snippet_function(Database& database, const SnippetFunction& function);

}  // namespace cairn::db
