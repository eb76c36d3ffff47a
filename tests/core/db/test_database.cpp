// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "core/db/database.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using cairn::testing::TempDir;

namespace {
std::int64_t count_rows(db::Database& database) {
    auto query = database.prepare("SELECT count(*) FROM t");
    REQUIRE(query);
    REQUIRE(*query->step());
    return query->column_int(0);
}
}  // namespace

TEST_SUITE("db") {
TEST_CASE("a transaction that is not committed is rolled back when it goes out of scope") {
    TempDir directory;
    auto database = db::Database::open(directory.path() / "t.db", db::OpenMode::ReadWrite);
    REQUIRE(database);
    REQUIRE(database->execute("CREATE TABLE t(x INTEGER UNIQUE, y BLOB)"));
    {
        auto transaction = db::Transaction::begin(*database);
        REQUIRE(transaction);
        REQUIRE(database->execute("INSERT INTO t(x) VALUES(1)"));
    }
    CHECK(count_rows(*database) == 0);
    {
        auto transaction = db::Transaction::begin(*database);
        REQUIRE(database->execute("INSERT INTO t(x) VALUES(1)"));
        REQUIRE(transaction->commit());
    }
    CHECK(count_rows(*database) == 1);
}

TEST_CASE("blobs with NUL bytes and text round-trip through bound statements") {
    TempDir directory;
    auto database = db::Database::open(directory.path() / "t.db", db::OpenMode::ReadWrite);
    REQUIRE(database->execute("CREATE TABLE t(x INTEGER UNIQUE, y BLOB)"));
    std::string bytes("a\0b\xff", 4);
    auto insert = database->prepare("INSERT INTO t(x, y) VALUES(?, ?)");
    REQUIRE(insert);
    insert->bind(1, std::int64_t{7}).bind_blob(2, bytes);
    REQUIRE(insert->run());
    auto select = database->prepare("SELECT y FROM t WHERE x = ?");
    select->bind(1, std::int64_t{7});
    REQUIRE(*select->step());
    CHECK(select->column_blob(0) == bytes);
}

TEST_CASE("a constraint violation is an error with the database named, not an exception") {
    TempDir directory;
    auto database = db::Database::open(directory.path() / "t.db", db::OpenMode::ReadWrite);
    REQUIRE(database->execute("CREATE TABLE t(x INTEGER UNIQUE, y BLOB)"));
    REQUIRE(database->execute("INSERT INTO t(x) VALUES(1)"));
    auto again = database->execute("INSERT INTO t(x) VALUES(1)");
    REQUIRE_FALSE(again);
    CHECK(again.error().context.find("t.db") != std::string::npos);
    CHECK_FALSE(database->prepare("SELECT nonsense FROM nowhere"));
}

TEST_CASE("a read-only open of a missing database fails cleanly") {
    TempDir directory;
    auto missing = db::Database::open(directory.path() / "missing.db", db::OpenMode::ReadOnly);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::NotFound);
}
}
