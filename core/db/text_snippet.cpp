// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/db/text_snippet.h"

#include <algorithm>
#include <cstddef>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/fts5.h"
#include "core/db/text_tokenizer.h"

namespace cairn::db {
namespace {

// Tokens of context shown before the first match of the window.
constexpr int LeadingTokens = 3;
// Windows considered: one starting at each of the column's first matches.
constexpr std::size_t WindowCandidates = 256;

struct Match {
    int phrase = 0;
    int first_token = 0;
    int token_count = 1;
};

struct ByteRange {
    std::size_t start = 0;
    std::size_t end = 0;
};

bool is_space(char character) {
    return character == ' ' || character == '\t' || character == '\n' || character == '\r' || character == '\f' ||
           character == '\v';
}

/// TEXT with every run of white space as one space: a snippet is one line.
void append_one_line(std::string& out, std::string_view text) {
    for (char character : text) {
        if (is_space(character)) {
            if (out.empty() || out.back() != ' ')
                out += ' ';
        } else {
            out += character;
        }
    }
}

/// The first token of the window with the most distinct phrases, then the most matches.
int choose_window(const std::vector<Match>& matches, int window_tokens) {
    int best_start = 0;
    long best_score = -1;
    const std::size_t candidates = std::min(matches.size(), WindowCandidates);
    for (std::size_t candidate = 0; candidate < candidates; ++candidate) {
        const int start = std::max(0, matches[candidate].first_token - LeadingTokens);
        const int end = start + window_tokens;
        std::vector<int> phrases;
        long covered = 0;
        auto first = std::lower_bound(matches.begin(), matches.end(), start,
                                      [](const Match& match, int token) { return match.first_token < token; });
        for (auto match = first; match != matches.end() && match->first_token < end; ++match) {
            if (match->first_token + match->token_count > end)
                continue;
            ++covered;
            if (std::find(phrases.begin(), phrases.end(), match->phrase) == phrases.end())
                phrases.push_back(match->phrase);
        }
        const long score = static_cast<long>(phrases.size()) * 1000 + covered;
        if (score > best_score) {
            best_score = score;
            best_start = start;
        }
    }
    return best_start;
}

/// The snippet of TEXT for the window [window_start, window_start + window_tokens) with
/// MATCHES (sorted by position) marked.
std::string build_snippet(std::string_view text, int window_start, int window_tokens,
                          const std::vector<Match>& matches) {
    const int window_end = window_start + window_tokens;
    std::vector<ByteRange> tokens;  // of the window, in order
    bool more_after = false;
    int index = 0;
    visit_tokens(text, [&](std::string_view, std::size_t start, std::size_t end) {
        if (index >= window_end) {
            more_after = true;
            return false;
        }
        if (index >= window_start)
            tokens.push_back({start, end});
        ++index;
        return true;
    });
    if (tokens.empty())
        return {};

    // Byte spans to mark: a phrase is one span, and overlapping spans (CJK bigrams) merge.
    std::vector<ByteRange> marked;
    for (const Match& match : matches) {
        const int first = match.first_token - window_start;
        if (first < 0 || first >= static_cast<int>(tokens.size()))
            continue;
        const int last = std::min<int>(first + match.token_count, static_cast<int>(tokens.size())) - 1;
        ByteRange span{tokens[static_cast<std::size_t>(first)].start, tokens[static_cast<std::size_t>(last)].end};
        if (!marked.empty() && span.start <= marked.back().end)
            marked.back().end = std::max(marked.back().end, span.end);
        else
            marked.push_back(span);
    }

    std::string snippet;
    if (window_start > 0)
        snippet += "…";
    std::size_t cursor = tokens.front().start;
    for (const ByteRange& span : marked) {
        append_one_line(snippet, text.substr(cursor, span.start - cursor));
        snippet += '\x02';
        append_one_line(snippet, text.substr(span.start, span.end - span.start));
        snippet += '\x03';
        cursor = span.end;
    }
    if (tokens.back().end > cursor)
        append_one_line(snippet, text.substr(cursor, tokens.back().end - cursor));
    if (more_after)
        snippet += "…";
    return snippet;
}

/// The matches of the current row, per column; an SQLite status other than SQLITE_OK on failure.
int collect_matches(const Fts5ExtensionApi* api, Fts5Context* fts, std::vector<std::vector<Match>>& by_column) {
    const int column_count = api->xColumnCount(fts);
    by_column.assign(static_cast<std::size_t>(std::max(column_count, 0)), {});
    int instance_count = 0;
    if (int status = api->xInstCount(fts, &instance_count); status != SQLITE_OK)
        return status;
    for (int instance = 0; instance < instance_count; ++instance) {
        int phrase = 0, column = 0, offset = 0;
        if (int status = api->xInst(fts, instance, &phrase, &column, &offset); status != SQLITE_OK)
            return status;
        if (column >= 0 && column < column_count)
            by_column[static_cast<std::size_t>(column)].push_back(
                {phrase, offset, std::max(1, api->xPhraseSize(fts, phrase))});
    }
    return SQLITE_OK;
}

/// The column the snippet comes from: the most telling one with a match. Without matches (not
/// expected: every row satisfies the MATCH) the first column of the preference.
std::optional<int> snippet_column(const SnippetFunction& function, const std::vector<std::vector<Match>>& by_column) {
    const int column_count = static_cast<int>(by_column.size());
    std::optional<int> column;
    for (int candidate : function.column_preference) {
        if (candidate < 0 || candidate >= column_count)
            continue;
        if (!column)
            column = candidate;
        if (!by_column[static_cast<std::size_t>(candidate)].empty())
            return candidate;
    }
    return column;
}

/// Runs BODY with the function's settings and the row's matches per column, telling SQLite of
/// any failure: nothing may unwind into SQLite's C frames.
template <class Body>
void with_matches(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, const Body& body) {
    try {
        std::vector<std::vector<Match>> by_column;
        if (int status = collect_matches(api, fts, by_column); status != SQLITE_OK) {
            sqlite3_result_error_code(context, status);
            return;
        }
        body(*static_cast<const SnippetFunction*>(api->xUserData(fts)), by_column);
    } catch (const std::bad_alloc&) {
        sqlite3_result_error_nomem(context);
    } catch (...) {
        sqlite3_result_error(context, "snippet function failed", -1);
    }
}

void snippet_function(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, int, sqlite3_value**) {
    with_matches(api, fts, context, [&](const SnippetFunction& function, std::vector<std::vector<Match>>& by_column) {
        const std::optional<int> column = snippet_column(function, by_column);
        if (!column) {
            sqlite3_result_text(context, "", 0, SQLITE_STATIC);
            return;
        }
        auto& matches = by_column[static_cast<std::size_t>(*column)];
        std::sort(matches.begin(), matches.end(),
                  [](const Match& a, const Match& b) { return a.first_token < b.first_token; });

        const char* text = nullptr;
        int text_size = 0;
        if (int status = api->xColumnText(fts, *column, &text, &text_size); status != SQLITE_OK) {
            sqlite3_result_error_code(context, status);
            return;
        }
        const int window_start = matches.empty() ? 0 : choose_window(matches, function.tokens);
        const std::string snippet =
            text == nullptr ? std::string()
                            : build_snippet(std::string_view(text, static_cast<std::size_t>(text_size)),
                                            window_start, function.tokens, matches);
        sqlite3_result_text(context, snippet.data(), static_cast<int>(snippet.size()), SQLITE_TRANSIENT);
    });
}

void snippet_column_function(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, int,
                             sqlite3_value**) {
    with_matches(api, fts, context, [&](const SnippetFunction& function, std::vector<std::vector<Match>>& by_column) {
        if (const std::optional<int> column = snippet_column(function, by_column))
            sqlite3_result_int(context, *column);
        else
            sqlite3_result_null(context);
    });
}

void delete_function(void* user_data) { delete static_cast<SnippetFunction*>(user_data); }

}  // namespace

Result<void> register_snippet_function(Database& database, const SnippetFunction& function) {
    fts5_api* api = find_fts5_api(database);
    if (api == nullptr)
        return make_error(ErrorCode::Unsupported, "this SQLite library has no FTS5 full-text search",
                          database.path().string());
    if (function.tokens < 1)
        return make_error(ErrorCode::InvalidArgument, "a snippet needs at least one token", function.name);
    // Once registered, FTS5 owns the copy and deletes it with the connection; not when the
    // registration fails.
    const auto register_one = [&](const std::string& name, fts5_extension_function body) -> Result<void> {
        auto* owned = new SnippetFunction(function);
        if (api->xCreateFunction(api, name.c_str(), owned, body, delete_function) != SQLITE_OK) {
            delete owned;
            return make_error(ErrorCode::Internal, "cannot register the full-text function " + name,
                              database.path().string());
        }
        return {};
    };
    CAIRN_TRY_VOID(register_one(function.name, snippet_function));
    if (!function.column_function_name.empty())
        CAIRN_TRY_VOID(register_one(function.column_function_name, snippet_column_function));
    return {};
}

}  // namespace cairn::db
