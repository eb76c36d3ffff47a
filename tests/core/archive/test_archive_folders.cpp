// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "core/archive/archive.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using cairn::testing::TempDir;

namespace {

std::string message(const std::string& subject) {
    return "From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: " + subject +
           "\nDate: Tue, 1 Jul 2003 10:52:37 +0200\nMessage-ID: <" + subject + "@example.org>\n\nHello\n";
}

}  // namespace

TEST_CASE("folders: each of a user's folders with its own message count, sorted by path") {
    TempDir directory;
    const auto mail = directory.path() / "mail";
    testing::write_file(mail / "Inbox" / "one.eml", message("one"));
    testing::write_file(mail / "Inbox" / "two.eml", message("two"));
    testing::write_file(mail / "Inbox" / "Receipts" / "three.eml", message("three"));
    testing::write_file(mail / "Sent" / "four.eml", message("four"));
    auto created = Archive::create(directory.path() / "archive", "Correct-horse-9 battery", CreateOptions{});
    REQUIRE(created);
    ImportOptions options;
    options.user = "alice";
    auto report = created->archive.import({mail}, options, nullptr, nullptr);
    REQUIRE(report);
    REQUIRE(report->messages_stored == 4);

    auto folders = created->archive.folders("alice");
    REQUIRE(folders);
    REQUIRE(folders->size() == 3);
    CHECK((*folders)[0].path == "Inbox");
    CHECK((*folders)[0].message_count == 2);
    CHECK((*folders)[1].path == "Inbox/Receipts");
    CHECK((*folders)[1].message_count == 1);
    CHECK((*folders)[2].path == "Sent");
    CHECK((*folders)[2].message_count == 1);

    // The counts are what a listing of exactly that folder's own messages gives.
    ListFilter filter;
    filter.user = "alice";
    filter.folder = (*folders)[0].path;
    CHECK(created->archive.list(filter)->size() == 3);  // with its sub-folder

    auto nobody = created->archive.folders("nobody");
    REQUIRE(nobody);
    CHECK(nobody->empty());
}
