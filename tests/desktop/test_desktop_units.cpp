// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <wx/filefn.h>
#include <wx/translation.h>

#include "app/desktop/dialogs/passphrase_strength.h"
#include "app/desktop/glue/progress_relay.h"
#include "app/desktop/glue/text.h"
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
    // New results keep the order the reader chose.
    model.set_hits({hit(7, 10, "a"), hit(8, 20, "b")});
    CHECK(model.hit_at(0)->message_id == 7);
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
    const wxString* plural = translations.GetTranslatedString("%zu message", 2, catalog_name);
    REQUIRE(plural != nullptr);
    CHECK(*plural == "%zu Nachrichten");
}
