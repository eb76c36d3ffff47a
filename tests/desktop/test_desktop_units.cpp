// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <thread>

#include <wx/filefn.h>
#include <wx/translation.h>

#include "app/desktop/dialogs/passphrase_strength.h"
#include "app/desktop/glue/latest_request_worker.h"
#include "app/desktop/glue/progress_relay.h"
#include "app/desktop/glue/text.h"
#include "app/desktop/models/archive_run.h"
#include "app/desktop/models/folder_tree.h"
#include "app/desktop/models/quick_filters.h"
#include "app/desktop/models/results_model.h"
#include "app/desktop/translations.h"

using namespace cairn;
using namespace cairn::desktop;

namespace {

search::SearchHit hit(std::int64_t id, std::optional<std::int64_t> date, std::string subject,
                      std::vector<std::string> attachments = {}) {
    search::SearchHit result;
    result.message_id = id;
    result.date = date;
    result.from = "Ann <ann@example.org>";
    result.subject = std::move(subject);
    result.size = 2048;
    result.attachment_names = std::move(attachments);
    return result;
}

wxString cell(const ResultsModel& model, unsigned row, unsigned column) {
    wxVariant value;
    model.GetValueByRow(value, row, column);
    return value.GetString();
}

}  // namespace

TEST_CASE("results model: rows and columns over the hits") {
    ResultsModel model;
    model.set_hits({hit(1, 1'236'000'000, "Grüße aus Köln", {"a.pdf"}), hit(2, 1'200'000'000, "older")});
    CHECK(model.GetCount() == 2);
    CHECK(model.GetColumnCount() == ResultsModel::ColumnCount);
    CHECK(cell(model, 0, ResultsModel::SubjectColumn) == wxString::FromUTF8("Grüße aus Köln"));
    CHECK(cell(model, 0, ResultsModel::FromColumn) == "Ann <ann@example.org>");
    CHECK(cell(model, 0, ResultsModel::SizeColumn) == "2.0 KB");
    CHECK(model.GetColumnType(ResultsModel::AttachmentColumn) == "wxBitmap");
    CHECK(model.hit_at(0)->attachment_names.size() == 1);
    CHECK(cell(model, 0, ResultsModel::DateColumn).StartsWith("2009-03-0"));
    CHECK(cell(model, 5, ResultsModel::SubjectColumn).empty());  // past the end: nothing, no crash
    CHECK(model.hit_at(5) == nullptr);
}

TEST_CASE("results model: newest first, reversible, undated last") {
    ResultsModel model;
    model.set_hits({hit(1, 100, "middle"), hit(2, std::nullopt, "undated"), hit(3, 300, "newest"), hit(4, 50, "oldest")});
    CHECK(model.hit_at(0)->message_id == 3);
    CHECK(model.hit_at(1)->message_id == 1);
    CHECK(model.hit_at(2)->message_id == 4);
    CHECK(model.hit_at(3)->message_id == 2);
    model.set_newest_first(false);
    CHECK(model.hit_at(0)->message_id == 4);
    CHECK(model.hit_at(2)->message_id == 3);
    CHECK(model.hit_at(3)->message_id == 2);
    CHECK(model.row_of(3) == 2u);  // where a refresh finds the message the reader was on
    CHECK_FALSE(model.row_of(99).has_value());
    // New results keep the order the reader chose.
    model.set_hits({hit(7, 10, "a"), hit(8, 20, "b")});
    CHECK(model.hit_at(0)->message_id == 7);
}

TEST_CASE("folder tree: paths become nested folders, parents made and counted with what is below") {
    const auto tree = build_folder_tree({{"INBOX", 3}, {"INBOX/Work", 2}, {"INBOX/Work/2009", 1}, {"Lists/linux-mips", 7},
                                         {"Sent", 4}});
    REQUIRE(tree.size() == 3);
    CHECK(tree[0].name == "INBOX");
    CHECK(tree[0].own_messages == 3);
    CHECK(tree[0].all_messages == 6);
    REQUIRE(tree[0].children.size() == 1);
    CHECK(tree[0].children[0].path == "INBOX/Work");
    CHECK(tree[0].children[0].all_messages == 3);
    CHECK(tree[0].children[0].children[0].name == "2009");
    CHECK(tree[0].children[0].children[0].path == "INBOX/Work/2009");
    // "Lists" holds no mail of its own: made so the tree can show linux-mips under it.
    CHECK(tree[1].name == "Lists");
    CHECK(tree[1].path == "Lists");
    CHECK(tree[1].own_messages == 0);
    CHECK(tree[1].all_messages == 7);
    CHECK(tree[2].name == "Sent");
    CHECK(tree[2].children.empty());
    CHECK(build_folder_tree({}).empty());
}

TEST_CASE("quick filters: query conditions the person could have typed") {
    using namespace std::chrono;
    const year_month_day today{year(2026), month(11), day(28)};
    QuickFilters filters;
    CHECK(filter_conditions(filters, today).empty());
    filters.from = " Ann Smith ";
    filters.has_attachment = true;
    CHECK(filter_conditions(filters, today) == std::vector<std::string>{"from:\"Ann Smith\"", "has:attachment"});
    filters = {};
    filters.from = "ann@example.org";
    filters.period = QuickFilters::Period::Last30Days;
    CHECK(filter_conditions(filters, today) == std::vector<std::string>{"from:ann@example.org", "after:2026-10-29"});
    filters = {};
    filters.period = QuickFilters::Period::ThisYear;
    CHECK(filter_conditions(filters, today) == std::vector<std::string>{"date:2026"});
    filters.period = QuickFilters::Period::Between;
    filters.first_day = year_month_day{year(2009), month(3), day(1)};
    filters.last_day = year_month_day{year(2009), month(12), day(31)};
    CHECK(filter_conditions(filters, today) == std::vector<std::string>{"date:2009-03-01..2009-12-31"});
}

TEST_CASE("archive run: the accounts' counts join the files', an account that failed is named") {
    ImportReport report;
    report.messages_stored = 5;
    report.failures.push_back({"/mail/broken.mbox", 10, "not a mailbox"});
    FetchReport fetched;
    AccountFetchReport work;
    work.account = "work";
    work.import.messages_stored = 3;
    work.import.messages_unchanged = 2;
    work.import.failures.push_back({"INBOX", 7, "the server stopped sending"});
    AccountFetchReport home;
    home.account = "home";
    home.error = Error{ErrorCode::PermissionDenied, "the server refused the password", "home"};
    fetched.accounts = {work, home};
    add_fetch_to_report(report, fetched);
    CHECK(report.messages_stored == 8);
    CHECK(report.messages_unchanged == 2);
    REQUIRE(report.failures.size() == 3);
    CHECK(report.failures[1].source_path == "work: INBOX");
    CHECK(report.failures[2].source_path == "home");
    CHECK(report.failures[2].reason == "the server refused the password");
    CHECK_FALSE(report.cancelled);

    // Sources imported one by one add up the same way, "unchanged" files and cancelling too.
    ImportReport second;
    second.messages_stored = 1;
    second.files_skipped_unchanged = 4;
    second.cancelled = true;
    add_import_to_report(report, second);
    CHECK(report.messages_stored == 9);
    CHECK(report.files_skipped_unchanged == 4);
    CHECK(report.cancelled);
}

TEST_CASE("archive run: a request during a sign-in waits for it, one during a run is not needed") {
    ArchiveRequests requests;
    CHECK(requests.request({"/mail/a.pst"}, false, false));
    CHECK_FALSE(requests.sign_in_ended().has_value());

    // The wizard signs in to a Google account, then asks for its files: they wait, none dropped.
    CHECK_FALSE(requests.request({"/mail/a.pst", "/mail/b"}, false, true));
    CHECK_FALSE(requests.request({"/mail/b", "/mail/c.mbox"}, false, true));
    const auto waiting = requests.sign_in_ended();
    REQUIRE(waiting.has_value());
    CHECK(*waiting == std::vector<std::filesystem::path>{"/mail/a.pst", "/mail/b", "/mail/c.mbox"});
    CHECK_FALSE(requests.sign_in_ended().has_value());

    // With only an account to fetch, the run still waits: it fetches the account once signed in.
    CHECK_FALSE(requests.request({}, false, true));
    const auto accounts_only = requests.sign_in_ended();
    REQUIRE(accounts_only.has_value());
    CHECK(accounts_only->empty());

    // A run going already archives the same sources: nothing waits behind it.
    CHECK_FALSE(requests.request({"/mail/a.pst"}, true, false));
    CHECK_FALSE(requests.sign_in_ended().has_value());
}

TEST_CASE("archive run: an account added during a sign-in waits its turn, the run waits for the last sign-in") {
    ArchiveRequests requests;
    const auto account = [](const std::string& name) {
        NewAccount added;
        added.settings.name = name;
        return added;
    };
    CHECK(requests.add_account(account("first"), false, false) == AccountTurn::AddNow);
    CHECK_FALSE(requests.next_account().has_value());

    // The wizard adds two Google accounts and files: the second signs in after the first.
    CHECK(requests.add_account(account("second"), false, true) == AccountTurn::AfterSignIn);
    CHECK(requests.add_account(account("third"), false, true) == AccountTurn::AfterSignIn);
    CHECK_FALSE(requests.request({"/mail/a.pst"}, false, true));
    // The first sign-in ends: the files still wait, behind the accounts.
    CHECK_FALSE(requests.sign_in_ended().has_value());
    const auto second = requests.next_account();
    REQUIRE(second.has_value());
    CHECK(second->settings.name == "second");
    CHECK_FALSE(requests.sign_in_ended().has_value());
    const auto third = requests.next_account();
    REQUIRE(third.has_value());
    CHECK(third->settings.name == "third");
    CHECK_FALSE(requests.next_account().has_value());
    const auto waiting = requests.sign_in_ended();
    REQUIRE(waiting.has_value());
    CHECK(*waiting == std::vector<std::filesystem::path>{"/mail/a.pst"});

    // While mail is being archived the writer is busy until the run ends: not kept.
    CHECK(requests.add_account(account("later"), true, false) == AccountTurn::AfterRun);
    CHECK_FALSE(requests.next_account().has_value());
}

TEST_CASE("results model: the Found line says where the words matched, in bold, nothing raw") {
    search::SearchHit hit;
    CHECK_FALSE(match_summary(hit).has_value());  // a search without words

    hit.snippet = "gas in the \x02Permian\x03 basin & <b>\x01";
    hit.snippet_field = "attachment";
    hit.attachment_names = {"TWEOL.pdf"};
    auto summary = match_summary(hit);
    REQUIRE(summary.has_value());
    CHECK(summary->place == "Found in the attachment TWEOL.pdf:");
    CHECK(summary->text == "gas in the Permian basin & <b>\x01");
    CHECK(summary->markup == "gas in the <b>Permian</b> basin &amp; &lt;b&gt; ");

    // A long lead-in is cut to its last words, so the match shows on the one line there is.
    hit.snippet = "…the sheet of prices for the whole of the month in the \x02Permian\x03 basin";
    CHECK(match_summary(hit)->text == wxString::FromUTF8("…month in the Permian basin"));

    hit.attachment_names = {"a.pdf", "b.pdf"};
    CHECK(match_summary(hit)->place == "Found in an attachment:");
    hit.snippet_field = "body";
    CHECK(match_summary(hit)->place == "Found:");
    hit.snippet_field = "subject";
    CHECK(match_summary(hit)->place == "Found in the subject:");
}

TEST_CASE("archive schedule: due N hours after the last run, never during one, off for 0") {
    using namespace std::chrono_literals;
    const auto last = std::chrono::system_clock::time_point(std::chrono::sys_days(std::chrono::year{2026} / 3 / 1));
    CHECK_FALSE(scheduled_run_due(last, last, 6, false));
    CHECK_FALSE(scheduled_run_due(last + 5h + 59min, last, 6, false));
    CHECK(scheduled_run_due(last + 6h, last, 6, false));
    CHECK(scheduled_run_due(last + 30h, last, 6, false));
    CHECK(scheduled_run_due(last + 1h, last, 1, false));
    // A run still going when the hours are up: the next check tries again.
    CHECK_FALSE(scheduled_run_due(last + 7h, last, 6, true));
    // Off: not even days later.
    CHECK_FALSE(scheduled_run_due(last + 24h * 30, last, 0, false));
    // A clock set back before the last run is not a reason to run.
    CHECK_FALSE(scheduled_run_due(last - 24h, last, 6, false));
}

TEST_CASE("text glue: counts take the plural form the count needs") {
    CHECK(format_message_progress(1, 0) == "1 message");
    CHECK(format_message_progress(0, 0) == "0 messages");
    CHECK(format_message_progress(7, 0) == "7 messages");
    CHECK(format_message_progress(1, 1) == "1 of 1 message");
    CHECK(format_message_progress(3, 10) == "3 of 10 messages");
    CHECK(format_size(1) == "1 byte");
}

TEST_CASE("text glue: UTF-8 and wxString round trip, bad bytes shown as replacement characters") {
    const std::string text = "Grüße, Ζεύς, 日本語, 🙂";
    CHECK(to_utf8(to_wx(text)) == text);
    CHECK(to_wx(text).length() == 19);  // characters, not bytes
    CHECK(to_utf8(to_wx("caf\xE9 ok")) == "caf\xEF\xBF\xBD ok");
    CHECK(to_utf8(to_wx("\xC0\xAF")) == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/' is not text
    CHECK(to_utf8(to_wx("truncated \xE6\x97")) == "truncated \xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(wx_to_path(path_to_wx(std::filesystem::path("/tmp/Ärger/日本.mbox"))) == "/tmp/Ärger/日本.mbox");
    CHECK(format_size(512) == "512 bytes");
    CHECK(format_size(3 * 1024 * 1024) == "3.0 MB");
}

TEST_CASE("progress: the throttle passes one update per interval") {
    using namespace std::chrono_literals;
    ProgressThrottle throttle(100ms);
    const auto start = ProgressThrottle::Clock::time_point{} + 1h;
    CHECK(throttle.should_pass(start));
    CHECK_FALSE(throttle.should_pass(start + 10ms));
    CHECK_FALSE(throttle.should_pass(start + 99ms));
    CHECK(throttle.should_pass(start + 100ms));
    CHECK_FALSE(throttle.should_pass(start + 150ms));
    CHECK(throttle.should_pass(start + 250ms));
}

TEST_CASE("progress: a burst of updates reaches the UI coalesced, and the final one always") {
    std::vector<std::function<void()>> posted;
    std::vector<std::uint64_t> shown;
    std::optional<std::uint64_t> finished;
    ProgressRelay relay([&](const Progress& progress) { shown.push_back(progress.done); },
                        [&](const Progress& progress) { finished = progress.done; },
                        [&](std::function<void()> work) { posted.push_back(std::move(work)); },
                        std::chrono::hours(1));
    Progress progress;
    for (progress.done = 1; progress.done <= 10'000; ++progress.done)
        relay.update(progress);
    progress.done = 10'000;
    relay.finish(progress);
    CHECK(posted.size() == 2);
    CHECK(shown.empty());  // nothing runs until the UI thread takes the work
    for (auto& work : posted)
        work();
    CHECK(shown == std::vector<std::uint64_t>{1});
    CHECK(finished == 10'000u);
}

TEST_CASE("latest request worker: requests overtaken while one runs are skipped or dropped") {
    std::mutex posted_mutex;
    std::vector<std::function<void()>> posted;
    const UiPoster poster = [&](std::function<void()> work) {
        std::lock_guard lock(posted_mutex);
        posted.push_back(std::move(work));
    };
    const auto posted_count = [&] {
        std::lock_guard lock(posted_mutex);
        return posted.size();
    };
    std::vector<std::string> delivered;
    std::vector<std::string> ran;
    std::promise<void> first_started, release_first;
    auto release = release_first.get_future().share();
    {
        LatestRequestWorker<std::string> worker(poster);
        CHECK_FALSE(worker.busy());
        worker.submit(
            [&] {
                ran.push_back("d");
                first_started.set_value();
                release.wait();
                return std::string("d");
            },
            [&](std::string answer) { delivered.push_back(answer); });
        first_started.get_future().wait();
        // Typed while "d" is searched: "di" is replaced by "dir" before it starts.
        for (const char* query : {"di", "dir"})
            worker.submit(
                [&ran, query] {
                    ran.push_back(query);
                    return std::string(query);
                },
                [&](std::string answer) { delivered.push_back(answer); });
        CHECK(worker.busy());
        release_first.set_value();
        for (int wait = 0; wait < 500 && posted_count() < 2; ++wait)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        REQUIRE(posted_count() == 2);
        for (auto& work : posted)
            work();
        CHECK(ran == std::vector<std::string>{"d", "dir"});
        CHECK(delivered == std::vector<std::string>{"dir"});  // "d" came back too late to show
        CHECK_FALSE(worker.busy());
        posted.clear();
        worker.submit([] { return std::string("late"); }, [&](std::string answer) { delivered.push_back(answer); });
        for (int wait = 0; wait < 500 && posted_count() < 1; ++wait)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // The worker is gone (the window closed): its answer is not delivered.
    for (auto& work : posted)
        work();
    CHECK(delivered == std::vector<std::string>{"dir"});
}

TEST_CASE("progress: rate, share done and time left") {
    Progress progress;
    progress.done = 500;
    progress.total = 1000;
    const ProgressEstimate half = estimate_progress(progress, 10.0);
    CHECK(half.messages_per_second == doctest::Approx(50.0));
    CHECK(*half.fraction_done == doctest::Approx(0.5));
    CHECK(*half.seconds_left == doctest::Approx(10.0));
    Progress by_input;
    by_input.done = 3;
    by_input.input_total = 1000;
    by_input.input_position = 250;
    CHECK(*estimate_progress(by_input, 2.0).fraction_done == doctest::Approx(0.25));
    CHECK_FALSE(estimate_progress(Progress{}, 0.5).seconds_left.has_value());
}

TEST_CASE("passphrase strength: length and character classes") {
    CHECK(rate_passphrase("") == PassphraseStrength::TooShort);
    CHECK(rate_passphrase("abc1234") == PassphraseStrength::TooShort);
    CHECK(rate_passphrase("äöüäöüä") == PassphraseStrength::TooShort);  // 7 characters, 14 bytes
    CHECK(rate_passphrase("äöüäöüäö") != PassphraseStrength::TooShort);
    CHECK(rate_passphrase("abcdefgh") == PassphraseStrength::Weak);
    CHECK(rate_passphrase("abcDEF12") == PassphraseStrength::Fair);
    CHECK(rate_passphrase("abcdefghijkl") == PassphraseStrength::Fair);
    CHECK(rate_passphrase("Correct-horse-9") == PassphraseStrength::Strong);
    CHECK(rate_passphrase("correct horse battery staple") == PassphraseStrength::Strong);
}

namespace {

/// Loads the catalogs the build compiled, straight from the build tree: wx's own loader asks
/// the standard paths, which need a running application (the GUI test covers that path).
class BuildTreeLoader : public wxTranslationsLoader {
public:
    wxMsgCatalog* LoadCatalog(const wxString& domain, const wxString& language) override {
        // wx also asks for variants ("de.UTF-8") that the build does not make.
        const wxString path =
            wxString(CAIRN_DESKTOP_LOCALE_DIR) + "/locale/" + language + "/LC_MESSAGES/" + domain + ".mo";
        return wxFileExists(path) ? wxMsgCatalog::CreateFromFile(path, domain) : nullptr;
    }
    wxArrayString GetAvailableTranslations(const wxString&) const override {
        wxArrayString languages;
        languages.push_back("de");
        return languages;
    }
};

}  // namespace

TEST_CASE("translations: the German catalog translates the menus") {
    wxTranslations translations;
    translations.SetLoader(new BuildTreeLoader);
    translations.SetLanguage("de");
    REQUIRE(translations.AddCatalog(catalog_name));
    const wxString* quit = translations.GetTranslatedString("&Quit\tCtrl+Q", catalog_name);
    REQUIRE(quit != nullptr);
    CHECK(*quit == "&Beenden\tCtrl+Q");
    const wxString* file = translations.GetTranslatedString("&File", catalog_name);
    REQUIRE(file != nullptr);
    CHECK(*file == "&Datei");
    // The form for COUNT of a string with a plural.
    const auto plural = [&](const char* singular, unsigned count) {
        const wxString* text = translations.GetTranslatedString(singular, count, catalog_name);
        return text ? *text : wxString("(not translated)");
    };
    CHECK(plural("%zu message", 2) == "%zu Nachrichten");
    // "1 new messages" was the bug: each count with a noun has its singular and plural.
    CHECK(plural("%llu new message archived", 1) == "%llu neue Nachricht archiviert");
    CHECK(plural("%llu new message archived", 2) == "%llu neue Nachrichten archiviert");
    CHECK(plural("%llu of %llu message", 1) == "%llu von %llu Nachricht");
    CHECK(plural("%llu of %llu message", 5) == "%llu von %llu Nachrichten");
}
