// SPDX-License-Identifier: GPL-3.0-or-later
// The per-user index file itself: documents stored compressed and found, replaced, removed,
// snippets from compressed text, and a version change starting the index over.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

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
    REQUIRE(index.add(1, body_document(long_body)));
    REQUIRE(index.add(2, body_document("a short needle")));
    REQUIRE(index.commit());

    CHECK(count(index, "needle") == 2);
    search::SearchRequest request;
    request.query = "needle";
    auto hits = index.search(request);
    REQUIRE(hits);
    REQUIRE(hits->size() == 2);
    CHECK(hits->at(1).message_id == 1);
    CHECK(hits->at(1).snippet == "…and here the \x02needle\x03 sits");

    // Compressed: the file is far smaller than the 70 KB of text.
    sqlite3* database = nullptr;
    REQUIRE(sqlite3_open((fixture.directory.path() / "index/ann.db").c_str(), &database) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(database, "SELECT typeof(body), length(body) FROM document_texts WHERE id = 1", -1,
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
    REQUIRE(index.add(1, body_document("first version")));
    REQUIRE(index.add(1, body_document("second version")));
    REQUIRE(index.add(3, body_document("another first")));
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
    CHECK(*missing == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("an index of another version is started over when opened for writing, and reported read-only") {
    IndexFixture fixture;
    {
        auto index = fixture.open();
        REQUIRE(index.begin());
        REQUIRE(index.add(1, body_document("old words")));
        REQUIRE(index.set_catalog_generation(7));
        REQUIRE(index.commit());
    }
    sqlite3* database = nullptr;
    REQUIRE(sqlite3_open((fixture.directory.path() / "index/ann.db").c_str(), &database) == SQLITE_OK);
    REQUIRE(sqlite3_exec(database, "UPDATE index_settings SET value = '1' WHERE key = 'version'", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    sqlite3_close(database);

    auto read_only = search::SearchIndex::open(fixture.directory.path(), "ann", search::SearchIndex::Mode::ReadOnly);
    REQUIRE(read_only);
    CHECK(*read_only->is_current_version() == false);

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
        REQUIRE(index.add(id, body_document(body)));
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
