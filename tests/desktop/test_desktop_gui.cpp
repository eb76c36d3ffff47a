// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the real cairn-desktop under Xvfb through its --test-script hook: first start in an
// empty profile, the wizard, archiving a corpus maildir, a search, an export; then checks the
// exported bytes against the archive's own copy. Screenshots land in tests/artifacts/desktop/.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include "core/archive/archive.h"
#include "tests/support/dovecot_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/thunderbird_profile.h"

using namespace cairn;

namespace {

constexpr const char* passphrase = "Correct-horse-9 battery";

/// The virtual screen; CAIRN_TEST_SCREEN makes it larger for a run at 200% (GDK_SCALE=2).
std::string screen_size() {
    const char* wanted = std::getenv("CAIRN_TEST_SCREEN");
    return wanted && *wanted ? wanted : "1280x900x24";
}

int run_app(const testing::TempDir& profile, const std::filesystem::path& script, const std::string& environment = {}) {
    // CAIRN_TEST_ARTIFACTS_NAME keeps the screenshots of a themed or scaled run apart.
    const char* name = std::getenv("CAIRN_TEST_ARTIFACTS_NAME");
    const auto artifacts = std::filesystem::path(CAIRN_ARTIFACTS_DIR) / (name && *name ? name : "desktop");
    std::filesystem::create_directories(artifacts);
    // A fresh profile: nothing of the person running the tests is read or written.
    const std::string command = "env -u CAIRN_ARCHIVE -u CAIRN_PASSPHRASE HOME='" + profile.path().string() +
                                "' XDG_CONFIG_HOME='" + (profile.path() / "config").string() +
                                "' XDG_DATA_HOME='" + (profile.path() / "data").string() +
                                "' XDG_RUNTIME_DIR='" + (profile.path() / "runtime").string() +
                                "' CAIRN_KEY_CACHE=0 CAIRN_TEST_ARTIFACTS='" + artifacts.string() + "' " +
                                environment + " " +
                                CAIRN_XVFB_RUN + " -a -s '-screen 0 " + screen_size() + "' " + CAIRN_DESKTOP_BINARY +
                                " --test-script '" + script.string() + "'";
    std::filesystem::create_directories(profile.path() / "runtime");
    std::filesystem::permissions(profile.path() / "runtime", std::filesystem::perms::owner_all);
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// The wizard's pages up to "What should Cairn keep?": a new archive in the default place, the
/// passphrase, the recovery key kept; a screenshot of each page, named PREFIX + the page.
std::string wizard_to_sources(const std::string& prefix) {
    const auto screenshot = [&](const char* name) { return "screenshot " + prefix + name + "\n"; };
    return screenshot("01-wizard-location") + "wizard-next\n" + "set-field passphrase " + passphrase + "\n" +
           "set-field passphrase-confirmation " + passphrase + "\n" + screenshot("02-wizard-passphrase") +
           "wizard-next\n" + "expect-text recovery-key -\n" + "set-field kept-recovery-key 1\n" +
           screenshot("03-wizard-recovery-key") + "wizard-next\n";
}

/// The .eml files an export wrote under DIRECTORY (each is named by the archive's message id).
std::vector<std::filesystem::path> exported_emls(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(directory))
        if (entry.is_regular_file() && entry.path().extension() == ".eml")
            files.push_back(entry.path());
    return files;
}

}  // namespace

TEST_CASE("desktop: first start, wizard, archive a maildir, search, export, compare bytes") {
    const auto corpus = testing::corpus_path("mu/testdir");
    if (!corpus)
        return;
    testing::TempDir profile;
    const auto export_directory = profile.path() / "exported";
    const auto script = profile.path() / "script.txt";
    testing::write_file(script, wizard_to_sources("") +
                                    "add-source " + corpus->string() + "\n"
                                    "screenshot 04-wizard-sources\n"
                                    "wizard-finish\n"
                                    "wait-idle 120\n"
                                    "screenshot 05-archived\n"
                                    "expect-rows-at-least 10\n"
                                    "search dired\n"
                                    "wait-idle\n"
                                    "expect-rows-at-least 1\n"
                                    "select-row 0\n"
                                    "expect-text preview-subject dired\n"
                                    "screenshot 06-search-dired\n"
                                    "search subject:exception\n"
                                    "wait-idle\n"
                                    "expect-rows-at-least 1\n"
                                    "select-row 0\n"
                                    // The subject holds "A&B": shown as written, no markup or mnemonic.
                                    "expect-text preview-found Found in the subject:\n"
                                    "expect-text preview-found SQLite exception A&B\n"
                                    "sleep 1500\n"
                                    "screenshot 07-html-preview\n"
                                    // Its plain text has lines far wider than the pane: they wrap.
                                    "set-field show-html 0\n"
                                    "screenshot 07-text-preview-wrapped\n"
                                    "expect-wrapped preview-text\n"
                                    "set-field show-html 1\n"
                                    "search from:(\n"
                                    "wait-idle\n"
                                    "expect-rows-at-least 1\n"
                                    "expect-text search-problem Cannot read\n"
                                    "screenshot 08-search-syntax-error\n"
                                    "search dired\n"
                                    "wait-idle\n"
                                    "select-row 0\n"
                                    "export-selected eml " + export_directory.string() + "\n"
                                    "export-selected mbox " + (profile.path() / "as-mbox").string() + "\n"
                                    "export-selected zip " + (profile.path() / "as.zip").string() + "\n"
                                    "screenshot 09-exported\n"
                                    "menu archive-now\n"
                                    "wait-idle 120\n"
                                    "expect-text import-counts 0 new messages archived\n"
                                    "expect-text import-counts had not changed since the last run\n"
                                    "screenshot 10-archived-again\n"
                                    "quit\n");
    REQUIRE(run_app(profile, script) == 0);

    // The archive the wizard made, in the default place of the fresh profile.
    const auto archive_directory = profile.path() / "data" / "cairn" / "archive";
    REQUIRE(std::filesystem::exists(archive_directory / "cairn.archive"));
    auto archive = Archive::open(archive_directory, passphrase, Access::ReadOnly);
    REQUIRE(archive);
    const auto exported = exported_emls(export_directory);
    REQUIRE(exported.size() == 1);
    const std::int64_t message_id = std::stoll(exported.front().stem().string());
    auto original = archive->message_bytes(message_id);
    REQUIRE(original);
    const std::string bytes = testing::read_file(exported.front());
    CHECK(bytes == *original);
    CHECK(bytes.find("dired") != std::string::npos);
    // The same message as an mbox entry (mboxrd: a From_ line before the exact bytes) and in a zip.
    std::string mbox;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(profile.path() / "as-mbox"))
        if (entry.is_regular_file())
            mbox += testing::read_file(entry.path());
    CHECK(mbox.starts_with("From "));
    CHECK(mbox.find(original->substr(0, 200)) != std::string::npos);
    CHECK(testing::read_file(profile.path() / "as.zip").starts_with("PK"));

    // The window layout and the chosen sources were remembered for the next start.
    const std::string settings = testing::read_file(profile.path() / "config" / "cairn" / "desktop.conf");
    CHECK(settings.find("ResultsSash=") != std::string::npos);
    CHECK(settings.find(corpus->string()) != std::string::npos);

    // The next start opens the archive (passphrase from the environment, as for the CLI) and
    // shows the newest mail without the wizard; a lost search index is rebuilt on the way.
    std::size_t removed_indexes = 0;
    for (const auto& entry : std::filesystem::directory_iterator(archive_directory / "index"))
        removed_indexes += std::filesystem::remove(entry.path()) ? 1 : 0;
    CHECK(removed_indexes > 0);
    const auto again = profile.path() / "again.txt";
    testing::write_file(again, "wait-idle 60\n"
                               "expect-rows-at-least 19\n"
                               "expect-text preview-subject test with multi to and cc\n"
                               "screenshot 11-second-start\n"
                               "search dired\n"
                               "wait-idle\n"
                               "expect-rows-at-least 3\n"
                               "quit\n");
    CHECK(run_app(profile, again, std::string("CAIRN_PASSPHRASE='") + passphrase + "'") == 0);
}

TEST_CASE("desktop: German menus and wizard with LANGUAGE=de") {
    testing::TempDir profile;
    const auto script = profile.path() / "script.txt";
    // The wizard's own buttons come from wxWidgets' catalog (wx3.2-i18n), not from ours.
    testing::write_file(script, "expect-menu 0 Datei\n"
                                "expect-menu 1 Bearbeiten\n"
                                "expect-wizard-button back < Zurück\n"
                                "expect-wizard-button next Weiter >\n"
                                "expect-wizard-button cancel Abbrechen\n"
                                "screenshot de-01-wizard\n"
                                "wizard-cancel\n"
                                "wait-idle\n"
                                "screenshot de-02-main-window\n"
                                "quit\n");
    CHECK(run_app(profile, script, "LANGUAGE=de LANG=de_DE.UTF-8") == 0);
}

TEST_CASE("desktop: the wizard finds the Thunderbird profiles and archives the ticked ones") {
    testing::TempDir profile;
    const auto thunderbird = testing::build_thunderbird_profile(profile.path());
    if (!thunderbird)
        return;
    std::size_t expected = 0;
    for (const auto& [folder, count] : thunderbird->expected_counts())
        expected += count;
    const auto script = profile.path() / "script.txt";
    testing::write_file(script, wizard_to_sources("thunderbird-") +
                                    "expect-sources-at-least 2\n"
                                    "screenshot thunderbird-04-sources\n"
                                    "wizard-finish\n"
                                    "wait-idle 120\n"
                                    "expect-rows-at-least " + std::to_string(expected) + "\n"
                                    "screenshot thunderbird-05-archived\n"
                                    "quit\n");
    CHECK(run_app(profile, script) == 0);
}

TEST_CASE("desktop: a newcomer archives a Thunderbird profile and an Outlook PST, finds a word from an "
          "attachment, previews and exports it") {
    testing::TempDir profile;
    const auto thunderbird = testing::build_thunderbird_profile(profile.path());
    const auto packed_pst = testing::corpus_path("pst-extractor-npm/enron.pst.zst");
    if (!thunderbird || !packed_pst)
        return;
    // The PST as Outlook leaves it (the corpus keeps it compressed), somewhere the wizard does
    // not look by itself: the newcomer adds it with "Add mail files...".
    const auto pst = profile.path() / "Downloads" / "enron.pst";
    std::filesystem::create_directories(pst.parent_path());
    REQUIRE(std::system(("zstd -q -d -f -o '" + pst.string() + "' '" + packed_pst->string() + "'").c_str()) == 0);
    std::size_t thunderbird_messages = 0;
    for (const auto& [folder, count] : thunderbird->expected_counts())
        thunderbird_messages += count;
    constexpr std::size_t enron_messages = 71;
    // "Permian" is in the text of one PDF attachment (TWEOL.pdf, a gas price sheet) and in no
    // header or body of either source: finding it proves the attachment's text is searched.
    const auto export_directory = profile.path() / "exported";
    const auto script = profile.path() / "script.txt";
    testing::write_file(script, wizard_to_sources("newcomer-") +
                                    "expect-sources-at-least 2\n"
                                    "add-source " + pst.string() + "\n"
                                    "expect-sources-at-least 3\n"
                                    "screenshot newcomer-04-sources\n"
                                    "wizard-finish\n"
                                    "wait-idle 180\n"
                                    "expect-text import-counts Archiving finished.\n"
                                    "expect-text import-counts " + std::to_string(thunderbird_messages + enron_messages) +
                                    " new messages archived\n"
                                    "expect-rows " + std::to_string(thunderbird_messages + enron_messages) + "\n"
                                    "screenshot newcomer-05-archived\n"
                                    "search body:Permian\n"
                                    "wait-idle\n"
                                    "expect-rows 0\n"
                                    "search subject:Permian\n"
                                    "wait-idle\n"
                                    "expect-rows 0\n"
                                    "search Permian\n"
                                    "wait-idle\n"
                                    "expect-rows 1\n"
                                    "select-row 0\n"
                                    "expect-text preview-subject Check out page 7!\n"
                                    "expect-text preview-from Michelle Lokay\n"
                                    "expect-text attachments TWEOL.pdf\n"
                                    // Why it is listed, though no header or text holds the word.
                                    "expect-text preview-found Found in the attachment TWEOL.pdf:\n"
                                    "expect-text preview-found Permian\n"
                                    "screenshot newcomer-06-found-in-attachment\n"
                                    "export-selected eml " + export_directory.string() + "\n"
                                    "screenshot newcomer-07-exported\n"
                                    "quit\n");
    REQUIRE(run_app(profile, script) == 0);

    // The exported file is the archive's own copy, byte for byte.
    auto archive = Archive::open(profile.path() / "data" / "cairn" / "archive", passphrase, Access::ReadOnly);
    REQUIRE(archive);
    const auto exported = exported_emls(export_directory);
    REQUIRE(exported.size() == 1);
    auto original = archive->message_bytes(std::stoll(exported.front().stem().string()));
    REQUIRE(original);
    const std::string bytes = testing::read_file(exported.front());
    CHECK(bytes == *original);
    CHECK(bytes.find("subject: Check out page 7!") != std::string::npos);  // as the PST reader writes it
    CHECK(bytes.find("TWEOL.pdf") != std::string::npos);
    // In the message itself the word is not to be seen: it is inside the encoded, compressed PDF.
    CHECK(bytes.find("Permian") == std::string::npos);
}

TEST_CASE("desktop: HTML with remote images shows the blocked-images bar, not the images") {
    const auto message = testing::corpus_path("tika-mail/testRFC822-mixed-with-pdf-inline");
    if (!message)
        return;
    testing::TempDir profile;
    const auto script = profile.path() / "script.txt";
    // "Show" is not pressed: the test must not reach out to the network.
    testing::write_file(script, wizard_to_sources("remote-") + "add-source " + message->string() + "\n" +
                                    "wizard-finish\n"
                                    "wait-idle 120\n"
                                    "search subject:RealtimeBoard\n"
                                    "wait-idle\n"
                                    "select-row 0\n"
                                    "expect-text remote-images Remote images blocked\n"
                                    "sleep 2000\n"
                                    "screenshot remote-04-html-remote-images-blocked\n"
                                    "quit\n");
    CHECK(run_app(profile, script) == 0);
}

TEST_CASE("desktop: a large import shows its progress and stops on Cancel, keeping what it archived") {
    const auto corpus = testing::corpus_path("linux-mips/linux-mips.maildir.tar.zst");
    if (!corpus)
        return;
    testing::TempDir profile;
    const auto script = profile.path() / "script.txt";
    testing::write_file(script, wizard_to_sources("cancel-") + "add-source " + corpus->string() + "\n" +
                                    "wizard-finish\n"
                                    "sleep 2500\n"
                                    "expect-text import-counts per second\n"
                                    "screenshot cancel-04-importing\n"
                                    // The list shows what arrived so far; a message opens while the
                                    // import writes (read on the preview's worker).
                                    "sleep 3500\n"
                                    "expect-rows-at-least 1\n"
                                    "select-row 0\n"
                                    "expect-text preview-from @\n"
                                    "screenshot cancel-04-preview-while-importing\n"
                                    "click cancel-import\n"
                                    "wait-idle 120\n"
                                    "expect-text import-counts Archiving was cancelled\n"
                                    "expect-rows-at-least 1\n"
                                    "screenshot cancel-05-cancelled\n"
                                    "quit\n");
    CHECK(run_app(profile, script) == 0);
}

namespace {

std::string mail(const std::string& from, const std::string& subject, bool with_attachment) {
    std::string text = "From: " + from + "\nTo: you@example.org\nSubject: " + subject +
                       "\nDate: Tue, 1 Jul 2003 10:52:37 +0200\nMessage-ID: <" + subject + "@example.org>\n";
    if (!with_attachment)
        return text + "\nHello\n";
    return text + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
                  "See the file.\n--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; "
                  "filename=\"receipt.bin\"\nContent-Transfer-Encoding: base64\n\nAAECAwQ=\n--b--\n";
}

}  // namespace

TEST_CASE("desktop: the folder tree and the quick filters narrow the list; a folder is exported") {
    testing::TempDir profile;
    const auto mail_root = profile.path() / "Mail";
    testing::write_file(mail_root / "Inbox" / "one.eml", mail("Ann Smith <ann@example.org>", "quarterly", false));
    testing::write_file(mail_root / "Inbox" / "two.eml", mail("Bob <bob@example.org>", "lunch", false));
    testing::write_file(mail_root / "Receipts" / "three.eml", mail("Ann Smith <ann@example.org>", "receipt", true));
    const auto exported = profile.path() / "receipts-export";
    const auto script = profile.path() / "script.txt";
    testing::write_file(script, wizard_to_sources("folders-") + "add-source " + mail_root.string() + "\n" +
                                    "wizard-finish\n"
                                    "wait-idle 120\n"
                                    "expect-rows 3\n"
                                    "select-folder Receipts\n"
                                    "wait-idle\n"
                                    "expect-rows 1\n"
                                    "expect-text query-shown folder:Receipts\n"
                                    "screenshot folders-05-folder-chosen\n"
                                    "export-folder eml " + exported.string() + "\n"
                                    "select-folder -\n"
                                    "wait-idle\n"
                                    "expect-rows 3\n"
                                    "set-field filter-from ann\n"
                                    "wait-idle\n"
                                    "expect-rows 2\n"
                                    "set-field filter-attachment 1\n"
                                    "wait-idle\n"
                                    "expect-rows 1\n"
                                    "expect-text query-shown from:ann has:attachment\n"
                                    "set-field filter-period 2\n"
                                    "wait-idle\n"
                                    "expect-rows 0\n"
                                    "expect-text query-shown date:\n"
                                    "screenshot folders-06-quick-filters\n"
                                    "menu-later sources\n"
                                    "sleep 500\n"
                                    "screenshot folders-07-sources\n"
                                    "click sources-ok\n"
                                    "menu-later settings\n"
                                    "sleep 500\n"
                                    "click-later change-passphrase\n"
                                    "sleep 500\n"
                                    "set-field current-passphrase " + std::string(passphrase) + "\n"
                                    "set-field new-passphrase New-horse-7 staple\n"
                                    "set-field new-passphrase-again New-horse-7 staple\n"
                                    "screenshot folders-08-change-passphrase\n"
                                    "click change-passphrase-ok\n"
                                    "sleep 300\n"
                                    "expect-text settings-status The passphrase is changed\n"
                                    "set-field language 2\n"
                                    "screenshot folders-09-settings\n"
                                    "click settings-ok\n"
                                    "quit\n");
    CHECK(run_app(profile, script) == 0);
    // The passphrase changed in Settings opens the archive; the old one no longer does.
    const auto archive_directory = profile.path() / "data" / "cairn" / "archive";
    CHECK(Archive::open(archive_directory, "New-horse-7 staple", Access::ReadOnly).has_value());
    CHECK_FALSE(Archive::open(archive_directory, passphrase, Access::ReadOnly).has_value());

    // The language chosen in Settings is the app's at the next start, over the locale's.
    const auto again = profile.path() / "again.txt";
    testing::write_file(again, "wait-idle 60\n"
                               "expect-menu 0 Datei\n"
                               "expect-rows 3\n"
                               "screenshot folders-10-german-next-start\n"
                               "quit\n");
    CHECK(run_app(profile, again, "CAIRN_PASSPHRASE='New-horse-7 staple' LANGUAGE=en") == 0);
    std::vector<std::string> subjects;
    if (std::filesystem::exists(exported))
        for (const auto& entry : std::filesystem::recursive_directory_iterator(exported))
            if (entry.is_regular_file())
                subjects.push_back(testing::read_file(entry.path()));
    REQUIRE(subjects.size() == 1);
    CHECK(subjects.front().find("Subject: receipt") != std::string::npos);
}

TEST_CASE("desktop: an IMAP account added in the dialog is fetched by Archive mail now and its mail found") {
    testing::DovecotServer server;
    const std::string password = "Alice-imap-7";
    server.add_user("alice", password);
    server.put_message("alice", "", mail("Carol <carol@example.org>", "zeppelin", false));
    server.put_message("alice", "Projects", mail("Dan <dan@example.org>", "blimp", false));
    testing::TempDir profile;
    const auto script = profile.path() / "script.txt";
    testing::write_file(script, wizard_to_sources("account-") +
                                    "wizard-finish\n"
                                    "wait-idle\n"
                                    "menu-later add-account\n"
                                    "sleep 500\n"
                                    "set-field account-name work\n"
                                    "set-field account-server 127.0.0.1\n"
                                    "set-field account-port " + std::to_string(server.imaps_port()) + "\n"
                                    "set-field account-login alice\n"
                                    "set-field account-password " + password + "\n"
                                    "set-field account-fingerprint " + server.certificate_sha256() + "\n"
                                    "screenshot account-04-add-account\n"
                                    "click account-ok\n"
                                    "wait-idle\n"
                                    "menu archive-now\n"
                                    "wait-idle 120\n"
                                    "expect-text import-counts 2 new messages archived\n"
                                    "expect-rows 2\n"
                                    "search zeppelin\n"
                                    "wait-idle\n"
                                    "expect-rows 1\n"
                                    "select-row 0\n"
                                    "expect-text preview-subject zeppelin\n"
                                    "select-folder work/Projects\n"
                                    "wait-idle\n"
                                    "expect-rows 0\n"
                                    "search\n"
                                    "wait-idle\n"
                                    "expect-rows 1\n"
                                    "expect-text preview-subject blimp\n"
                                    "screenshot account-05-fetched\n"
                                    "quit\n");
    CHECK(run_app(profile, script) == 0);
}

TEST_CASE("desktop: a POP3 account added in the wizard is fetched when the wizard finishes") {
    testing::DovecotServer server;
    const std::string password = "Bob-pop3-8";
    server.add_user("bob", password);
    server.put_message("bob", "", mail("Erin <erin@example.org>", "zucchini", false));
    testing::TempDir profile;
    const auto script = profile.path() / "script.txt";
    testing::write_file(script, wizard_to_sources("wizard-account-") +
                                    "click-later wizard-add-account\n"
                                    "sleep 500\n"
                                    "set-field account-kind 1\n"
                                    "set-field account-name home\n"
                                    "set-field account-server 127.0.0.1\n"
                                    "set-field account-port " + std::to_string(server.pop3s_port()) + "\n"
                                    "set-field account-login bob\n"
                                    "set-field account-password " + password + "\n"
                                    "set-field account-fingerprint " + server.certificate_sha256() + "\n"
                                    "click account-ok\n"
                                    "sleep 300\n"
                                    "expect-sources-at-least 1\n"
                                    "screenshot wizard-account-04-sources\n"
                                    "wizard-finish\n"
                                    "wait-idle 120\n"
                                    "expect-text import-counts Archiving finished. 1 new\n"
                                    "search zucchini\n"
                                    "wait-idle\n"
                                    "expect-rows 1\n"
                                    "screenshot wizard-account-05-fetched\n"
                                    "menu-later sources\n"
                                    "sleep 500\n"
                                    "screenshot wizard-account-06-sources\n"
                                    "click sources-ok\n"
                                    "quit\n");
    CHECK(run_app(profile, script) == 0);
}
