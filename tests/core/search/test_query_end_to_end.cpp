// SPDX-License-Identifier: GPL-3.0-or-later
// Every query form run through the real SQL shape on a small fixture, asserting the exact set
// of hits. The catalog tables are the ones the condition may use; the index is FTS5 with the
// index schema's columns and SQLite's unicode61 tokenizer (accents folded) standing in for the
// cairn tokenizer.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/search/document_key.h"
#include "core/search/index_schema.h"
#include "core/search/query.h"
#include "core/search/query_ast.h"

using namespace cairn::search;

namespace {

struct FixtureMessage {
    std::int64_t id;
    std::optional<std::int64_t> date;
    std::int64_t size;
    std::int64_t attachment_count;
    std::int64_t folder_id;
    const char* sender;
    const char* recipients;
    const char* cc;
    const char* bcc;
    const char* subject;
    const char* body;
    const char* attachment;
    const char* filename;
    const char* headers;
};

// Dates sit on the boundaries the tests probe: 2019-03-01 00:00:00 UTC is 1551398400.
const FixtureMessage Messages[] = {
    {1, 1551398400, 10240, 0, 1, "Alice Example <alice@example.org>", "bob@example.com", "", "", "Quarterly report",
     "The quarterly numbers are below. Résumé of the meeting.", "", "", "<m1@example.org>"},
    {2, 1551398399, 10241, 1, 2, "Carol <carol@example.net>", "alice@example.org", "dave@example.com", "",
     "Budget draft", "Please review the draft budget", "spreadsheet totals for the budget", "budget-2019.xlsx", ""},
    {3, 1577836799, 2097152, 2, 3, "dave@example.com", "carol@example.net", "", "eve@secret.example",
     "Project kickoff", "kickoff meeting notes", "agenda for the kickoff", "agenda.pdf notes.txt", ""},
    {4, 1577836800, 500, 0, 4, "alice@example.org", "frank@example.com", "", "", "Re: lunch?",
     "Sure, let's meet at noon near the station", "", "", ""},
    {5, std::nullopt, 100, 0, 5, "newsletter@lists.example", "", "", "", "Weekly digest",
     "foo-bar release v1.2 is out", "", "", "List-Id: zebra.lists.example"},
    {6, 1557921600, 1073741824, 1, 6, "eve@secret.example", "alice@example.org", "", "", "Photos",
     "see the attached photos", "", "beach.jpg", ""},
    {7, 1530662400, 3000, 0, 1, "Bob Builder <bob@example.com>", "alice@example.org", "", "",
     "AND OR NOT keywords", "the words and or not NEAR appear here, also col:on and star* and caret^", "", "", ""},
    {8, 1622505600, 4096, 0, 2, "alice@example.org", "carol@example.net", "", "", "Budget final",
     "final budget approved", "", "", ""},
    {9, 1554076799, 1023, 0, 1, "frank@example.com", "", "", "", "Prefix tests",
     "prefixation prefixes international internationalization", "", "", ""},
    {10, 1559347199, 9999, 0, 7, "grace@example.org", "", "", "", "Café menu", "crème brûlée", "", "", ""},
    {11, 1559347200, 1024, 0, 2, "heidi@example.com", "alice@example.org", "bob@example.com", "", "Reminder",
     "budget meeting tomorrow", "", "", ""},
    // Bob's: it matches nearly everything, and must never be a hit for alice.
    {12, 1551398400, 10240, 1, 8, "alice@example.org", "alice@example.org", "", "", "budget quarterly kickoff",
     "budget report photos lunch zebra", "", "", ""},
    {13, 1546300800, 1, 0, 9, "ivan@example.com", "", "", "", "Pulse", "ping", "", "", ""},
};

struct FixtureFolder {
    std::int64_t id;
    const char* path;
    std::int64_t user_id;
};

const FixtureFolder Folders[] = {
    {1, "INBOX", 1},        {2, "INBOX/Work", 1},  {3, "INBOX/Work/Projects", 1}, {4, "Sent Items", 1},
    {5, "Archive/INBOX", 1}, {6, "Workshop", 1},   {7, "100%_done", 1},
    {8, "INBOX", 2},
    // Matched by the LIKE pattern of 100%_done/% if its wildcards were not escaped.
    {9, "1000 old_done/sub", 1},
};

class Index {
public:
    Index() {
        REQUIRE(sqlite3_open(":memory:", &m_database) == SQLITE_OK);
        execute("ATTACH DATABASE ':memory:' AS catalog");
        execute(
            "CREATE TABLE catalog.users(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE TABLE catalog.folders(id INTEGER PRIMARY KEY, path TEXT NOT NULL, user_id INTEGER NOT NULL);"
            "CREATE TABLE catalog.messages(id INTEGER PRIMARY KEY, date INTEGER, size INTEGER NOT NULL,"
            " attachment_count INTEGER NOT NULL);"
            "CREATE TABLE catalog.placements(message_id INTEGER NOT NULL, folder_id INTEGER NOT NULL);"
            "INSERT INTO catalog.users VALUES (1, 'alice'), (2, 'bob');");
        // The index schema, with the stock tokenizer instead of 'cairn', and texts stored as
        // they are (unpack_text is the identity here).
        REQUIRE(sqlite3_create_function_v2(
                    m_database, "unpack_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                    [](sqlite3_context* context, int, sqlite3_value** arguments) {
                        sqlite3_result_value(context, arguments[0]);
                    },
                    nullptr, nullptr, nullptr) == SQLITE_OK);
        std::string schema = IndexSchema;
        const std::string tokenizer = "tokenize = 'cairn'";
        const std::size_t at = schema.find(tokenizer);
        REQUIRE(at != std::string::npos);
        schema.replace(at, tokenizer.size(), "tokenize = 'unicode61 remove_diacritics 2'");
        execute(schema);

        for (const FixtureFolder& folder : Folders) {
            Statement insert(m_database, "INSERT INTO catalog.folders VALUES (?, ?, ?)");
            sqlite3_bind_int64(insert.get(), 1, folder.id);
            sqlite3_bind_text(insert.get(), 2, folder.path, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(insert.get(), 3, folder.user_id);
            REQUIRE(sqlite3_step(insert.get()) == SQLITE_DONE);
        }
        for (const FixtureMessage& message : Messages) {
            Statement insert(m_database, "INSERT INTO catalog.messages VALUES (?, ?, ?, ?)");
            sqlite3_bind_int64(insert.get(), 1, message.id);
            if (message.date)
                sqlite3_bind_int64(insert.get(), 2, *message.date);
            sqlite3_bind_int64(insert.get(), 3, message.size);
            sqlite3_bind_int64(insert.get(), 4, message.attachment_count);
            REQUIRE(sqlite3_step(insert.get()) == SQLITE_DONE);

            Statement place(m_database, "INSERT INTO catalog.placements VALUES (?, ?)");
            sqlite3_bind_int64(place.get(), 1, message.id);
            sqlite3_bind_int64(place.get(), 2, message.folder_id);
            REQUIRE(sqlite3_step(place.get()) == SQLITE_DONE);

            // Keyed by date as the real index is, so that the dates a driven search takes as a
            // range of keys are tested too.
            for (const char* table : {"document_texts(key, message_id", "documents(rowid"}) {
                const bool texts = std::string_view(table).starts_with("document_texts");
                Statement document(m_database, std::string("INSERT INTO ") + table +
                                                   ", sender, recipients, cc, bcc, subject, body, attachment,"
                                                   " filename, headers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?" +
                                                   (texts ? ", ?)" : ")"));
                int parameter = 1;
                sqlite3_bind_int64(document.get(), parameter++, document_key(message.date, message.id));
                if (texts)
                    sqlite3_bind_int64(document.get(), parameter++, message.id);
                const char* columns[] = {message.sender,  message.recipients, message.cc,
                                         message.bcc,     message.subject,    message.body,
                                         message.attachment, message.filename, message.headers};
                for (const char* column : columns)
                    sqlite3_bind_text(document.get(), parameter++, column, -1, SQLITE_TRANSIENT);
                REQUIRE(sqlite3_step(document.get()) == SQLITE_DONE);
            }
        }
    }
    ~Index() { sqlite3_close(m_database); }
    Index(const Index&) = delete;
    Index& operator=(const Index&) = delete;

    /// The hits of `query` for `user`, as ascending ids separated by spaces ("2 8 11"), and
    /// checks on the way that the relevance expression works and is implied by every hit.
    std::string hits(std::string_view query, const char* user = "alice") {
        auto result = compile_query(query);
        if (auto* error = std::get_if<QuerySyntaxError>(&result))
            FAIL("'" << std::string(query) << "' is an error: " << error->message);
        const CompiledQuery& compiled = std::get<CompiledQuery>(result);
        const std::vector<std::int64_t> ids = run(compiled, user);
        if (!compiled.driving_match.empty()) {
            INFO("driving: " << compiled.driving_match << " residual: " << compiled.residual_condition);
            CHECK(run_driven(compiled, user) == ids);
        }
        if (!compiled.relevance_match.empty()) {
            const std::set<std::int64_t> relevant = relevance_hits(compiled.relevance_match);
            for (const std::int64_t id : ids) {
                INFO("query '" << std::string(query) << "' relevance " << compiled.relevance_match);
                CHECK(relevant.contains(id));
            }
        }
        std::string text;
        for (const std::int64_t id : ids)
            text += (text.empty() ? "" : " ") + std::to_string(id);
        return text;
    }

    /// Runs a compiled query; fails the test on any SQLite error.
    std::vector<std::int64_t> run(const CompiledQuery& compiled, const char* user = "alice") {
        const std::string sql =
            "SELECT DISTINCT m.id FROM catalog.messages m JOIN catalog.placements p ON p.message_id = m.id"
            " JOIN catalog.folders f ON f.id = p.folder_id JOIN catalog.users u ON u.id = f.user_id"
            " WHERE u.name = ? AND (" + compiled.condition + ") ORDER BY m.id";
        Statement statement(m_database, sql);
        sqlite3_bind_text(statement.get(), 1, user, -1, SQLITE_TRANSIENT);
        int index = 2;
        for (const SqlValue& value : compiled.parameters) {
            if (const auto* integer = std::get_if<std::int64_t>(&value))
                sqlite3_bind_int64(statement.get(), index, *integer);
            else
                sqlite3_bind_text(statement.get(), index, std::get<std::string>(value).c_str(), -1, SQLITE_TRANSIENT);
            ++index;
        }
        REQUIRE(index - 1 == sqlite3_bind_parameter_count(statement.get()));
        std::vector<std::int64_t> ids;
        int status = 0;
        while ((status = sqlite3_step(statement.get())) == SQLITE_ROW)
            ids.push_back(sqlite3_column_int64(statement.get(), 0));
        INFO("condition: " << compiled.condition);
        REQUIRE_MESSAGE(status == SQLITE_DONE, std::string(sqlite3_errmsg(m_database)));
        return ids;
    }

    /// Runs a compiled query as a search driven by the index does: the driving MATCH, with the
    /// driving dates as a range of keys, joined with the residual condition. It must find
    /// exactly what the whole condition finds.
    std::vector<std::int64_t> run_driven(const CompiledQuery& compiled, const char* user) {
        const std::optional<DocumentKeyRange> keys =
            compiled.driving_dated ? document_key_range(compiled.driving_date_from, compiled.driving_date_until)
                                   : std::nullopt;
        REQUIRE(keys.has_value() == compiled.driving_dated);
        const std::string sql =
            "SELECT DISTINCT m.id FROM documents JOIN document_texts t ON t.key = documents.rowid"
            " JOIN catalog.messages m ON m.id = t.message_id JOIN catalog.placements p ON p.message_id = m.id"
            " JOIN catalog.folders f ON f.id = p.folder_id JOIN catalog.users u ON u.id = f.user_id"
            " WHERE u.name = ? AND (" + compiled.residual_condition + ") AND documents MATCH ?" +
            (keys ? " AND documents.rowid >= ? AND documents.rowid < ?" : "") + " ORDER BY m.id";
        Statement statement(m_database, sql);
        sqlite3_bind_text(statement.get(), 1, user, -1, SQLITE_TRANSIENT);
        int index = 2;
        for (const SqlValue& value : compiled.residual_parameters) {
            if (const auto* integer = std::get_if<std::int64_t>(&value))
                sqlite3_bind_int64(statement.get(), index, *integer);
            else
                sqlite3_bind_text(statement.get(), index, std::get<std::string>(value).c_str(), -1, SQLITE_TRANSIENT);
            ++index;
        }
        sqlite3_bind_text(statement.get(), index, compiled.driving_match.c_str(), -1, SQLITE_TRANSIENT);
        if (keys) {
            sqlite3_bind_int64(statement.get(), ++index, keys->first);
            sqlite3_bind_int64(statement.get(), ++index, keys->end);
        }
        REQUIRE(index == sqlite3_bind_parameter_count(statement.get()));
        std::vector<std::int64_t> ids;
        int status = 0;
        while ((status = sqlite3_step(statement.get())) == SQLITE_ROW)
            ids.push_back(sqlite3_column_int64(statement.get(), 0));
        REQUIRE_MESSAGE(status == SQLITE_DONE, std::string(sqlite3_errmsg(m_database)));
        return ids;
    }

    /// The documents that match `match`, ranked with bm25 and given a snippet on the way, as
    /// the search results will.
    std::set<std::int64_t> relevance_hits(const std::string& match) {
        Statement statement(m_database,
                            "SELECT t.message_id, bm25(documents), snippet(documents, -1, '[', ']', '...', 8)"
                            " FROM documents JOIN document_texts t ON t.key = documents.rowid"
                            " WHERE documents MATCH ? ORDER BY bm25(documents)");
        sqlite3_bind_text(statement.get(), 1, match.c_str(), -1, SQLITE_TRANSIENT);
        std::set<std::int64_t> ids;
        int status = 0;
        while ((status = sqlite3_step(statement.get())) == SQLITE_ROW)
            ids.insert(sqlite3_column_int64(statement.get(), 0));
        INFO("relevance: " << match);
        REQUIRE_MESSAGE(status == SQLITE_DONE, std::string(sqlite3_errmsg(m_database)));
        return ids;
    }

private:
    class Statement {
    public:
        Statement(sqlite3* database, const std::string& sql) {
            const int status = sqlite3_prepare_v2(database, sql.c_str(), -1, &m_statement, nullptr);
            INFO("sql: " << sql);
            REQUIRE_MESSAGE(status == SQLITE_OK, std::string(sqlite3_errmsg(database)));
        }
        ~Statement() { sqlite3_finalize(m_statement); }
        Statement(const Statement&) = delete;
        Statement& operator=(const Statement&) = delete;
        sqlite3_stmt* get() const { return m_statement; }

    private:
        sqlite3_stmt* m_statement = nullptr;
    };

    void execute(const std::string& sql) {
        char* error = nullptr;
        const int status = sqlite3_exec(m_database, sql.c_str(), nullptr, nullptr, &error);
        const std::string message = error ? error : "";
        sqlite3_free(error);
        REQUIRE_MESSAGE(status == SQLITE_OK, message);
    }

    sqlite3* m_database = nullptr;
};

}  // namespace

TEST_SUITE("search.end_to_end") {

TEST_CASE("the empty query finds all of the user's messages and only theirs") {
    Index index;
    CHECK(index.hits("") == "1 2 3 4 5 6 7 8 9 10 11 13");
    CHECK(index.hits("", "bob") == "12");
    CHECK(index.hits("budget", "bob") == "12");
}

TEST_CASE("plain words search every text column, with accents folded") {
    Index index;
    CHECK(index.hits("budget") == "2 8 11");
    CHECK(index.hits("BUDGET") == "2 8 11");
    CHECK(index.hits("quarterly") == "1");
    CHECK(index.hits("resume") == "1");
    CHECK(index.hits("creme brulee") == "10");
    CHECK(index.hits("cafe") == "10");
    CHECK(index.hits("zebra") == "5");  // only in the headers column
    CHECK(index.hits("totals") == "2");  // attachment text
    CHECK(index.hits("xlsx") == "2");    // file name
    CHECK(index.hits("nonexistent") == "");
}

TEST_CASE("phrases and prefixes") {
    Index index;
    CHECK(index.hits("\"quarterly report\"") == "1");
    CHECK(index.hits("\"report quarterly\"") == "");
    CHECK(index.hits("\"final budget\"") == "8");
    CHECK(index.hits("prefix*") == "9");
    CHECK(index.hits("internation*") == "9");
    CHECK(index.hits("\"prefixes internation\"*") == "9");
    CHECK(index.hits("budg* -subject:budget") == "11");
}

TEST_CASE("words with punctuation are the phrase of their tokens") {
    Index index;
    CHECK(index.hits("alice@example.org") == "1 2 4 6 7 8 11");
    CHECK(index.hits("foo-bar") == "5");
    CHECK(index.hits("v1.2") == "5");
    CHECK(index.hits("-foo-bar") == "1 2 3 4 6 7 8 9 10 11 13");
    CHECK(index.hits("budget-2019.xlsx") == "2");
}

TEST_CASE("each field searches its own column") {
    Index index;
    CHECK(index.hits("from:alice") == "1 4 8");
    CHECK(index.hits("from:alice@example.org") == "1 4 8");
    CHECK(index.hits("to:alice") == "2 6 7 11");
    CHECK(index.hits("cc:bob") == "11");
    CHECK(index.hits("cc:dave") == "2");
    CHECK(index.hits("bcc:eve") == "3");
    CHECK(index.hits("subject:budget") == "2 8");
    CHECK(index.hits("body:budget") == "2 8 11");
    CHECK(index.hits("body:zebra") == "");
    CHECK(index.hits("attachment:totals") == "2");
    CHECK(index.hits("attachment:kickoff") == "3");
    CHECK(index.hits("filename:agenda.pdf") == "3");
    CHECK(index.hits("filename:jpg") == "6");
    CHECK(index.hits("subject:\"budget final\"") == "8");
    CHECK(index.hits("subject:\"final budget\"") == "");
    CHECK(index.hits("body:\"final budget\"") == "8");
    CHECK(index.hits("from:ev*") == "6");
    CHECK(index.hits("filename:budg*") == "2");
    CHECK(index.hits("from:(alice OR carol)") == "1 2 4 8");
    CHECK(index.hits("from:(alice OR carol) -budget") == "1 4");
    CHECK(index.hits("subject:(budget -draft)") == "8");
}

TEST_CASE("negation alone, -word and NOT") {
    Index index;
    CHECK(index.hits("NOT budget") == "1 3 4 5 6 7 9 10 13");
    CHECK(index.hits("-budget") == "1 3 4 5 6 7 9 10 13");
    CHECK(index.hits("-budget -from:alice") == "3 5 6 7 9 10 13");
    CHECK(index.hits("budget -subject:final") == "2 11");
    CHECK(index.hits("budget NOT subject:final") == "2 11");
    CHECK(index.hits("NOT NOT budget") == "2 8 11");
    CHECK(index.hits("-\"draft budget\"") == "1 3 4 5 6 7 8 9 10 11 13");
    CHECK(index.hits("NOT (budget OR from:alice)") == "3 5 6 7 9 10 13");
    CHECK(index.hits("budget OR -has:attachment") == "1 2 4 5 7 8 9 10 11 13");
}

TEST_CASE("has:attachment, larger: and smaller: at their boundaries") {
    Index index;
    CHECK(index.hits("has:attachment") == "2 3 6");
    CHECK(index.hits("-has:attachment") == "1 4 5 7 8 9 10 11 13");
    // Message 1 is exactly 10240 bytes: neither larger nor smaller than 10K.
    CHECK(index.hits("larger:10K") == "2 3 6");
    CHECK(index.hits("smaller:10K") == "4 5 7 8 9 10 11 13");
    CHECK(index.hits("larger:2M") == "6");
    CHECK(index.hits("smaller:2M") == "1 2 4 5 7 8 9 10 11 13");
    CHECK(index.hits("larger:1023 smaller:1025") == "11");
    CHECK(index.hits("smaller:1K") == "4 5 9 13");
    CHECK(index.hits("larger:1G") == "");
    CHECK(index.hits("larger:1073741823") == "6");
    CHECK(index.hits("-(larger:10K OR smaller:1K)") == "1 7 8 10 11");
}

TEST_CASE("folder: is the folder and its sub-folders, whole path components from the root") {
    Index index;
    CHECK(index.hits("folder:INBOX") == "1 2 3 7 8 9 11");
    CHECK(index.hits("folder:inbox/work") == "2 3 8 11");
    CHECK(index.hits("folder:INBOX/Work/Projects") == "3");
    CHECK(index.hits("folder:Work") == "");
    CHECK(index.hits("folder:Workshop") == "6");
    CHECK(index.hits("folder:\"sent items\"") == "4");
    CHECK(index.hits("folder:Archive") == "5");
    CHECK(index.hits("folder:100%_done") == "10");
    CHECK(index.hits("folder:1000") == "");
    CHECK(index.hits("folder:\"1000 old_done\"") == "13");
    CHECK(index.hits("-folder:INBOX") == "4 5 6 10 13");
    CHECK(index.hits("folder:(Archive OR Workshop)") == "5 6");
}

TEST_CASE("dates at the boundaries of days, months and years") {
    Index index;
    CHECK(index.hits("date:2019-03-01") == "1");  // exactly at 00:00:00; 2 is a second before
    CHECK(index.hits("date:2019/03/01") == "1");
    CHECK(index.hits("date:2019-02-28") == "2");
    CHECK(index.hits("before:2019-03-01") == "2 7 13");
    CHECK(index.hits("after:2019-03-01") == "1 3 4 6 8 9 10 11");
    CHECK(index.hits("date:2019") == "1 2 3 6 9 10 11 13");
    CHECK(index.hits("date:2019-03..2019-05") == "1 6 9 10");
    CHECK(index.hits("date:2019-03") == "1 9");
    CHECK(index.hits("date:2019..2020") == "1 2 3 4 6 9 10 11 13");
    CHECK(index.hits("date:2020..") == "4 8");
    CHECK(index.hits("date:..2018") == "7");
    CHECK(index.hits("before:2019") == "7");
    CHECK(index.hits("after:2021-06-01") == "8");
    // Message 5 has no date: it matches no date condition, and so it matches their negation.
    CHECK(index.hits("-date:2019") == "4 5 7 8");
    CHECK(index.hits("NOT after:2000") == "5");
}

TEST_CASE("text and catalog conditions combine with AND, OR and parentheses") {
    Index index;
    CHECK(index.hits("budget has:attachment") == "2");
    CHECK(index.hits("budget OR has:attachment") == "2 3 6 8 11");
    CHECK(index.hits("from:alice OR larger:2M") == "1 4 6 8");
    CHECK(index.hits("(from:alice OR has:attachment) date:2019") == "1 2 3 6");
    CHECK(index.hits("((budget OR kickoff) (folder:INBOX/Work -has:attachment))") == "8 11");
    CHECK(index.hits("(((budget)))") == "2 8 11");
    CHECK(index.hits("photos OR budget subject:final") == "6 8");
    CHECK(index.hits("quarterly OR zebra -folder:Archive") == "1");
    CHECK(index.hits("quarterly OR (zebra -folder:INBOX)") == "1 5");
    CHECK(index.hits("budget AND (folder:INBOX/Work OR date:2021) AND NOT cc:bob") == "2 8");
}

TEST_CASE("FTS5 syntax typed by the user is searched as text") {
    Index index;
    CHECK(index.hits("\"AND\"") == "7");
    CHECK(index.hits("\"OR\"") == "7");
    CHECK(index.hits("\"NOT\"") == "7");
    CHECK(index.hits("\"NEAR\"") == "4 7");
    CHECK(index.hits("NEAR") == "4 7");
    CHECK(index.hits("NEAR(noon station)") == "4");
    CHECK(index.hits("\"col:on\"") == "7");
    CHECK(index.hits("star*") == "7");
    CHECK(index.hits("\"star*\"") == "7");
    CHECK(index.hits("caret^") == "7");
    CHECK(index.hits("^caret") == "7");
    CHECK(index.hits("{sender}:alice") == "");
    CHECK(index.hits("\"budget) OR (quarterly\"") == "");
    CHECK(index.hits("\"sender : alice\"") == "");
    CHECK(index.hits("subject:\"AND OR NOT\"") == "7");
    CHECK(index.hits("-\"NOT\" from:bob") == "");
}

TEST_CASE("any query that compiles runs in SQLite without error, and its hits satisfy its relevance expression") {
    // Queries built from pieces of every kind, nasty ones included; a fixed seed keeps it
    // reproducible.
    const std::vector<std::string> pieces = {
        "budget", "alice", "\"quarterly report\"", "prefix*", "from:alice", "to:(alice OR bob)", "-budget",
        "NOT", "AND", "OR", "(", ")", "has:attachment", "folder:INBOX", "folder:\"Sent Items\"", "date:2019..2020",
        "before:2019-03-01", "after:2019", "larger:10K", "smaller:1M", "\"NEAR\"", "^x", "a*b", "-(", "subject:(",
        "\"a\"\"b\"", "col:on", "v1.2", "foo-bar", "-has:attachment", "date:..2019", "cc:\"bob\"*",
    };
    Index index;
    std::mt19937 random(20240601);
    int compiled_count = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string query;
        const int length = 1 + static_cast<int>(random() % 12);
        for (int piece = 0; piece < length; ++piece) {
            query += pieces[random() % pieces.size()];
            query += random() % 4 == 0 ? "" : " ";
        }
        auto result = compile_query(query);
        if (auto* error = std::get_if<QuerySyntaxError>(&result)) {
            INFO(query);
            CHECK(error->position <= query.size());
            CHECK(!error->message.empty());
            continue;
        }
        ++compiled_count;
        INFO(query);
        index.hits(query);
    }
    MESSAGE(compiled_count << " of 3000 random queries compiled");
    CHECK(compiled_count > 300);
}

TEST_CASE("the largest and deepest queries the parser accepts run in SQLite") {
    Index index;
    // A query at the length limit made of thousands of terms of both kinds.
    std::string mixed;
    while (mixed.size() + 20 < 10'000)
        mixed += mixed.size() % 3 == 0 ? "budget OR larger:1 " : "-zz has:attachment ";
    CHECK_NOTHROW(index.hits(mixed));
    std::string many_catalog;
    while (many_catalog.size() + 12 < 10'000)
        many_catalog += "larger:1 ";
    CHECK(index.hits(many_catalog) == "1 2 3 4 5 6 7 8 9 10 11");
    // The worst nesting for SQLite's parser: every level of the query one level of SQL.
    using cairn::search::detail::MaxNestingDepth;
    const auto nested = [](std::vector<std::string> openings, std::string prefix = "", int levels = MaxNestingDepth) {
        std::string query = std::move(prefix);
        for (int level = 0; level < levels; ++level)
            query += openings[static_cast<std::size_t>(level) % openings.size()];
        return query + "budget" + std::string(static_cast<std::size_t>(levels), ')');
    };
    CHECK(index.hits(nested({"from:alice OR (", "larger:1 ("})) == "1 2 4 8 11");
    CHECK(index.hits(nested({"folder:Archive OR (", "date:2019 ("})) == "2 5 11");
    CHECK(index.hits(nested({"zz OR (", "-larger:2M ("})) == "2 8 11");
    CHECK(index.hits(nested({"from:alice OR (", "b ("})) == "1 4 8");
    // NOT and a parenthesis are two levels.
    std::string negated;
    for (int level = 0; level < MaxNestingDepth / 2; ++level)
        negated += "larger:1 -(";
    CHECK(index.hits(negated + "budget" + std::string(MaxNestingDepth / 2, ')')) == "2 8 11");
    // ... with, in front, three nodes of more than 256 operands each: chains of chains.
    std::string wide;
    for (int node = 0; node < 3; ++node) {
        for (int operand = 0; operand < 257; ++operand)
            wide += "larger:1 ";
        wide += "(";
    }
    const std::string widest =
        nested({"from:alice OR (", "larger:1 ("}, wide, MaxNestingDepth - 3) + std::string(3, ')');
    REQUIRE(widest.size() < 10'000);
    CHECK(index.hits(widest) == "1 2 4 8 11");
}

}  // TEST_SUITE
