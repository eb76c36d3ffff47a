// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end tests of search: the real binary, a real archive, exact hit sets.
#include <doctest/doctest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "core/db/database.h"
#include "core/search/search_index.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/temp_dir.h"

using namespace cairn::testing;
using nlohmann::json;

namespace doctest {
template <>
struct StringMaker<std::set<std::string>> {
    static String convert(const std::set<std::string>& values) {
        std::string text = "{";
        for (const auto& value : values)
            text += (text.size() > 1 ? ", \"" : "\"") + value + "\"";
        return (text + "}").c_str();
    }
};
}  // namespace doctest

namespace {

const RunOptions with_passphrase{{{"CAIRN_PASSPHRASE", "test passphrase"}}, std::nullopt, "", ""};

std::string message(const std::string& from, const std::string& subject, const std::string& date,
                    const std::string& body, const std::string& extra_headers = "") {
    return "From: " + from + "\nTo: team@example.org\nSubject: " + subject + "\nDate: " + date +
           "\nMessage-ID: <" + std::to_string(std::hash<std::string>{}(subject + body)) + "@example.org>\n" +
           extra_headers + "\n" + body;
}

std::string with_attachment(const std::string& subject, const std::string& file_name, const std::string& text) {
    return "From: Carol <carol@example.org>\nTo: team@example.org\nSubject: " + subject +
           "\nDate: Mon, 3 Feb 2020 10:00:00 +0000\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nSee attached.\n"
           "--b\nContent-Type: text/plain; name=\"" + file_name + "\"\nContent-Disposition: attachment; filename=\"" +
           file_name + "\"\n\n" + text + "\n--b--\n";
}

struct SearchWorkspace {
    TempDir temp;
    std::map<std::string, std::int64_t> ids;  // subject -> message id

    std::string archive() const { return (temp.path() / "archive").string(); }
    RunResult cairn(std::vector<std::string> arguments) const {
        arguments.insert(arguments.begin(), {"--archive", archive()});
        return run_cairn(arguments, with_passphrase);
    }

    SearchWorkspace() {
        REQUIRE(cairn({"init"}).exit_code == 0);
        auto in = temp.path() / "in";
        write_file(in / "Inbox/1.eml", message("Alice Martin <alice@example.org>", "Quarterly report", "Tue, 14 May 2019 09:00:00 +0000",
                                                "The quarterly numbers are in. Résumé attached later.\n"));
        write_file(in / "Inbox/2.eml", message("Bob Stone <bob@example.org>", "Lunch on Friday", "Fri, 20 Dec 2019 12:00:00 +0000",
                                                "Shall we have lunch? The report can wait.\n"));
        write_file(in / "Inbox/3.eml", message("Alice Martin <alice@example.org>", "会議の予定", "Wed, 8 Jan 2020 08:00:00 +0000",
                                                "東京都の会議は来週です。\n",
                                                "Content-Type: text/plain; charset=utf-8\nMIME-Version: 1.0\n"));
        write_file(in / "Archive/Old/4.eml", message("Dave <dave@example.org>", "Old patch", "Sat, 1 Jun 2013 00:00:00 +0000",
                                                      "A patch from long ago: fix the frobnicator.\n"));
        write_file(in / "Inbox/5.eml", with_attachment("Budget attached", "budget-2020.txt",
                                                       "Spending plan with the word zeppelin inside."));
        auto imported = cairn({"import", "--user", "ann", in.string()});
        REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
        auto listing = json::parse(cairn({"list", "--json"}).out);
        for (const auto& item : listing["messages"])
            ids[item["subject"].get<std::string>()] = item["id"].get<std::int64_t>();
        REQUIRE(ids.size() == 5);
    }

    std::set<std::string> subjects(const std::string& query) const {
        auto result = cairn({"search", "--user", "ann", "--json", query});
        INFO(query << ": " << result.err);
        REQUIRE(result.exit_code == 0);
        std::set<std::string> found;
        auto document = json::parse(result.out);  // kept: a loop over a temporary's member would dangle
        for (const auto& hit : document["hits"])
            found.insert(hit["subject"].get<std::string>());
        return found;
    }
};

using Subjects = std::set<std::string>;

std::string command_output(const std::string& command) {
    std::string output;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        while (std::size_t read = std::fread(buffer, 1, sizeof buffer, pipe))
            output.append(buffer, read);
        ::pclose(pipe);
    }
    return output;
}

}  // namespace

TEST_SUITE("cli.search") {
TEST_CASE("every form of the query language finds exactly the right messages") {
    SearchWorkspace workspace;
    CHECK(workspace.subjects("report") == Subjects{"Quarterly report", "Lunch on Friday"});
    CHECK(workspace.subjects("subject:report") == Subjects{"Quarterly report"});
    CHECK(workspace.subjects("from:alice") == Subjects{"Quarterly report", "会議の予定"});
    CHECK(workspace.subjects("from:alice@example.org") == Subjects{"Quarterly report", "会議の予定"});
    CHECK(workspace.subjects("\"quarterly numbers\"") == Subjects{"Quarterly report"});
    CHECK(workspace.subjects("\"numbers quarterly\"").empty());
    CHECK(workspace.subjects("frob*") == Subjects{"Old patch"});
    CHECK(workspace.subjects("resume") == Subjects{"Quarterly report"});  // accents folded
    CHECK(workspace.subjects("会議") == Subjects{"会議の予定"});             // CJK inside a sentence
    CHECK(workspace.subjects("東京") == Subjects{"会議の予定"});
    CHECK(workspace.subjects("report OR patch") == Subjects{"Quarterly report", "Lunch on Friday", "Old patch"});
    CHECK(workspace.subjects("report -lunch") == Subjects{"Quarterly report"});
    CHECK(workspace.subjects("report NOT lunch") == Subjects{"Quarterly report"});
    CHECK(workspace.subjects("(alice OR dave) patch") == Subjects{"Old patch"});
    CHECK(workspace.subjects("has:attachment") == Subjects{"Budget attached"});
    CHECK(workspace.subjects("filename:budget") == Subjects{"Budget attached"});
    CHECK(workspace.subjects("zeppelin") == Subjects{"Budget attached"});
    CHECK(workspace.subjects("folder:Archive") == Subjects{"Old patch"});
    CHECK(workspace.subjects("folder:Inbox from:bob") == Subjects{"Lunch on Friday"});
    CHECK(workspace.subjects("before:2014") == Subjects{"Old patch"});
    CHECK(workspace.subjects("after:2020-01-01") == Subjects{"会議の予定", "Budget attached"});
    CHECK(workspace.subjects("date:2019") == Subjects{"Quarterly report", "Lunch on Friday"});
    CHECK(workspace.subjects("date:2019-12..2020-01") == Subjects{"Lunch on Friday", "会議の予定"});
    CHECK(workspace.subjects("smaller:10K -has:attachment date:2013") == Subjects{"Old patch"});
    CHECK(workspace.subjects("larger:100M").empty());
}

TEST_CASE("results come newest first with snippets and attachment names, and --count counts") {
    SearchWorkspace workspace;
    auto result = workspace.cairn({"search", "--user", "ann", "--json", "report"});
    REQUIRE(result.exit_code == 0);
    auto hits = json::parse(result.out)["hits"];
    REQUIRE(hits.size() == 2);
    CHECK(hits[0]["subject"] == "Lunch on Friday");
    CHECK(hits[1]["subject"] == "Quarterly report");
    CHECK(hits[0]["snippet"].get<std::string>().find("\x02report\x03") != std::string::npos);
    auto with_attachment = json::parse(workspace.cairn({"search", "--user", "ann", "--json", "zeppelin"}).out)["hits"];
    REQUIRE(with_attachment.size() == 1);
    CHECK(with_attachment[0]["attachments"] == json::array({"budget-2020.txt"}));
    auto count = workspace.cairn({"search", "--user", "ann", "--count", "report OR patch"});
    CHECK(count.exit_code == 0);
    CHECK(count.out == "3\n");
    auto page = json::parse(workspace.cairn({"search", "--user", "ann", "--json", "--limit", "1", "--offset", "1", "report"}).out);
    REQUIRE(page["hits"].size() == 1);
    CHECK(page["hits"][0]["subject"] == "Quarterly report");
}

TEST_CASE("a signature is not an attachment for has:attachment") {
    SearchWorkspace workspace;
    auto in = workspace.temp.path() / "signed";
    write_file(in / "s.eml",
               "From: Gus <gus@example.org>\nSubject: Signed note\nDate: Mon, 3 Feb 2020 10:00:00 +0000\n"
               "MIME-Version: 1.0\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\"; "
               "boundary=\"s\"\n\n--s\nContent-Type: text/plain\n\nSigned words.\n--s\n"
               "Content-Type: application/pgp-signature; name=\"signature.asc\"\n\n"
               "-----BEGIN PGP SIGNATURE-----\nAAAA\n-----END PGP SIGNATURE-----\n--s--\n");
    REQUIRE(workspace.cairn({"import", "--user", "ann", in.string()}).exit_code == 0);
    CHECK(workspace.subjects("signed") == Subjects{"Signed note"});
    CHECK(workspace.subjects("has:attachment") == Subjects{"Budget attached"});
}

TEST_CASE("folder queries count what they list, and a message in two matching folders once") {
    SearchWorkspace workspace;
    // The Quarterly report again, in a second folder of ann's: one message, two placements.
    auto again = workspace.temp.path() / "again";
    write_file(again / "1.eml", message("Alice Martin <alice@example.org>", "Quarterly report",
                                        "Tue, 14 May 2019 09:00:00 +0000",
                                        "The quarterly numbers are in. Résumé attached later.\n"));
    REQUIRE(workspace.cairn({"import", "--user", "ann", "--folder", "Saved", again.string()}).exit_code == 0);
    auto count = [&](const std::string& query) {
        return workspace.cairn({"search", "--user", "ann", "--count", query}).out;
    };
    CHECK(workspace.subjects("folder:Saved") == Subjects{"Quarterly report"});
    CHECK(count("folder:Saved") == "1\n");
    CHECK(workspace.subjects("folder:Inbox OR folder:Saved") ==
          Subjects{"Quarterly report", "Lunch on Friday", "会議の予定", "Budget attached"});
    CHECK(count("folder:Inbox OR folder:Saved") == "4\n");
    // A folder condition is about one placement: the report's placement in Inbox is not in Saved.
    CHECK(count("folder:Inbox -folder:Saved") == "4\n");
    CHECK(workspace.subjects("folder:Archive date:2013") == Subjects{"Old patch"});
    CHECK(count("folder:Archive date:2013") == "1\n");
    CHECK(count("NOT folder:Inbox") == "2\n");  // Old patch, and the report's placement in Saved
    CHECK(count("folder:Inbox smaller:1K") == count("smaller:1K folder:Inbox"));
    // With words: the folder's few messages are gathered first, then the words' matches.
    CHECK(workspace.subjects("folder:Saved quarterly") == Subjects{"Quarterly report"});
    CHECK(count("folder:Saved quarterly") == "1\n");
    CHECK(workspace.subjects("folder:Inbox report") == Subjects{"Quarterly report", "Lunch on Friday"});
    CHECK(count("folder:Inbox report") == "2\n");
    CHECK(count("folder:Archive report") == "0\n");
    CHECK(count("(folder:Inbox OR folder:Saved) numbers") == "1\n");
    CHECK(workspace.subjects("report folder:Inbox date:2019-12") == Subjects{"Lunch on Friday"});
}

TEST_CASE("a query that cannot be read is a usage error that points at the problem") {
    SearchWorkspace workspace;
    auto result = workspace.cairn({"search", "--user", "ann", "form:alice"});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("from:") != std::string::npos);
    CHECK(result.err.find("^") != std::string::npos);
    CHECK(workspace.cairn({"search", "--user", "ann", "(report"}).exit_code == 2);
    CHECK(workspace.cairn({"search", "--user", "ann", "date:2019-13"}).exit_code == 2);
}

TEST_CASE("each user searches their own mail; --all-users searches everyone's") {
    SearchWorkspace workspace;
    auto other = workspace.temp.path() / "other";
    write_file(other / "x.eml", message("Eve <eve@example.org>", "Another report", "Thu, 2 Apr 2020 10:00:00 +0000", "Eve's report.\n"));
    REQUIRE(workspace.cairn({"import", "--user", "eve", other.string()}).exit_code == 0);
    CHECK(workspace.subjects("report") == Subjects{"Quarterly report", "Lunch on Friday"});
    auto all = json::parse(workspace.cairn({"search", "--all-users", "--json", "report"}).out)["hits"];
    std::set<std::string> users;
    for (const auto& hit : all)
        users.insert(hit["user"].get<std::string>());
    CHECK(all.size() == 3);
    CHECK(users == std::set<std::string>{"ann", "eve"});
    CHECK(workspace.cairn({"search", "--all-users", "--count", "report"}).out == "3\n");
    // Without a text term, each user's messages come from the catalog by placement.
    CHECK(workspace.cairn({"search", "--user", "eve", "--count", "date:2020-04-02"}).out == "1\n");
    CHECK(workspace.cairn({"search", "--user", "eve", "--count", "NOT report"}).out == "0\n");
}

TEST_CASE("a lost or damaged index is rebuilt by the next search, and by reindex") {
    SearchWorkspace workspace;
    auto index = workspace.temp.path() / "archive/index/ann.db";
    REQUIRE(std::filesystem::exists(index));
    std::filesystem::remove(index);
    auto missing = workspace.cairn({"search", "--user", "ann", "report"});
    CHECK(missing.exit_code == 0);
    CHECK(missing.err.find("ann.db is missing; rebuilding it now") != std::string::npos);
    CHECK(workspace.subjects("report") == Subjects{"Quarterly report", "Lunch on Friday"});

    // Garbage where the index was: SQLite calls it "not a database".
    for (const char* suffix : {"-wal", "-shm"})
        std::filesystem::remove(index.string() + suffix);
    write_file(index, std::string(8192, 'x'));
    auto damaged = workspace.cairn({"search", "--user", "ann", "--count", "report"});
    CHECK(damaged.exit_code == 0);
    CHECK(damaged.out == "2\n");
    CHECK(damaged.err.find("is damaged") != std::string::npos);

    auto rebuilt = workspace.cairn({"reindex", "--user", "ann"});
    CHECK(rebuilt.exit_code == 0);
    CHECK(workspace.subjects("report") == Subjects{"Quarterly report", "Lunch on Friday"});
}

TEST_CASE("an index built by another version is updated by the next search, with a line saying so") {
    SearchWorkspace workspace;
    {
        auto database = cairn::db::Database::open(workspace.temp.path() / "archive/index/ann.db",
                                                  cairn::db::OpenMode::ReadWrite);
        REQUIRE(database);
        REQUIRE(database->execute("UPDATE index_settings SET value = '1' WHERE key = 'version'"));
    }
    auto updated = workspace.cairn({"search", "--user", "ann", "--timing", "report"});
    CHECK(updated.exit_code == 0);
    CHECK(updated.err.find("was built by another version of Cairn; updating it now") != std::string::npos);
    CHECK(updated.err.find("search time: ") != std::string::npos);
    CHECK(workspace.subjects("report") == Subjects{"Quarterly report", "Lunch on Friday"});
    CHECK(workspace.cairn({"search", "--user", "ann", "report"}).err.empty());
}

TEST_CASE("an index that lost documents is caught up by the next import") {
    SearchWorkspace workspace;
    auto index = workspace.temp.path() / "archive/index/ann.db";
    // What a crash between the catalog's and the index's commits leaves: documents missing,
    // whatever the next import brings.
    std::filesystem::remove(index);
    auto more = workspace.temp.path() / "more";
    write_file(more / "6.eml", message("Frank <frank@example.org>", "New mail", "Fri, 1 May 2020 10:00:00 +0000", "Unrelated.\n"));
    REQUIRE(workspace.cairn({"import", "--user", "ann", more.string()}).exit_code == 0);
    CHECK(workspace.subjects("report") == Subjects{"Quarterly report", "Lunch on Friday"});
    CHECK(workspace.subjects("unrelated") == Subjects{"New mail"});
}

TEST_CASE("a search finds a lagging index, says so and catches it up first") {
    SearchWorkspace workspace;
    {
        // The state a kill -9 between the catalog's commit and the index's leaves: the last
        // batch's documents absent, the index a generation behind the catalog.
        auto index = cairn::search::SearchIndex::open(workspace.temp.path() / "archive", "ann",
                                                      cairn::search::SearchIndex::Mode::ReadWrite);
        REQUIRE(index);
        cairn::search::SearchRequest request;
        request.query = "quarterly";
        auto hits = index->search(request);
        REQUIRE(hits);
        REQUIRE(hits->size() == 1);
        auto generation = index->catalog_generation();
        REQUIRE(generation);
        REQUIRE(index->begin());
        REQUIRE(index->remove(hits->front().message_id));
        REQUIRE(index->set_catalog_generation(*generation - 1));
        REQUIRE(index->commit());
    }
    auto search = workspace.cairn({"search", "--user", "ann", "--count", "report"});
    CHECK(search.exit_code == 0);
    CHECK(search.out == "2\n");
    CHECK(search.err.find("lacks the last 1 import batch (an import was interrupted); catching it up now") !=
          std::string::npos);
    auto again = workspace.cairn({"search", "--user", "ann", "--count", "report"});
    CHECK(again.err.empty());
}

TEST_CASE("cairn searches without loading the libraries only other commands need, and hands those to cairn-full") {
    // A search's time is mostly start-up: `cairn` must not depend on the MIME, archive-format and
    // PST libraries (GLib alone brings a dozen more).
    const std::string needed = command_output(std::string("readelf -d '") + CAIRN_BINARY + "'");
    REQUIRE(needed.find("libsqlite3") != std::string::npos);
    for (const char* library : {"libgmime", "libglib", "libgio", "libarchive", "libpff", "libxml2", "libgumbo"})
        CHECK_MESSAGE(needed.find(library) == std::string::npos, library);

    // Every other command runs in cairn-full, found beside cairn; without it, cairn says so.
    SearchWorkspace workspace;
    auto listed = workspace.cairn({"list", "--user", "ann"});
    CHECK(listed.exit_code == 0);
    CHECK(listed.out.find("Quarterly report") != std::string::npos);
    TempDir alone;
    std::filesystem::copy_file(CAIRN_BINARY, alone.path() / "cairn");
    std::filesystem::permissions(alone.path() / "cairn", std::filesystem::perms::owner_all);
    const std::string lonely = command_output("'" + (alone.path() / "cairn").string() + "' --version 2>&1; echo \"exit $?\"");
    CHECK(lonely.find("cannot start " + (alone.path() / "cairn-full").string()) != std::string::npos);
    CHECK(lonely.find("reinstall Cairn") != std::string::npos);
    CHECK(lonely.find("exit 3") != std::string::npos);
}
}
