// SPDX-License-Identifier: GPL-3.0-or-later
// The snippet function on a real FTS5 table with the cairn tokenizer: what is marked, which
// column and window are shown, and that a match deep in a large column is found.
#include <doctest/doctest.h>

#include <string>

#include "core/db/database.h"
#include "core/db/text_snippet.h"
#include "core/db/text_tokenizer.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using cairn::testing::TempDir;

namespace {

/// Table d(subject, body, attachment); the snippet prefers body, then attachment, then subject.
/// Marks are shown as [ and ] for readability.
struct SnippetIndex {
    TempDir directory;
    db::Database database;

    SnippetIndex() : database(std::move(*db::Database::open(directory.path() / "index.db", db::OpenMode::ReadWrite))) {
        REQUIRE(db::register_text_tokenizer(database));
        REQUIRE(db::register_snippet_function(database, {"test_snippet", {1, 2, 0}, 6, "test_snippet_column"}));
        REQUIRE(database.execute("CREATE VIRTUAL TABLE d USING fts5(subject, body, attachment, tokenize='cairn')"));
    }

    void add(const std::string& subject, const std::string& body, const std::string& attachment = "") {
        auto insert = database.prepare("INSERT INTO d(subject, body, attachment) VALUES(?, ?, ?)");
        REQUIRE(insert);
        insert->bind(1, subject).bind(2, body).bind(3, attachment);
        REQUIRE(insert->run());
    }

    std::string snippet(const std::string& query) {
        auto select = first_match("test_snippet", query);
        std::string text = select.column_text(0);
        for (char& character : text) {
            if (character == '\x02')
                character = '[';
            else if (character == '\x03')
                character = ']';
        }
        return text;
    }

    /// The number of the column test_snippet takes its text from, -1 for NULL.
    std::int64_t snippet_column(const std::string& query) {
        auto select = first_match("test_snippet_column", query);
        return select.column_is_null(0) ? -1 : select.column_int(0);
    }

    /// FUNCTION(d) of the first row matching QUERY, stepped onto that row.
    db::Statement first_match(const std::string& function, const std::string& query) {
        auto select = database.prepare("SELECT " + function + "(d) FROM d WHERE d MATCH ? ORDER BY rowid LIMIT 1");
        REQUIRE(select);
        select->bind(1, query);
        auto row = select->step();
        REQUIRE(row);
        REQUIRE(*row);
        return std::move(*select);
    }
};

}  // namespace

TEST_CASE("a match is marked, with context around it and ellipses where text is left out") {
    SnippetIndex index;
    index.add("", "one two three four five six seven eight nine ten eleven twelve");
    CHECK(index.snippet("seven") == "…four five six [seven] eight nine…");
    CHECK(index.snippet("one") == "[one] two three four five six…");
    CHECK(index.snippet("twelve") == "…nine ten eleven [twelve]");
}

TEST_CASE("folded matches keep the text as written; a phrase is one mark; line breaks become spaces") {
    SnippetIndex index;
    index.add("", "Please send the\r\nRésumé  of the   meeting notes today");
    CHECK(index.snippet("resume") == "Please send the [Résumé] of the…");
    CHECK(index.snippet("\"meeting notes\"") == "…Résumé of the [meeting notes] today");
}

TEST_CASE("a prefix marks each word it expands to") {
    SnippetIndex index;
    index.add("", "we initialize then init again");
    CHECK(index.snippet("init*") == "we [initialize] then [init] again");
}

TEST_CASE("a CJK word is marked inside a sentence without spaces") {
    SnippetIndex index;
    index.add("", "東京都の会議は明日です");
    const std::string snippet = index.snippet("会議");
    CHECK(snippet.find("[会議]") != std::string::npos);
    CHECK(snippet.find("[会][議]") == std::string::npos);
}

TEST_CASE("the window holding the most different terms wins over the first match") {
    SnippetIndex index;
    index.add("", "alpha x x x x x x x x x x x x x x x x x x x alpha beta gamma");
    CHECK(index.snippet("alpha beta") == "…x x x [alpha] [beta] gamma");
}

TEST_CASE("the column shown is the preferred one that has a match") {
    SnippetIndex index;
    index.add("budget subject", "nothing here", "the budget spreadsheet");
    CHECK(index.snippet("budget") == "the [budget] spreadsheet");
    CHECK(index.snippet("subject:budget") == "[budget] subject");
}

TEST_CASE("the column function names the column the snippet is taken from") {
    SnippetIndex index;
    index.add("budget subject", "nothing here", "the budget spreadsheet");
    CHECK(index.snippet_column("budget") == 2);          // the attachment, preferred over the subject
    CHECK(index.snippet_column("subject:budget") == 0);  // only the subject matches
    index.add("other", "a budget in the body", "budget sheet");
    CHECK(index.snippet_column("body:budget") == 1);
}

TEST_CASE("a match deep in a large column is found without reading past the window") {
    SnippetIndex index;
    std::string attachment;
    for (int word = 0; word < 200000; ++word)
        attachment += "filler ";
    attachment += "needle after";
    index.add("", "", attachment);
    CHECK(index.snippet("needle") == "…filler filler filler [needle] after");
}

TEST_CASE("snippets agree with the tokenizer's positions after CJK bigrams and long tokens") {
    SnippetIndex index;
    // Bigrams count as tokens: the positions FTS5 stores must line up with the ones we re-read.
    index.add("", "会議室の予約 " + std::string(300, 'x') + " target word");
    CHECK(index.snippet("target") == "…の予約 " + std::string(300, 'x') + " [target] word");
}
