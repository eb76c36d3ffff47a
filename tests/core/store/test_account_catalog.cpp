// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "core/db/database.h"
#include "core/store/catalog.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using namespace cairn::store;

TEST_SUITE("store.account_catalog") {
TEST_CASE("an archive from before the fetched column gains it; a message fetched again keeps its first time") {
    testing::TempDir directory;
    const auto path = directory.path() / "catalog.db";
    {
        // remote_messages as the first schema 1 builds wrote it.
        auto database = db::Database::open(path, db::OpenMode::ReadWrite);
        REQUIRE(database);
        REQUIRE(database->execute(R"sql(
CREATE TABLE remote_messages(
  remote_folder_id INTEGER NOT NULL,
  uid_validity INTEGER NOT NULL,
  remote_key TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  PRIMARY KEY(remote_folder_id, uid_validity, remote_key)) WITHOUT ROWID;
INSERT INTO remote_messages VALUES(1, 7, '42', 3);)sql"));
    }
    auto catalog = Catalog::open(path, db::OpenMode::ReadWrite);
    REQUIRE_MESSAGE(catalog, (catalog ? "" : catalog.error().describe()));
    // The rows point at no real messages or folders here.
    REQUIRE(catalog->database().execute("PRAGMA foreign_keys = OFF"));

    auto old_rows = catalog->remote_messages(1, 7);
    REQUIRE(old_rows);
    REQUIRE(old_rows->size() == 1);
    CHECK(old_rows->front().remote_key == "42");
    CHECK_FALSE(old_rows->front().fetched);  // unknown: never old enough for a POP3 delete rule

    REQUIRE(catalog->record_remote_message(2, 0, "UIDL-a", 10));
    REQUIRE(catalog->database().execute("UPDATE remote_messages SET fetched = 1000 WHERE remote_key = 'UIDL-a'"));
    REQUIRE(catalog->record_remote_message(2, 0, "UIDL-a", 11));
    REQUIRE(catalog->record_remote_message(2, 0, "UIDL-b", 12));
    auto rows = catalog->remote_messages(2, 0);
    REQUIRE(rows);
    REQUIRE(rows->size() == 2);
    CHECK(rows->at(0).remote_key == "UIDL-a");
    CHECK(rows->at(0).message_id == 11);
    CHECK(rows->at(0).fetched == 1000);
    CHECK(rows->at(1).remote_key == "UIDL-b");
    REQUIRE(rows->at(1).fetched);
    CHECK(*rows->at(1).fetched > 1700000000);
    CHECK(catalog->remote_messages(2, 1)->empty());
}
}
