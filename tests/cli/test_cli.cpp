// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end tests: they drive the real `cairn` binary as a user or a script would.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"
#include "tests/support/temp_dir.h"

using namespace cairn::testing;
using nlohmann::json;

namespace {

const RunOptions with_passphrase{{{"CAIRN_PASSPHRASE", "test passphrase"}}, std::nullopt, "", ""};

struct Workspace {
    TempDir temp;
    std::string archive() const { return (temp.path() / "archive").string(); }
    std::filesystem::path path(const std::string& name) const { return temp.path() / name; }

    RunResult cairn(std::vector<std::string> arguments, const RunOptions& options = with_passphrase) const {
        arguments.insert(arguments.begin(), {"--archive", archive()});
        return run_cairn(arguments, options);
    }
    void init(std::vector<std::string> extra = {}) const {
        std::vector<std::string> arguments{"init"};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        auto result = cairn(arguments);
        REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    }
    json json_of(std::vector<std::string> arguments) const {
        arguments.push_back("--json");
        auto result = cairn(arguments);
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        return json::parse(result.out);
    }
    std::uint64_t message_count() const { return json_of({"stats"})["messages"].get<std::uint64_t>(); }
};

std::string eml(const std::string& subject, const std::string& body = "Body text.\n") {
    return "From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: " + subject +
           "\nDate: Wed, 2 Oct 2019 09:00:00 +0200\nMessage-ID: <" + subject + "@example.org>\n\n" + body;
}

/// The SHA-independent multiset check: every file under dir, as a set of contents.
std::multiset<std::string> file_contents_under(const std::filesystem::path& directory) {
    std::multiset<std::string> contents;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(directory))
        if (entry.is_regular_file())
            contents.insert(read_file(entry.path()));
    return contents;
}

}  // namespace

TEST_SUITE("cli") {
TEST_CASE("init creates an archive, shows a recovery key once, and refuses to overwrite it") {
    Workspace workspace;
    auto created = workspace.cairn({"init"});
    REQUIRE(created.exit_code == 0);
    CHECK(created.out.find("Recovery key") != std::string::npos);
    CHECK(std::filesystem::exists(workspace.path("archive") / "cairn.archive"));
    CHECK(std::filesystem::exists(workspace.path("archive") / "catalog.db"));
    auto again = workspace.cairn({"init"});
    CHECK(again.exit_code == 3);
    CHECK(again.err.find("exists") != std::string::npos);
}

TEST_CASE("paths relative to the working directory import: a file, a directory, and . itself") {
    Workspace workspace;
    workspace.init();
    write_file(workspace.path("mail/one.eml"), eml("one"));
    write_file(workspace.path("mail/sub/two.eml"), eml("two"));
    RunOptions in_mail = with_passphrase;
    in_mail.working_directory = workspace.path("mail").string();
    auto file = workspace.cairn({"import", "--user", "ann", "one.eml"}, in_mail);
    CHECK_MESSAGE(file.exit_code == 0, file.err);
    auto directory = workspace.cairn({"import", "--user", "ann", "sub"}, in_mail);
    CHECK_MESSAGE(directory.exit_code == 0, directory.err);
    auto here = workspace.cairn({"import", "--user", "ann", "."}, in_mail);
    CHECK_MESSAGE(here.exit_code == 0, here.err);
    CHECK(workspace.message_count() == 2);
}

TEST_CASE("usage errors exit 2 and --help exits 0") {
    Workspace workspace;
    CHECK(workspace.cairn({"no-such-command"}).exit_code == 2);
    CHECK(workspace.cairn({"export", "--format", "pdf", "--out", "x"}).exit_code == 2);
    auto help = workspace.cairn({"--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("import") != std::string::npos);
}

TEST_CASE("a wrong passphrase exits 3 and changes nothing in the archive") {
    Workspace workspace;
    workspace.init();
    write_file(workspace.path("in/one.eml"), eml("one"));
    REQUIRE(workspace.cairn({"import", workspace.path("in").string()}).exit_code == 0);
    auto snapshot = [&] {
        std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>> files;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(workspace.path("archive")))
            if (entry.is_regular_file())
                files[entry.path().string()] = {entry.file_size(), entry.last_write_time()};
        return files;
    };
    auto before = snapshot();
    write_file(workspace.path("in/two.eml"), eml("two"));
    RunOptions wrong{{{"CAIRN_PASSPHRASE", "not the passphrase"}}, std::nullopt, "", ""};
    for (auto command : {"import", "verify", "list", "stats"}) {
        std::vector<std::string> arguments{command};
        if (std::string(command) == "import")
            arguments.push_back(workspace.path("in").string());
        auto result = workspace.cairn(arguments, wrong);
        CHECK(result.exit_code == 3);
        CHECK(result.err.find("wrong passphrase") != std::string::npos);
    }
    CHECK(snapshot() == before);
    CHECK(workspace.message_count() == 1);
}

TEST_CASE("without any passphrase source and no terminal, cairn says how to give one") {
    Workspace workspace;
    auto result = workspace.cairn({"init"}, RunOptions{{{"CAIRN_PASSPHRASE", ""}}, std::nullopt, "", ""});
    CHECK(result.exit_code != 0);
    CHECK(result.err.find("--passphrase-file") != std::string::npos);
    write_file(workspace.path("secret"), "from a file\n");
    CHECK(workspace.cairn({"--passphrase-file", workspace.path("secret").string(), "init"},
                          RunOptions{{{"CAIRN_PASSPHRASE", ""}}, std::nullopt, "", ""})
              .exit_code == 0);
    CHECK(workspace.cairn({"stats", "--passphrase-file", workspace.path("secret").string()},
                          RunOptions{{{"CAIRN_PASSPHRASE", ""}}, std::nullopt, "", ""})
              .exit_code == 0);
}

TEST_CASE("messages from eml, mbox and Maildir come back byte for byte through show, eml, mbox and zip export") {
    Workspace workspace;
    workspace.init();
    std::string crlf = "Subject: crlf\r\nFrom: a@b\r\n\r\nline\r\n";
    write_file(workspace.path("in/loose/crlf.eml"), crlf);
    write_file(workspace.path("in/loose/plain.eml"), eml("plain", "From the start of a line\n>From quoted\n"));
    write_file(workspace.path("in/Archive.mbox"), generated_mbox(3, 200));
    write_file(workspace.path("in/maildir/cur/1.host:2,S"), eml("maildir seen"));
    write_file(workspace.path("in/maildir/new/2.host"), eml("maildir new"));
    write_file(workspace.path("in/maildir/.Work.Projects/cur/3.host:2,RS"), eml("nested"));
    auto imported = workspace.json_of({"import", "--user", "ann", "--folder", "Old", workspace.path("in").string()});
    CHECK(imported["messages_stored"] == 8);
    CHECK(imported["failures"].empty());

    auto listing = workspace.json_of({"list"})["messages"];
    REQUIRE(listing.size() == 8);
    std::set<std::string> folders;
    for (const auto& message : listing) {
        folders.insert(message["folder"].get<std::string>());
        CHECK(message["user"] == "ann");
    }
    CHECK(folders.contains("Old/loose"));
    CHECK(folders.contains("Old/Archive"));
    CHECK(folders.contains("Old/maildir"));
    CHECK(folders.contains("Old/maildir/Work/Projects"));

    // show --raw gives the exact bytes
    for (const auto& message : listing) {
        if (message["subject"] == "crlf") {
            auto raw = workspace.cairn({"show", "--raw", std::to_string(message["id"].get<int>())});
            CHECK(raw.exit_code == 0);
            CHECK(raw.out == crlf);
        }
    }

    REQUIRE(workspace.cairn({"export", "--format", "eml", "--out", workspace.path("eml").string()}).exit_code == 0);
    auto exported = file_contents_under(workspace.path("eml"));
    CHECK(exported.size() == 8);
    CHECK(exported.contains(crlf));
    CHECK(exported.contains(eml("nested")));
    CHECK(std::filesystem::exists(workspace.path("eml/ann/Old/maildir/Work/Projects")));

    // --id: exactly the chosen messages, in the order given, and an id no longer archived is a failure.
    std::int64_t crlf_id = 0, nested_id = 0;
    for (const auto& message : listing) {
        if (message["subject"] == "crlf")
            crlf_id = message["id"].get<std::int64_t>();
        if (message["subject"] == "nested")
            nested_id = message["id"].get<std::int64_t>();
    }
    auto chosen = workspace.cairn({"--json", "export", "--out", workspace.path("chosen").string(), "--id",
                                   std::to_string(nested_id), "--id", std::to_string(crlf_id), "--id", "999999"});
    CHECK(chosen.exit_code == 1);
    auto chosen_report = json::parse(chosen.out);
    CHECK(chosen_report["messages"] == 2);
    REQUIRE(chosen_report["failures"].size() == 1);
    CHECK(chosen_report["failures"][0]["item"] == "message 999999");
    auto chosen_files = file_contents_under(workspace.path("chosen"));
    CHECK(chosen_files == std::multiset<std::string>{crlf, eml("nested")});

    REQUIRE(workspace.cairn({"export", "--format", "mbox", "--out", workspace.path("mbox").string(), "--folder",
                             "Old/loose"})
                .exit_code == 0);
    std::string mbox = read_file(workspace.path("mbox/ann/Old/loose.mbox"));
    CHECK(mbox.starts_with("From "));
    CHECK(mbox.find("\n>From the start of a line\n>>From quoted\n") != std::string::npos);  // mboxrd

    REQUIRE(workspace.cairn({"export", "--format", "zip", "--out", workspace.path("all.zip").string()}).exit_code == 0);
    auto listed = run_cairn({}, {});  // keep the runner warm; the zip is checked with python's zipfile
    (void)listed;
    std::string check = "python3 -c \"import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); "
                        "print(sum(1 for n in z.namelist() if n.endswith('.eml')))\" " +
                        workspace.path("all.zip").string();
    FILE* pipe = popen(check.c_str(), "r");
    REQUIRE(pipe);
    char line[64] = {};
    REQUIRE(fgets(line, sizeof line, pipe));
    pclose(pipe);
    CHECK(std::string(line) == "8\n");

    // exporting into an existing export again is harmless
    CHECK(workspace.cairn({"export", "--out", workspace.path("eml").string()}).exit_code == 0);
}

TEST_CASE("importing the same path again adds nothing and reads no file") {
    Workspace workspace;
    workspace.init();
    write_file(workspace.path("in/box.mbox"), generated_mbox(50, 500));
    write_file(workspace.path("in/one.eml"), eml("one"));
    auto first = workspace.json_of({"import", workspace.path("in").string()});
    CHECK(first["messages_stored"] == 51);
    auto second = workspace.json_of({"import", workspace.path("in").string()});
    CHECK(second["messages_seen"] == 0);
    CHECK(second["files_unchanged"] == 2);
    CHECK(workspace.message_count() == 51);
    // A file that changed (a message appended) is read again; what was archived is recognised.
    // The old last message is the exception: it now ends one line break earlier (the break
    // before the new separator belongs to the mbox format, not to the message), so its bytes
    // are new content. Byte-for-byte fidelity is defined that way.
    write_file(workspace.path("in/box.mbox"), generated_mbox(50, 500) + generated_mbox(1, 500, 99));
    auto third = workspace.json_of({"import", workspace.path("in").string()});
    CHECK(third["messages_stored"] == 2);
    CHECK(third["messages_already_archived"] == 49);
    CHECK(workspace.message_count() == 53);
}

TEST_CASE("the same mail archived for a second user costs almost nothing") {
    Workspace workspace;
    workspace.init();
    // Messages of about 7 KB, the median size of real mail (openbmc: 8 KB, linux-mips: 4 KB).
    write_file(workspace.path("in/box.mbox"), generated_mbox(200, 7000));
    workspace.json_of({"import", "--user", "first", workspace.path("in").string()});
    auto before = workspace.json_of({"stats"});
    auto second = workspace.json_of({"import", "--user", "second", workspace.path("in").string()});
    CHECK(second["messages_added_to_folder"] == 200);
    auto after = workspace.json_of({"stats"});
    auto raw = after["raw_bytes"].get<double>();
    // The store (packs and catalog) keeps the content once. The second user's search index is
    // theirs alone (one index per user, DESIGN.md §5), so it is not part of this target.
    auto store_bytes = [](const json& stats) {
        return stats["stored_bytes"]["packs"].get<double>() + stats["stored_bytes"]["catalog"].get<double>();
    };
    auto added = store_bytes(after) - store_bytes(before);
    CHECK(after["messages"] == 200);
    CHECK(after["placements"] == 400);
    CHECK(added < 0.03 * raw);
}

TEST_CASE("what is not mail is refused with its file named, and the rest is archived (exit 1)") {
    Workspace workspace;
    workspace.init();
    write_file(workspace.path("in/photo.jpg"), std::string("\xff\xd8\xff\xe0\x00\x10JFIF\x00", 11) + std::string(100, 'x'));
    write_file(workspace.path("in/empty.eml"), "");
    write_file(workspace.path("in/good.eml"), eml("good"));
    auto result = workspace.cairn({"import", workspace.path("in").string()});
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("photo.jpg") != std::string::npos);
    CHECK(result.err.find("empty.eml") != std::string::npos);
    CHECK(workspace.message_count() == 1);
}

TEST_CASE("verify is clean on a sound archive and names the message when a pack byte is flipped") {
    Workspace workspace;
    workspace.init();
    write_file(workspace.path("in/a.eml"), eml("first message"));
    write_file(workspace.path("in/b.eml"), eml("second message"));
    REQUIRE(workspace.cairn({"import", workspace.path("in").string()}).exit_code == 0);
    auto clean = workspace.cairn({"verify"});
    CHECK(clean.exit_code == 0);
    CHECK(clean.out.find("OK") != std::string::npos);

    auto pack = workspace.path("archive/stores/0001/c/000001.pack");
    std::string bytes = read_file(pack);
    bytes[bytes.size() - 30] = static_cast<char>(bytes[bytes.size() - 30] ^ 0x01);
    write_file(pack, bytes);
    auto damaged = workspace.cairn({"verify"});
    CHECK(damaged.exit_code == 1);
    CHECK(damaged.out.find("damaged message") != std::string::npos);
    CHECK(damaged.out.find("second message") != std::string::npos);
    auto as_json = workspace.cairn({"verify", "--json"});
    CHECK(as_json.exit_code == 1);
    // Messages are compressed together in blocks, so one damaged byte damages every message of
    // its block (here both): verify must name them all.
    CHECK(json::parse(as_json.out)["damaged_messages"].size() == 2);
    CHECK(json::parse(as_json.out)["damaged_blocks"].size() == 1);
}

TEST_CASE("stores roll over at the configured limit and every message stays exportable") {
    Workspace workspace;
    workspace.init({"--store-messages", "5"});
    write_file(workspace.path("in/box.mbox"), generated_mbox(23, 1000));
    REQUIRE(workspace.cairn({"import", workspace.path("in").string()}).exit_code == 0);
    auto stats = workspace.json_of({"stats"});
    CHECK(stats["stores"] == 5);
    CHECK(std::filesystem::exists(workspace.path("archive/stores/0005")));
    REQUIRE(workspace.cairn({"export", "--out", workspace.path("out").string()}).exit_code == 0);
    CHECK(file_contents_under(workspace.path("out")).size() == 23);
    CHECK(workspace.cairn({"verify"}).exit_code == 0);
}

TEST_CASE("a second writer is refused while the archive is locked") {
    Workspace workspace;
    workspace.init();
    write_file(workspace.path("in/a.eml"), eml("a"));
    int lock = ::open((workspace.path("archive") / "lock").c_str(), O_RDWR);
    REQUIRE(lock >= 0);
    REQUIRE(::flock(lock, LOCK_EX | LOCK_NB) == 0);
    auto refused = workspace.cairn({"import", workspace.path("in").string()});
    CHECK(refused.exit_code == 3);
    CHECK(refused.err.find("another Cairn process") != std::string::npos);
    CHECK(workspace.cairn({"list"}).exit_code == 0);  // readers are not blocked
    ::close(lock);
    CHECK(workspace.cairn({"import", workspace.path("in").string()}).exit_code == 0);
}

TEST_CASE("kill -9 during import three times, then a full run: every message archived once, verify clean") {
    Workspace workspace;
    workspace.init();
    const int count = 6000;
    write_file(workspace.path("in/big.mbox"), generated_mbox(count, 6000));
    write_file(workspace.path("in/other.mbox"), generated_mbox(500, 2000, 7));
    for (int attempt = 0; attempt < 3; ++attempt) {
        pid_t process = start_cairn({"--archive", workspace.archive(), "import", workspace.path("in").string()},
                                    with_passphrase);
        // Batches commit every 2 seconds or 2,000 messages: later attempts die after some commits.
        std::this_thread::sleep_for(std::chrono::milliseconds(800 + 800 * attempt));
        ::kill(process, SIGKILL);
        auto killed = wait_for(process);
        MESSAGE("attempt " << attempt << ": killed=" << (killed.signal == SIGKILL) << ", archived so far "
                           << workspace.message_count());
        CHECK(workspace.cairn({"verify"}).exit_code == 0);
    }
    auto final_run = workspace.cairn({"import", workspace.path("in").string()});
    CHECK(final_run.exit_code == 0);
    CHECK(workspace.message_count() == count + 500);
    auto listing = workspace.json_of({"list"})["messages"];
    CHECK(listing.size() == count + 500);
    CHECK(workspace.cairn({"verify"}).exit_code == 0);
}

TEST_CASE("Ctrl-C stops an import cleanly (exit 130) and the next run finishes it") {
    Workspace workspace;
    workspace.init();
    write_file(workspace.path("in/big.mbox"), generated_mbox(8000, 6000));
    pid_t process = start_cairn({"--archive", workspace.archive(), "import", workspace.path("in").string()},
                                with_passphrase);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    ::kill(process, SIGINT);
    auto interrupted = wait_for(process);
    if (interrupted.exit_code == 0) {
        MESSAGE("the import finished before the interrupt arrived; nothing to resume");
    } else {
        CHECK(interrupted.exit_code == 130);
    }
    CHECK(workspace.cairn({"verify"}).exit_code == 0);
    CHECK(workspace.cairn({"import", workspace.path("in").string()}).exit_code == 0);
    CHECK(workspace.message_count() == 8000);
}

TEST_CASE("a full disk stops the import with a clear error, the archive stays consistent, and a rerun finishes") {
    Workspace workspace;
    workspace.init();
    write_file(workspace.path("in/big.mbox"), generated_mbox(3000, 8000));
    // RLIMIT_FSIZE stands in for a full disk: writes past it fail with EFBIG, as with ENOSPC.
    RunOptions small = with_passphrase;
    small.file_size_limit = 5'000'000;
    auto stopped = workspace.cairn({"import", workspace.path("in").string()}, small);
    INFO("stderr: " << stopped.err.substr(stopped.err.size() > 2000 ? stopped.err.size() - 2000 : 0));
    CHECK(stopped.exit_code == 3);
    CHECK(stopped.err.find("disk space") != std::string::npos);
    auto partial = workspace.message_count();
    MESSAGE("archived before the disk was full: " << partial);
    CHECK(partial < 3000);
    CHECK(workspace.cairn({"verify"}).exit_code == 0);
    auto resumed = workspace.cairn({"import", workspace.path("in").string()});
    CHECK(resumed.exit_code == 0);
    CHECK(workspace.message_count() == 3000);
    CHECK(workspace.cairn({"verify"}).exit_code == 0);
}
}

TEST_SUITE("cli") {
TEST_CASE("a truncated archive keeps what precedes the damage and names the file and offset") {
    Workspace workspace;
    workspace.init();
    for (int i = 0; i < 30; ++i)
        write_file(workspace.path("src/mail/" + std::to_string(i) + ".eml"),
                   eml("archived " + std::to_string(i), std::string(3000, static_cast<char>('a' + i % 26)) + "\n"));
    std::string make = "tar -C " + workspace.path("src").string() + " -czf " + workspace.path("mail.tar.gz").string() +
                       " mail";
    REQUIRE(std::system(make.c_str()) == 0);
    std::string whole = read_file(workspace.path("mail.tar.gz"));
    write_file(workspace.path("in/cut.tar.gz"), whole.substr(0, whole.size() * 2 / 3));
    auto result = workspace.cairn({"import", workspace.path("in").string()});
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("cut.tar.gz") != std::string::npos);
    CHECK((result.err.find("offset") != std::string::npos || result.err.find("at byte") != std::string::npos));
    auto kept = workspace.message_count();
    MESSAGE("messages kept from the truncated archive: " << kept);
    CHECK(kept > 0);
    CHECK(kept < 30);
    CHECK(workspace.cairn({"verify"}).exit_code == 0);
}

TEST_CASE("every mail file of the public corpus imports without a crash or a failure, PST and OST files included") {
    auto corpus = corpus_path("");
    if (!corpus)
        return;
    Workspace workspace;
    workspace.init();
    std::vector<std::string> arguments{"import", "--json"};
    for (const auto& entry : std::filesystem::directory_iterator(*corpus)) {
        // The three large sets are covered by the acceptance round trip (a slow test).
        auto name = entry.path().filename().string();
        if (entry.is_directory() && name != "linux-mips" && name != "openbmc" && name != "berlios-bcm43xx-dev")
            arguments.push_back(entry.path().string());
    }
    auto result = workspace.cairn(arguments);
    INFO(result.err.substr(0, 2000));
    REQUIRE((result.exit_code == 0 || result.exit_code == 1));
    auto report = json::parse(result.out);
    CHECK(report["messages_stored"].get<int>() > 500);
    for (const auto& failure : report["failures"]) {
        // Without libpff (CAIRN_WITH_PST=OFF), PST and OST files are refused with a reason.
        const bool refused_pst = !CAIRN_WITH_PST &&
                                 failure["reason"].get<std::string>().find("reads no Outlook") != std::string::npos;
        if (!refused_pst)
            FAIL_CHECK("unexpected failure: " << failure["source"] << ": " << failure["reason"]);
    }
    CHECK(workspace.cairn({"verify"}).exit_code == 0);
}

#if CAIRN_WITH_PST
TEST_CASE("an Outlook PST imports into its folders, exports, and importing it again archives nothing new") {
    auto packed = corpus_path("pst-extractor-npm/enron.pst.zst");
    if (!packed)
        return;
    Workspace workspace;
    workspace.init();
    std::filesystem::create_directories(workspace.path("in"));
    REQUIRE(std::system(("zstd -q -d -o '" + workspace.path("in/enron.pst").string() + "' '" + packed->string() + "'")
                            .c_str()) == 0);
    auto imported = workspace.json_of({"import", workspace.path("in").string()});
    CHECK(imported["messages_seen"] == 71);
    CHECK(imported["failures"].empty());

    std::map<std::string, int> per_folder;
    const json listing = workspace.json_of({"list"});
    for (const auto& message : listing["messages"])
        ++per_folder[message["folder"].get<std::string>()];
    const std::string top = "enron/lokay-m/MLOKAY (Non-Privileged)";
    CHECK(per_folder[top] == 1);
    CHECK(per_folder[top + "/Personal"] == 47);
    CHECK(per_folder[top + "/Sent Items"] == 2);
    CHECK(per_folder[top + "/Systems"] == 7);
    CHECK(per_folder[top + "/TW-Commercial Group"] == 14);

    REQUIRE(workspace.cairn({"export", "--format", "eml", "--out", workspace.path("eml").string()}).exit_code == 0);
    std::size_t exported = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(workspace.path("eml")))
        exported += entry.is_regular_file() && entry.path().string().find("/enron/lokay-m/") != std::string::npos;
    CHECK(exported == 71);

    auto again = workspace.json_of({"import", workspace.path("in").string()});
    CHECK(again["messages_seen"] == 0);
    CHECK(again["files_unchanged"] == 1);
    // The file given directly: its folders go right below the prefix; its messages are archived already.
    auto direct = workspace.json_of({"import", "--folder", "Direct", workspace.path("in/enron.pst").string()});
    CHECK(direct["messages_seen"] == 71);
    CHECK(direct["messages_stored"] == 0);
    CHECK(direct["messages_added_to_folder"] == 71);
    auto folders = workspace.json_of({"list", "--folder", "Direct/lokay-m/MLOKAY (Non-Privileged)/Personal"});
    CHECK(folders["messages"].size() == 47);
    CHECK(workspace.cairn({"verify"}).exit_code == 0);
}
#endif
}

TEST_SUITE("cli") {
TEST_CASE("an unlocked archive's key is kept for a while, but a wrong passphrase still never opens it") {
    Workspace workspace;
    workspace.init();
    RunOptions no_source{{{"CAIRN_PASSPHRASE", ""}}, std::nullopt, "", ""};
    RunOptions wrong{{{"CAIRN_PASSPHRASE", "wrong passphrase"}}, std::nullopt, "", ""};
    if (workspace.cairn({"stats"}, no_source).exit_code != 0) {
        MESSAGE("the kernel keyring is not available here; every command derives the key (nothing to test)");
        CHECK(workspace.cairn({"stats"}, wrong).exit_code == 3);
        return;
    }
    CHECK(workspace.cairn({"stats"}, wrong).exit_code == 3);
    CHECK(workspace.cairn({"stats"}).exit_code == 0);
    CHECK(workspace.cairn({"forget-key"}, no_source).exit_code == 0);
    auto asked = workspace.cairn({"stats"}, no_source);
    CHECK(asked.exit_code == 3);
    CHECK(asked.err.find("no passphrase") != std::string::npos);
    RunOptions uncached{{{"CAIRN_PASSPHRASE", "test passphrase"}, {"CAIRN_KEY_CACHE", "0"}}, std::nullopt, "", ""};
    CHECK(workspace.cairn({"stats"}, uncached).exit_code == 0);
    CHECK(workspace.cairn({"stats"}, no_source).exit_code == 3);  // nothing was cached
}
}

TEST_SUITE("cli") {
TEST_CASE("without the extraction worker, mail is still archived and the user is told attachment text is not searchable") {
    Workspace workspace;
    workspace.init();
    write_file(workspace.path("in/a.eml"), eml("no worker"));
    RunOptions no_worker = with_passphrase;
    no_worker.environment["CAIRN_EXTRACT_WORKER"] = workspace.path("missing-worker").string();
    auto result = workspace.cairn({"import", workspace.path("in").string()}, no_worker);
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("warning: attachment text will not be searchable") != std::string::npos);
    CHECK(workspace.message_count() == 1);
    auto normal = workspace.cairn({"import", workspace.path("in").string()});
    CHECK(normal.err.find("warning") == std::string::npos);
}
}

TEST_SUITE("cli") {
TEST_CASE("the passphrase can be changed with the current one, or with the recovery key when it is lost") {
    Workspace workspace;
    auto created = workspace.cairn({"init", "--json"});
    REQUIRE(created.exit_code == 0);
    std::string recovery_key = json::parse(created.out)["recovery_key"];
    write_file(workspace.path("in/a.eml"), eml("kept"));
    REQUIRE(workspace.cairn({"import", workspace.path("in").string()}).exit_code == 0);
    auto with = [](std::string passphrase, std::string new_passphrase = "") {
        RunOptions options{{{"CAIRN_PASSPHRASE", std::move(passphrase)}, {"CAIRN_KEY_CACHE", "0"}}, std::nullopt, "", ""};
        if (!new_passphrase.empty())
            options.environment["CAIRN_NEW_PASSPHRASE"] = new_passphrase;
        return options;
    };
    // Forgotten passphrase: the recovery key sets a new one.
    auto recovered = workspace.cairn({"change-passphrase", "--recovery-key", recovery_key}, with("", "second passphrase"));
    CHECK(recovered.exit_code == 0);
    CHECK(workspace.cairn({"stats"}, with("test passphrase")).exit_code == 3);
    CHECK(workspace.cairn({"stats"}, with("second passphrase")).exit_code == 0);
    CHECK(workspace.cairn({"change-passphrase", "--recovery-key", "00000000-00000000"}, with("", "x")).exit_code == 3);
    // With the current passphrase; a wrong one changes nothing.
    CHECK(workspace.cairn({"change-passphrase"}, with("not it", "third passphrase")).exit_code == 3);
    CHECK(workspace.cairn({"change-passphrase"}, with("second passphrase", "third passphrase")).exit_code == 0);
    CHECK(workspace.cairn({"stats"}, with("third passphrase")).exit_code == 0);
    CHECK(workspace.cairn({"verify"}, with("third passphrase")).exit_code == 0);
    auto shown = workspace.cairn({"list", "--json"}, with("third passphrase"));
    CHECK(json::parse(shown.out)["messages"].size() == 1);
}
}
