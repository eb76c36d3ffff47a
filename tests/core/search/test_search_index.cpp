// SPDX-License-Identifier: GPL-3.0-or-later
// The per-user index file itself: documents stored compressed and found, replaced, removed,
// snippets from compressed text, date-ordered keys, a version change starting the index over,
// and the previous version converted in place.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/db/database.h"
#include "core/db/packed_text.h"
#include "core/db/text_tokenizer.h"
#include "core/search/document_key.h"
#include "core/search/search_index.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using cairn::testing::TempDir;

namespace {

/// An archive directory with the catalog tables a search reads: one user, messages 1..3, and
/// with `extra_messages`, messages 4.. whose dates are not in id order (odd ones 20 bytes, even
/// ones 10).
struct IndexFixture {
    TempDir directory;

    explicit IndexFixture(int extra_messages = 0) {
        sqlite3* catalog = nullptr;
        REQUIRE(sqlite3_open((directory.path() / "catalog.db").c_str(), &catalog) == SQLITE_OK);
        REQUIRE(sqlite3_exec(catalog,
                             "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);"
                             "CREATE TABLE folders(id INTEGER PRIMARY KEY, path TEXT, user_id INTEGER);"
                             "CREATE TABLE messages(id INTEGER PRIMARY KEY, date INTEGER, sender TEXT, recipients TEXT,"
                             " subject TEXT, size INTEGER, attachment_count INTEGER, attachment_names TEXT);"
                             "CREATE TABLE placements(message_id INTEGER, folder_id INTEGER);"
                             "INSERT INTO users VALUES(1, 'ann');"
                             "INSERT INTO folders VALUES(1, 'Inbox', 1);"
                             "INSERT INTO messages VALUES(1, 100, 'a', 'b', 'one', 10, 0, ''),"
                             " (2, 200, 'a', 'b', 'two', 10, 0, ''), (3, 300, 'a', 'b', 'three', 10, 0, '');"
                             "INSERT INTO placements VALUES(1, 1), (2, 1), (3, 1);",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        for (int id = 4; id < 4 + extra_messages; ++id) {
            const std::string insert = "INSERT INTO messages VALUES(" + std::to_string(id) + ", " +
                                       std::to_string(1000 + (id * 7919) % 1009) +
                                       ", 'a', 'b', 's', " + std::to_string(10 + 10 * (id % 2)) +
                                       ", 0, ''); INSERT INTO placements VALUES(" +
                                       std::to_string(id) + ", 1);";
            REQUIRE(sqlite3_exec(catalog, insert.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        }
        sqlite3_close(catalog);
    }

    search::SearchIndex open() {
        auto index = search::SearchIndex::open(directory.path(), "ann", search::SearchIndex::Mode::ReadWrite);
        REQUIRE_MESSAGE(index, (index ? std::string() : index.error().describe()));
        return std::move(*index);
    }
};

search::IndexDocument body_document(std::string body) {
    search::IndexDocument document;
    document.body = std::move(body);
    return document;
}

/// Runs SQL on the closed index file, as another program (or version) would, and checks that
/// the index now reads as not current.
void change_index_file(const IndexFixture& fixture, const char* sql) {
    sqlite3* database = nullptr;
    REQUIRE(sqlite3_open((fixture.directory.path() / "index/ann.db").c_str(), &database) == SQLITE_OK);
    REQUIRE(sqlite3_exec(database, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(database);
    auto read_only = search::SearchIndex::open(fixture.directory.path(), "ann", search::SearchIndex::Mode::ReadOnly);
    REQUIRE(read_only);
    CHECK(*read_only->is_current_version() == false);
}

std::uint64_t count(search::SearchIndex& index, const std::string& query) {
    auto found = index.count(query);
    REQUIRE(found);
    return *found;
}

}  // namespace

TEST_CASE("long text is stored compressed and still found, with a snippet from it") {
    IndexFixture fixture;
    auto index = fixture.open();
    std::string long_body;
    for (int line = 0; line < 2000; ++line)
        long_body += "the same line of filler text again\n";
    long_body += "and here the needle sits\n";
    REQUIRE(index.begin());
    REQUIRE(index.add(1, 100, body_document(long_body)));
    REQUIRE(index.add(2, 200, body_document("a short needle")));
    REQUIRE(index.commit());

    CHECK(count(index, "needle") == 2);
    search::SearchRequest request;
    request.query = "needle";
    auto hits = index.search(request);
    REQUIRE(hits);
    REQUIRE(hits->size() == 2);
    CHECK(hits->at(1).message_id == 1);
    CHECK(hits->at(1).snippet == "…and here the \x02needle\x03 sits");
    CHECK(hits->at(1).snippet_field == "body");

    // Compressed: the file is far smaller than the 70 KB of text.
    sqlite3* database = nullptr;
    REQUIRE(sqlite3_open((fixture.directory.path() / "index/ann.db").c_str(), &database) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(database, "SELECT typeof(body), length(body) FROM document_texts WHERE message_id = 1", -1,
                               &statement, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))) == "blob");
    CHECK(sqlite3_column_int(statement, 1) < 2000);
    sqlite3_finalize(statement);
    sqlite3_close(database);
}

TEST_CASE("adding a document again replaces it; removing it forgets its words") {
    IndexFixture fixture;
    auto index = fixture.open();
    REQUIRE(index.begin());
    REQUIRE(index.add(1, 100, body_document("first version")));
    REQUIRE(index.add(1, 100, body_document("second version")));
    REQUIRE(index.add(3, 300, body_document("another first")));
    REQUIRE(index.commit());
    CHECK(count(index, "first") == 1);
    CHECK(count(index, "second") == 1);
    CHECK(*index.document_count() == 2);

    REQUIRE(index.begin());
    REQUIRE(index.remove(1));
    REQUIRE(index.remove(2));  // not there: nothing happens
    REQUIRE(index.commit());
    CHECK(count(index, "second") == 0);
    CHECK(count(index, "version") == 0);
    CHECK(count(index, "first") == 1);
    CHECK(*index.contains(1) == false);
    CHECK(*index.contains(3) == true);
    auto missing = index.missing_messages();
    REQUIRE(missing);
    REQUIRE(missing->size() == 2);
    CHECK((*missing)[0].message_id == 1);
    CHECK((*missing)[0].date == 100);
    CHECK((*missing)[1].message_id == 2);
    CHECK((*missing)[1].date == 200);
}

TEST_CASE("an index of another version is started over when opened for writing, and reported read-only") {
    IndexFixture fixture;
    {
        auto index = fixture.open();
        REQUIRE(index.begin());
        REQUIRE(index.add(1, 100, body_document("old words")));
        REQUIRE(index.set_catalog_generation(7));
        REQUIRE(index.commit());
    }
    change_index_file(fixture, "UPDATE index_settings SET value = '1' WHERE key = 'version'");

    auto index = fixture.open();
    CHECK(*index.is_current_version());
    CHECK(*index.document_count() == 0);
    CHECK(*index.catalog_generation() == 0);
}

TEST_CASE("newest first, a common word's page and a rare word's page are both exact") {
    // 600 messages; "common" in two of three, "rare" in one of 60. Dates are not in id order.
    IndexFixture fixture(600);
    auto index = fixture.open();
    REQUIRE(index.begin());
    std::vector<std::pair<std::int64_t, std::int64_t>> common;  // (date, id), for the expected pages
    std::vector<std::pair<std::int64_t, std::int64_t>> rare;
    for (int id = 4; id < 604; ++id) {
        const std::int64_t date = 1000 + (id * 7919) % 1009;
        std::string body = "filler";
        if (id % 3 != 0) {
            body += " common";
            common.emplace_back(date, id);
        }
        if (id % 60 == 0) {
            body += " rare";
            rare.emplace_back(date, id);
        }
        REQUIRE(index.add(id, date, body_document(body)));
    }
    REQUIRE(index.commit());
    auto newest = [](std::vector<std::pair<std::int64_t, std::int64_t>> pairs, std::size_t offset, std::size_t count) {
        std::sort(pairs.rbegin(), pairs.rend());
        std::vector<std::int64_t> ids;
        for (std::size_t i = offset; i < std::min(pairs.size(), offset + count); ++i)
            ids.push_back(pairs[i].second);
        return ids;
    };
    auto page = [&](const std::string& query, std::uint64_t offset, std::uint64_t limit) {
        search::SearchRequest request;
        request.query = query;
        request.offset = offset;
        request.limit = limit;
        auto hits = index.search(request);
        REQUIRE(hits);
        std::vector<std::int64_t> ids;
        for (const auto& hit : *hits)
            ids.push_back(hit.message_id);
        return ids;
    };
    CHECK(page("common", 0, 20) == newest(common, 0, 20));
    CHECK(page("common", 30, 20) == newest(common, 30, 20));
    CHECK(page("rare", 0, 5) == newest(rare, 0, 5));
    CHECK(page("rare", 0, 50) == newest(rare, 0, 50));
    // A residual condition (the date) and a negated word with the common one.
    CHECK(page("common larger:15", 0, 20) == [&] {
        std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
        for (const auto& [date, id] : common)
            if (id % 2 == 1)
                pairs.emplace_back(date, id);
        return newest(pairs, 0, 20);
    }());
    // Catalog conditions only: a size condition's few candidates are sorted by date.
    std::vector<std::pair<std::int64_t, std::int64_t>> odd, even;
    for (int id = 4; id < 604; ++id)
        (id % 2 == 1 ? odd : even).emplace_back(1000 + (id * 7919) % 1009, id);
    CHECK(page("larger:15", 0, 20) == newest(odd, 0, 20));
    CHECK(page("larger:15", 290, 20) == newest(odd, 290, 20));
    even.emplace_back(100, 1);
    even.emplace_back(200, 2);
    even.emplace_back(300, 3);
    CHECK(page("smaller:15", 0, 500) == newest(even, 0, 500));
    CHECK(page("common -rare", 0, 20) == [&] {
        std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
        for (const auto& [date, id] : common)
            if (id % 60 != 0)
                pairs.emplace_back(date, id);
        return newest(pairs, 0, 20);
    }());
}

namespace {

/// Adds catalog messages (id, date or NULL) for user ann's Inbox beside the fixture's.
void add_catalog_messages(const IndexFixture& fixture, const std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>>& messages) {
    sqlite3* catalog = nullptr;
    REQUIRE(sqlite3_open((fixture.directory.path() / "catalog.db").c_str(), &catalog) == SQLITE_OK);
    for (const auto& [id, date] : messages) {
        const std::string insert = "INSERT INTO messages VALUES(" + std::to_string(id) + ", " +
                                   (date ? std::to_string(*date) : "NULL") +
                                   ", 'a', 'b', 's', 10, 0, ''); INSERT INTO placements VALUES(" + std::to_string(id) +
                                   ", 1);";
        REQUIRE(sqlite3_exec(catalog, insert.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    }
    sqlite3_close(catalog);
}

std::vector<std::int64_t> page_ids(search::SearchIndex& index, const std::string& query) {
    search::SearchRequest request;
    request.query = query;
    auto hits = index.search(request);
    REQUIRE_MESSAGE(hits, (hits ? std::string() : hits.error().describe()));
    std::vector<std::int64_t> ids;
    for (const auto& hit : *hits)
        ids.push_back(hit.message_id);
    return ids;
}

constexpr std::int64_t March2019 = 1551398400;  // 2019-03-01 00:00:00 UTC
constexpr std::int64_t Far = std::int64_t(1) << 16;  // a message id with the same low key bits as id - Far

}  // namespace

TEST_CASE("documents are keyed by date: newest first, undated last, dates searched as key ranges") {
    IndexFixture fixture;
    add_catalog_messages(fixture, {{10, March2019},
                                   {11, March2019},
                                   {12, std::nullopt},
                                   {13, March2019 - 86400 * 365},
                                   {14, March2019 + 86400 * 400},
                                   {Far + 10, March2019}});
    auto index = fixture.open();
    REQUIRE(index.begin());
    // Added out of date order, as an import of several mailboxes would.
    for (const auto& [id, date] : std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>>{
             {12, std::nullopt}, {14, March2019 + 86400 * 400}, {10, March2019}, {Far + 10, March2019},
             {13, March2019 - 86400 * 365}, {11, March2019}})
        REQUIRE(index.add(id, date, body_document("word")));
    REQUIRE(index.commit());

    // Within the same second the later message first. Far + 10 shares its second and the low
    // bits of its id with 10, so it takes the next free key below (document_key.h): after 10.
    CHECK(page_ids(index, "word") == std::vector<std::int64_t>{14, 11, 10, Far + 10, 13, 12});
    CHECK(count(index, "word") == 6);
    CHECK(page_ids(index, "word date:2019") == std::vector<std::int64_t>{11, 10, Far + 10});
    CHECK(count(index, "word date:2019") == 3);
    CHECK(count(index, "word date:2019-03-01") == 3);
    CHECK(count(index, "word before:2019-03-01") == 1);
    CHECK(page_ids(index, "word after:2019-03-02") == std::vector<std::int64_t>{14});
    CHECK(page_ids(index, "word date:2018..2019 date:2019..2020") == std::vector<std::int64_t>{11, 10, Far + 10});
    // A negated date is no range: undated messages match it.
    CHECK(page_ids(index, "word -date:2019") == std::vector<std::int64_t>{14, 13, 12});
    // Bounds beyond the dates with exact keys are tested on the catalog's dates.
    CHECK(count(index, "word after:0500") == 5);
    CHECK(count(index, "word before:0500") == 0);

    REQUIRE(index.begin());
    REQUIRE(index.remove(10));
    REQUIRE(index.commit());
    CHECK(page_ids(index, "word") == std::vector<std::int64_t>{14, 11, Far + 10, 13, 12});
    CHECK(*index.contains(Far + 10));
    CHECK_FALSE(*index.contains(10));
}

TEST_CASE("a count read in slices on two threads equals the hits of the search") {
    IndexFixture fixture;
    // 400 messages over twenty years, every ninth undated, with words in overlapping sets.
    std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> messages;
    for (std::int64_t id = 100; id < 500; ++id)
        messages.emplace_back(id, id % 9 == 0 ? std::nullopt
                                              : std::optional<std::int64_t>(978307200 + (id * 7919 % 400) * 86400 * 18));
    add_catalog_messages(fixture, messages);
    auto index = fixture.open();
    REQUIRE(index.begin());
    for (const auto& [id, date] : messages) {
        std::string body = id % 5 == 0 ? "gamma delta" : "delta gamma";
        if (id % 2)
            body += " alpha";
        if (id % 3)
            body += " beta";
        REQUIRE(index.add(id, date, body_document(body)));
    }
    REQUIRE(index.commit());

    auto hits = [&](const std::string& query) {
        search::SearchRequest request;
        request.query = query;
        request.limit = 100000;
        auto found = index.search(request);
        REQUIRE(found);
        return static_cast<std::uint64_t>(found->size());
    };
    for (const char* query : {"alpha", "alpha beta", "alpha -beta", "alpha OR beta", "\"gamma delta\"", "delta",
                              "beta date:2005..2012", "alpha -date:2010", "beta before:2003", "gamma after:2019",
                              "zeta", "alpha larger:5"}) {
        CAPTURE(query);
        const std::uint64_t expected = hits(query);
        index.set_parallel_count_after(std::chrono::microseconds(0), 0);  // always on two threads
        CHECK(count(index, query) == expected);
        index.set_parallel_count_after(std::chrono::hours(1), 0);  // the newest slice, then the rest
        CHECK(count(index, query) == expected);
    }
    CHECK(hits("alpha") == 200);
    CHECK(hits("\"gamma delta\"") == 80);
}

namespace {

/// The index's recorded terms (index_terms) that begin with PREFIX.
std::vector<std::string> recorded_terms(const IndexFixture& fixture, const std::string& prefix) {
    auto database = db::Database::open(fixture.directory.path() / "index/ann.db", db::OpenMode::ReadOnly);
    REQUIRE(database);
    auto query = database->prepare("SELECT term FROM index_terms WHERE substr(term, 1, length(?1)) = ?1 ORDER BY term");
    REQUIRE(query);
    query->bind(1, prefix);
    std::vector<std::string> terms;
    while (*query->step())
        terms.push_back(query->column_text(0));
    return terms;
}

}  // namespace

TEST_CASE("a prefix is searched as the terms the index recorded from its documents") {
    IndexFixture fixture;
    // Message id -> body: 40 words beginning with "init" (more than a count reads in one
    // statement), spread over 200 messages, some in the subject only.
    std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> messages;
    std::map<std::int64_t, std::string> bodies;
    for (std::int64_t id = 100; id < 300; ++id) {
        messages.emplace_back(id, id % 11 == 0 ? std::nullopt : std::optional<std::int64_t>(978307200 + id * 86400 * 30));
        bodies[id] = id % 3 ? "init" + std::to_string(id % 40) + " Résumé" : "other words";
    }
    add_catalog_messages(fixture, messages);
    auto index = fixture.open();
    REQUIRE(index.begin());
    for (const auto& [id, date] : messages) {
        search::IndexDocument document = body_document(bodies[id]);
        if (id % 7 == 0)
            document.subject = "initial subject";
        REQUIRE(index.add(id, date, document));
    }
    REQUIRE(index.commit());
    // Tokens as the tokenizer gives them (folded), from documents only.
    CHECK(recorded_terms(fixture, "init").size() == 41);  // init0..init39 and initial
    CHECK(recorded_terms(fixture, "resume") == std::vector<std::string>{"resume"});
    CHECK(count(index, "neverindexed") == 0);
    CHECK(count(index, "querywo*") == 0);
    CHECK(recorded_terms(fixture, "neverindexed").empty());
    CHECK(recorded_terms(fixture, "querywo").empty());

    auto expected = [&](auto predicate) {
        std::vector<std::int64_t> ids;
        for (const auto& [id, date] : messages)
            if (predicate(id))
                ids.push_back(id);
        return ids;
    };
    auto check = [&](const std::string& query, const std::vector<std::int64_t>& ids) {
        CAPTURE(query);
        for (auto threshold : {std::chrono::hours(1), std::chrono::hours(0)}) {
            index.set_parallel_count_after(threshold, 0);
            CHECK(count(index, query) == ids.size());
        }
        search::SearchRequest request;
        request.query = query;
        request.limit = 1000;
        auto hits = index.search(request);
        REQUIRE(hits);
        std::vector<std::int64_t> found;
        for (const auto& hit : *hits) {
            found.push_back(hit.message_id);
            CHECK(hit.snippet.find('\x02') != std::string::npos);
        }
        std::sort(found.begin(), found.end());
        CHECK(found == ids);
    };
    check("init*", expected([](std::int64_t id) { return id % 3 != 0 || id % 7 == 0; }));
    check("INIT1*", expected([](std::int64_t id) { return id % 3 != 0 && std::to_string(id % 40).starts_with("1"); }));
    check("subject:init*", expected([](std::int64_t id) { return id % 7 == 0; }));
    check("body:init* -init2*", expected([](std::int64_t id) { return id % 3 != 0 && id % 40 / 10 != 2 && id % 40 != 2; }));
    check("résu*", expected([](std::int64_t id) { return id % 3 != 0; }));
    check("init* date:2010..2012", expected([](std::int64_t id) {
        const std::int64_t date = 978307200 + id * 86400 * 30;
        return id % 11 != 0 && date >= 1262304000 && date < 1356998400 && (id % 3 != 0 || id % 7 == 0);
    }));

    // Removed documents' terms stay recorded and match nothing; new documents' terms are
    // searchable inside the transaction that adds them.
    REQUIRE(index.begin());
    for (std::int64_t id = 100; id < 300; ++id)
        if (id % 40 == 39 && id % 3 != 0)
            REQUIRE(index.remove(id));
    REQUIRE(index.add(100, messages.front().second, body_document("initnew")));
    CHECK(count(index, "initn*") == 1);  // written, terms too, for the search
    REQUIRE(index.add(102, messages[2].second, body_document("initnext")));
    REQUIRE(index.commit());
    CHECK(recorded_terms(fixture, "init39").size() == 1);
    CHECK(recorded_terms(fixture, "initn") == std::vector<std::string>{"initnew", "initnext"});
    check("init39*", {});
    check("initn*", {100, 102});

    // A prefix of more terms than are worth naming (600) is left to FTS5, with the same result.
    REQUIRE(index.begin());
    std::string many;
    for (int word = 0; word < 600; ++word)
        many += " zz" + std::to_string(1000 + word);
    REQUIRE(index.add(101, messages[1].second, body_document(many)));
    REQUIRE(index.commit());
    check("zz*", {101});
    check("zz10*", {101});
    // Six prefixes of 101 terms each: five are named (512 terms at most), one left to FTS5.
    check("zz10* OR zz11* OR zz12* OR zz13* OR zz14* OR zz15*", {101});
    check("zz10* zz11* zz12* zz13* zz14* zz15*", {101});
}

TEST_CASE("an index of version 3 gets its term list from FTS5's own") {
    IndexFixture fixture;
    {
        auto index = fixture.open();
        REQUIRE(index.begin());
        REQUIRE(index.add(1, 100, body_document("initial words")));
        REQUIRE(index.add(2, 200, body_document("initrd image")));
        REQUIRE(index.set_catalog_generation(5));
        REQUIRE(index.commit());
    }
    change_index_file(fixture, "DROP TABLE index_terms; UPDATE index_settings SET value = '3' WHERE key = 'version'");
    {
        // Searched as it is (the desktop does while an import holds the writer lock): FTS5
        // expands the prefix.
        auto read_only = search::SearchIndex::open(fixture.directory.path(), "ann", search::SearchIndex::Mode::ReadOnly);
        REQUIRE(read_only);
        CHECK(count(*read_only, "init*") == 2);
    }

    auto index = fixture.open();
    CHECK(*index.is_current_version());
    CHECK(*index.document_count() == 2);
    CHECK(*index.catalog_generation() == 5);
    CHECK(recorded_terms(fixture, "") == std::vector<std::string>{"image", "initial", "initrd", "words"});
    CHECK(count(index, "init*") == 2);
    CHECK(page_ids(index, "initi*") == std::vector<std::int64_t>{1});
}

TEST_CASE("an index of version 2 (keyed by message id) is converted in place, keeping its texts") {
    IndexFixture fixture(20);
    {
        // Version 2's schema, as Cairn 0.x wrote it.
        std::filesystem::create_directories(fixture.directory.path() / "index");
        auto database = db::Database::open(fixture.directory.path() / "index/ann.db", db::OpenMode::ReadWrite);
        REQUIRE(database);
        REQUIRE(db::register_text_tokenizer(*database));
        REQUIRE(db::register_unpack_text(*database));
        REQUIRE(database->execute(R"sql(
CREATE TABLE index_settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO index_settings VALUES('version', '2'), ('catalog_generation', '7');
CREATE TABLE document_texts(id INTEGER PRIMARY KEY, sender, recipients, cc, bcc, subject, body, attachment, filename, headers);
CREATE VIEW document_view AS SELECT id, unpack_text(sender) AS sender, unpack_text(recipients) AS recipients,
  unpack_text(cc) AS cc, unpack_text(bcc) AS bcc, unpack_text(subject) AS subject, unpack_text(body) AS body,
  unpack_text(attachment) AS attachment, unpack_text(filename) AS filename, unpack_text(headers) AS headers
  FROM document_texts;
CREATE VIRTUAL TABLE documents USING fts5(sender, recipients, cc, bcc, subject, body, attachment, filename, headers,
  content = 'document_view', content_rowid = 'id', tokenize = 'cairn');
)sql"));
        auto text = database->prepare("INSERT INTO document_texts(id, body, attachment) VALUES(?, ?, ?)");
        REQUIRE(text);
        for (int id = 1; id <= 23; ++id) {
            text->bind(1, id).bind(2, "message " + std::to_string(id) + (id % 2 ? " odd" : " even"));
            text->bind(3, id == 5 ? std::string("extracted attachment words") : std::string());
            REQUIRE(text->run());
        }
        REQUIRE(database->execute("INSERT INTO documents(documents) VALUES('rebuild')"));
    }
    struct Counter : ProgressObserver {
        std::uint64_t finished = 0;
        void update(const Progress&) override {}
        void finish(const Progress& progress) override { finished = progress.done; }
    } observer;
    auto converted = search::SearchIndex::open(fixture.directory.path(), "ann", search::SearchIndex::Mode::ReadWrite,
                                               &observer);
    REQUIRE_MESSAGE(converted, (converted ? std::string() : converted.error().describe()));
    CHECK(observer.finished == 23);
    CHECK(*converted->is_current_version());
    CHECK(*converted->document_count() == 23);
    CHECK(*converted->catalog_generation() == 7);  // as complete as before
    CHECK(count(*converted, "odd") == 12);
    CHECK(recorded_terms(fixture, "odd") == std::vector<std::string>{"odd"});
    CHECK(recorded_terms(fixture, "extr") == std::vector<std::string>{"extracted"});
    CHECK(recorded_terms(fixture, "2") == std::vector<std::string>{"2", "20", "21", "22", "23"});
    CHECK(count(*converted, "attachment:extracted") == 1);
    // Newest first now, by the catalog's dates (messages 4.. are not in id order).
    std::vector<std::pair<std::int64_t, std::int64_t>> even;
    for (int id = 2; id <= 23; id += 2)
        even.emplace_back(id < 4 ? id * 100 : 1000 + (id * 7919) % 1009, id);
    std::sort(even.rbegin(), even.rend());
    std::vector<std::int64_t> expected;
    for (const auto& [date, id] : even)
        expected.push_back(id);
    CHECK(page_ids(*converted, "even") == expected);
    search::SearchRequest request;
    request.query = "extracted";
    auto hits = converted->search(request);
    REQUIRE(hits);
    REQUIRE(hits->size() == 1);
    CHECK(hits->front().message_id == 5);
    CHECK(hits->front().snippet.find("\x02" "extracted\x03") != std::string::npos);
    // Only the attachment holds the word: the snippet says so, for the list to tell the reader.
    CHECK(hits->front().snippet_field == "attachment");
}

TEST_CASE("document keys: undated below every dated key, the same second ordered by id, dates as ranges") {
    using search::document_key;
    CHECK(document_key(std::nullopt, (std::int64_t(1) << 40)) < document_key(-(std::int64_t(1) << 40), 0));
    CHECK(document_key(std::nullopt, 7) < document_key(std::nullopt, 8));
    CHECK(document_key(March2019, 7) < document_key(March2019, 8));
    CHECK(document_key(March2019, 65535) < document_key(March2019 + 1, 0));
    CHECK(document_key(0, 1) < document_key(March2019, 1));  // 1970 and before stay in order
    CHECK(document_key(-86400, 1) < document_key(0, 1));
    const auto range = search::document_key_range(March2019, March2019 + 86400);
    REQUIRE(range);
    CHECK(range->first <= document_key(March2019, 0));
    CHECK(document_key(March2019 - 1, 65535) < range->first);
    CHECK(document_key(March2019 + 86399, 65535) < range->end);
    CHECK(range->end <= document_key(March2019 + 86400, 0));
    const auto open_ended = search::document_key_range(std::nullopt, std::nullopt);
    REQUIRE(open_ended);
    CHECK(open_ended->first > document_key(std::nullopt, std::int64_t(1) << 40));
    CHECK(open_ended->end > document_key(std::int64_t(1) << 40, 65535));  // clamped far future included
    CHECK_FALSE(search::document_key_range(std::int64_t(1) << 40, std::nullopt).has_value());
}
