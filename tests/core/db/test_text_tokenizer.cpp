// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/db/database.h"
#include "core/db/text_tokenizer.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using cairn::testing::TempDir;
using Tokens = std::vector<std::string>;

namespace {

bool contains(const Tokens& tokens, const std::string& token) {
    return std::find(tokens.begin(), tokens.end(), token) != tokens.end();
}

/// Well-formed UTF-8 (no stray continuation bytes, no truncated or overlong sequences, no surrogates).
bool is_valid_utf8(std::string_view text) {
    std::size_t index = 0;
    while (index < text.size()) {
        auto lead = static_cast<unsigned char>(text[index]);
        std::size_t length = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                           : lead >= 0xF0 && lead <= 0xF4                 ? 4
                                                                          : 0;
        if (length == 0 || index + length > text.size())
            return false;
        std::uint32_t code_point = length == 1 ? lead : lead & (0xFF >> (length + 1));
        for (std::size_t offset = 1; offset < length; ++offset) {
            auto byte = static_cast<unsigned char>(text[index + offset]);
            if ((byte & 0xC0) != 0x80)
                return false;
            code_point = (code_point << 6) | (byte & 0x3F);
        }
        static constexpr std::uint32_t Smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code_point < Smallest[length] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
            return false;
        index += length;
    }
    return true;
}

/// A database with the tokenizer registered and a one-column FTS5 table `d` filled with `bodies`
/// (rowids 1, 2, …).
struct Index {
    TempDir directory;
    db::Database database;

    explicit Index(const std::vector<std::string>& bodies)
        : database(std::move(*db::Database::open(directory.path() / "index.db", db::OpenMode::ReadWrite))) {
        REQUIRE(db::register_text_tokenizer(database));
        REQUIRE(database.execute("CREATE VIRTUAL TABLE d USING fts5(body, tokenize='cairn')"));
        auto insert = database.prepare("INSERT INTO d(rowid, body) VALUES(?, ?)");
        REQUIRE(insert);
        std::int64_t rowid = 1;
        for (const auto& body : bodies) {
            insert->bind(1, rowid++).bind(2, body);
            REQUIRE(insert->run());
        }
    }

    /// Rowids matching an FTS5 query, ascending.
    std::vector<std::int64_t> match(const std::string& query) {
        auto select = database.prepare("SELECT rowid FROM d WHERE d MATCH ? ORDER BY rowid");
        REQUIRE(select);
        select->bind(1, query);
        std::vector<std::int64_t> rowids;
        while (true) {
            auto row = select->step();
            REQUIRE(row);
            if (!*row)
                break;
            rowids.push_back(select->column_int(0));
        }
        return rowids;
    }

    /// The first match's text with "[" and "]" around what the query matched.
    std::string highlight(const std::string& query) {
        return first_text("SELECT highlight(d, 0, '[', ']') FROM d WHERE d MATCH ? ORDER BY rowid", query);
    }

    std::string snippet(const std::string& query) {
        return first_text("SELECT snippet(d, 0, '[', ']', '...', 4) FROM d WHERE d MATCH ? ORDER BY rowid", query);
    }

private:
    std::string first_text(const char* sql, const std::string& query) {
        auto select = database.prepare(sql);
        REQUIRE(select);
        select->bind(1, query);
        auto row = select->step();
        REQUIRE(row);
        REQUIRE(*row);
        return select->column_text(0);
    }
};

}  // namespace

TEST_SUITE("db.text_tokenizer") {
TEST_CASE("ASCII words are lowercased and split at punctuation and spaces") {
    CHECK(db::tokenize_for_search("Hello, WORLD! it's 2024-05-01.") ==
          Tokens{"hello", "world", "it", "s", "2024", "05", "01"});
    CHECK(db::tokenize_for_search("") == Tokens{});
    CHECK(db::tokenize_for_search("  ...  ") == Tokens{});
    CHECK(db::tokenize_for_search("snake_case x86_64 v1.2.3") == Tokens{"snake", "case", "x86", "64", "v1", "2", "3"});
}

TEST_CASE("an email address gives its local part and each domain label") {
    CHECK(db::tokenize_for_search("<alice@example.org>") == Tokens{"alice", "example", "org"});
    CHECK(db::tokenize_for_search("Bob.Smith+lists@Mail.Example.COM") ==
          Tokens{"bob", "smith", "lists", "mail", "example", "com"});
}

TEST_CASE("accents are removed and case is folded") {
    CHECK(db::tokenize_for_search("Résumé") == Tokens{"resume"});
    CHECK(db::tokenize_for_search("RÉSUMÉ résumé resume") == Tokens{"resume", "resume", "resume"});
    CHECK(db::tokenize_for_search("Crème brûlée, naïve façade, Ångström, Dvořák, Łódź") ==
          Tokens{"creme", "brulee", "naive", "facade", "angstrom", "dvorak", "łodz"});
    // Precomposed and decomposed (NFD, as macOS writes file names) forms give the same token.
    CHECK(db::tokenize_for_search("Re\xCC\x81sume\xCC\x81") == Tokens{"resume"});
}

TEST_CASE("full case folding maps the sharp s to ss") {
    CHECK(db::tokenize_for_search("Straße STRASSE strasse") == Tokens{"strasse", "strasse", "strasse"});
    CHECK(db::tokenize_for_search("ẞ") == Tokens{"ss"});
}

TEST_CASE("Greek and Cyrillic words are folded and kept whole") {
    CHECK(db::tokenize_for_search("ΣΊΣΥΦΟΣ Σίσυφος") == Tokens{"σισυφοσ", "σισυφοσ"});
    CHECK(db::tokenize_for_search("Привет, МИР") == Tokens{"привет", "мир"});
}

TEST_CASE("compatibility forms fold to their plain letters and digits") {
    CHECK(db::tokenize_for_search("ＡＢＣ１２３") == Tokens{"abc123"});
    CHECK(db::tokenize_for_search("ﬁle") == Tokens{"file"});
    CHECK(db::tokenize_for_search("x² ½") == Tokens{"x2", "12"});
}

TEST_CASE("digits are tokens of their own and stay in words") {
    CHECK(db::tokenize_for_search("RFC5322 3.14 1,000,000 ٣٤") == Tokens{"rfc5322", "3", "14", "1", "000", "000", "٣٤"});
}

TEST_CASE("a soft hyphen inside a word does not split it") {
    CHECK(db::tokenize_for_search("Zusammen\xC2\xAD" "arbeit") == Tokens{"zusammenarbeit"});
}

TEST_CASE("emoji and symbols separate words and are not tokens") {
    CHECK(db::tokenize_for_search("ship 🚀 it ✓ → done €5 ©2024") == Tokens{"ship", "it", "done", "5", "2024"});
    CHECK(db::tokenize_for_search("go😀now") == Tokens{"go", "now"});
}

TEST_CASE("Chinese text becomes overlapping bigrams") {
    CHECK(db::tokenize_for_search("東京都") == Tokens{"東京", "京都"});
    auto tokens = db::tokenize_for_search("東京都の会議");
    CHECK(tokens == Tokens{"東京", "京都", "都の", "の会", "会議"});
    CHECK(contains(tokens, "会議"));
    CHECK(db::tokenize_for_search("本邮件含有保密信息。") ==
          Tokens{"本邮", "邮件", "件含", "含有", "有保", "保密", "密信", "信息"});
}

TEST_CASE("a lone CJK character is a token by itself") {
    CHECK(db::tokenize_for_search("会") == Tokens{"会"});
    CHECK(db::tokenize_for_search("2019年7月18日") == Tokens{"2019", "年", "7", "月", "18", "日"});
    CHECK(db::tokenize_for_search("「猫」と「犬」") == Tokens{"猫", "と", "犬"});
}

TEST_CASE("Japanese kana runs, including the prolonged sound mark, become bigrams") {
    CHECK(db::tokenize_for_search("サーバ") == Tokens{"サー", "ーバ"});
    CHECK(db::tokenize_for_search("ひらがな") == Tokens{"ひら", "らが", "がな"});
    // Half-width katakana and a decomposed voiced mark fold to the usual full-width forms.
    CHECK(db::tokenize_for_search("ｻｰﾊﾞ") == Tokens{"サー", "ーバ"});
    CHECK(db::tokenize_for_search("か\xE3\x82\x99な") == Tokens{"がな"});
}

TEST_CASE("Korean Hangul becomes bigrams and conjoining jamo compose first") {
    CHECK(db::tokenize_for_search("회의록") == Tokens{"회의", "의록"});
    CHECK(db::tokenize_for_search("회의록 작성") == Tokens{"회의", "의록", "작성"});
    // 한 written as conjoining jamo (NFD).
    CHECK(db::tokenize_for_search("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB" "국") == Tokens{"한국"});
}

TEST_CASE("mixed Latin and CJK runs split where the script changes") {
    CHECK(db::tokenize_for_search("Linux内核开发") == Tokens{"linux", "内核", "核开", "开发"});
    CHECK(db::tokenize_for_search("内核Linux开发") == Tokens{"内核", "linux", "开发"});
    CHECK(db::tokenize_for_search("OpenBMC是一个项目") ==
          Tokens{"openbmc", "是一", "一个", "个项", "项目"});
}

TEST_CASE("invalid UTF-8 bytes separate words and never crash") {
    CHECK(db::tokenize_for_search("abc\xFF" "def") == Tokens{"abc", "def"});
    CHECK(db::tokenize_for_search("caf\xC3") == Tokens{"caf"});                 // truncated sequence at the end
    CHECK(db::tokenize_for_search("a\xC0\xAF" "b") == Tokens{"a", "b"});        // overlong "/"
    CHECK(db::tokenize_for_search("a\xED\xA0\x80" "b") == Tokens{"a", "b"});    // UTF-16 surrogate
    CHECK(db::tokenize_for_search("a\xF4\x90\x80\x80" "b") == Tokens{"a", "b"}); // above U+10FFFF
    CHECK(db::tokenize_for_search("東\x80京") == Tokens{"東", "京"});
    CHECK(db::tokenize_for_search(std::string("a\0b", 3)) == Tokens{"a", "b"});
    // Every byte value at every position: only that it does not crash or emit empty tokens.
    std::string noise;
    for (int round = 0; round < 4; ++round)
        for (int byte = 0; byte < 256; ++byte)
            noise.push_back(static_cast<char>((byte * 37 + round * 11) & 0xFF));
    for (std::size_t cut = 0; cut < noise.size(); cut += 7)
        for (const auto& token : db::tokenize_for_search(std::string_view(noise).substr(cut)))
            CHECK_FALSE(token.empty());
}

TEST_CASE("tokens of random mixed-script text are valid UTF-8 of 1 to 64 bytes") {
    // Letters, marks, CJK, jamo, half-width kana, emoji, punctuation and stray bytes, mixed.
    const std::vector<std::string> pieces = {"a", "Z", "9", " ", ".", "é", "e\xCC\x81", "\xCC\x81", "ß", "Σ", "ж",
                                             "東", "京", "の", "サ", "ー", "ｶ", "ﾞ", "한", "\xE1\x85\xA1",
                                             "\xE3\x82\x99", "🚀", "\xC2\xAD", "\xFF", "\xE6\x9D", "١", "ﬁ"};
    REQUIRE(is_valid_utf8("aé東🚀"));
    REQUIRE_FALSE(is_valid_utf8("\xE6\x9D"));
    REQUIRE_FALSE(is_valid_utf8("\xC0\xAF"));
    std::uint32_t state = 12345;
    auto next = [&] {
        state = state * 1103515245u + 12345u;
        return (state >> 16) & 0x7FFF;
    };
    for (int round = 0; round < 300; ++round) {
        std::string text;
        std::size_t length = next() % 200;
        for (std::size_t count = 0; count < length; ++count)
            text += pieces[next() % pieces.size()];
        for (const auto& token : db::tokenize_for_search(text)) {
            CHECK_FALSE(token.empty());
            CHECK(token.size() <= 64);
            CHECK(is_valid_utf8(token));
        }
    }
}

TEST_CASE("very long words are cut to 64 bytes") {
    std::string long_word(10000, 'x');
    CHECK(db::tokenize_for_search(long_word + " tail") == Tokens{std::string(64, 'x'), "tail"});
    // A long accented word is cut at a character boundary.
    std::string accented;
    for (int count = 0; count < 2000; ++count)
        accented += "é";
    auto tokens = db::tokenize_for_search(accented);
    REQUIRE(tokens.size() == 1);
    CHECK(tokens[0] == std::string(64, 'e'));
    std::string cyrillic;
    for (int count = 0; count < 100; ++count)
        cyrillic += "ж";
    tokens = db::tokenize_for_search(cyrillic);
    REQUIRE(tokens.size() == 1);
    CHECK(tokens[0].size() == 64);
    // One letter under a mountain of combining marks stays one short token.
    std::string zalgo = "a";
    for (int count = 0; count < 100000; ++count)
        zalgo += "\xCC\x81";
    CHECK(db::tokenize_for_search(zalgo + " b") == Tokens{"a", "b"});
}

TEST_CASE("registering the tokenizer on a connection without it makes tokenize='cairn' work") {
    TempDir directory;
    auto database = db::Database::open(directory.path() / "index.db", db::OpenMode::ReadWrite);
    REQUIRE(database);
    CHECK_FALSE(database->execute("CREATE VIRTUAL TABLE d USING fts5(body, tokenize='cairn')"));
    REQUIRE(db::register_text_tokenizer(*database));
    CHECK(database->execute("CREATE VIRTUAL TABLE d USING fts5(body, tokenize='cairn')"));
    CHECK_FALSE(database->execute("CREATE VIRTUAL TABLE e USING fts5(body, tokenize='cairn unknown_option')"));
}

TEST_CASE("an accent-free query in any case finds the accented word") {
    Index index({"Please find my Résumé attached", "nothing to see here", "RESUME-TEMPLATE.docx"});
    CHECK(index.match("resume") == std::vector<std::int64_t>{1, 3});
    CHECK(index.match("RESUME") == std::vector<std::int64_t>{1, 3});
    CHECK(index.match("résumé") == std::vector<std::int64_t>{1, 3});
    CHECK(index.match("strasse") == std::vector<std::int64_t>{});
}

TEST_CASE("a two-character CJK query finds it inside a sentence and not elsewhere") {
    Index index({"東京都の会議について", "東京都の天気", "Meeting notes"});
    CHECK(index.match("会議") == std::vector<std::int64_t>{1});
    CHECK(index.match("東京") == std::vector<std::int64_t>{1, 2});
    CHECK(index.match("天気") == std::vector<std::int64_t>{2});
}

TEST_CASE("a three-character CJK word is found as the phrase of its bigrams") {
    Index index({"本邮件含有保密信息", "京都と東の話", "東京都庁"});
    // 東京都 -> "東京 京都": row 2 has both bigrams' characters but not the word.
    CHECK(index.match("東京都") == std::vector<std::int64_t>{3});
    CHECK(index.match("保密信息") == std::vector<std::int64_t>{1});
    CHECK(index.match("회의록") == std::vector<std::int64_t>{});
}

TEST_CASE("Korean and Japanese words are found inside longer text") {
    Index index({"오늘 회의록을 공유합니다", "サーバがダウンしました", "スポンサーシップ募集"});
    CHECK(index.match("회의록") == std::vector<std::int64_t>{1});
    CHECK(index.match("회의") == std::vector<std::int64_t>{1});
    CHECK(index.match("ダウン") == std::vector<std::int64_t>{2});
    CHECK(index.match("サーバ") == std::vector<std::int64_t>{2});
    CHECK(index.match("募集") == std::vector<std::int64_t>{3});
}

TEST_CASE("phrase and prefix queries work on Latin text") {
    Index index({"hello world from the archive", "world hello", "archiving is fun", "the archer"});
    CHECK(index.match("\"hello world\"") == std::vector<std::int64_t>{1});
    CHECK(index.match("hello world") == std::vector<std::int64_t>{1, 2});
    CHECK(index.match("arch*") == std::vector<std::int64_t>{1, 3, 4});
    CHECK(index.match("archiving*") == std::vector<std::int64_t>{3});
    CHECK(index.match("ARCHIVE") == std::vector<std::int64_t>{1});
}

TEST_CASE("a CJK prefix query finds words that start with it") {
    Index index({"東京都庁", "京都"});
    CHECK(index.match("東京*") == std::vector<std::int64_t>{1});
    CHECK(index.match("京*") == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("highlight marks exactly the matched characters in CJK and accented text") {
    Index index({"東京都の会議について", "Le Résumé est prêt, merci"});
    CHECK(index.highlight("会議") == "東京都の[会議]について");
    CHECK(index.highlight("東京都") == "[東京都]の会議について");
    CHECK(index.highlight("resume") == "Le [Résumé] est prêt, merci");
    CHECK(index.highlight("pret") == "Le Résumé est [prêt], merci");
}

TEST_CASE("highlight offsets are right for a lone CJK character, Hangul and mixed scripts") {
    Index index({"2019年7月18日 회의록 Linux内核开发"});
    CHECK(index.highlight("月") == "2019年7[月]18日 회의록 Linux内核开发");
    CHECK(index.highlight("의록") == "2019年7月18日 회[의록] Linux内核开发");
    CHECK(index.highlight("内核") == "2019年7月18日 회의록 Linux[内核]开发");
    CHECK(index.highlight("linux") == "2019年7月18日 회의록 [Linux]内核开发");
}

TEST_CASE("snippet marks the match and cuts around it") {
    Index index({"one two three four five six seven eight nine Résumé ten eleven twelve thirteen"});
    std::string snippet = index.snippet("resume");
    CHECK(snippet.find("[Résumé]") != std::string::npos);
    CHECK(snippet.find("...") != std::string::npos);
    Index cjk({"今日は東京都の会議について話しました"});
    CHECK(cjk.snippet("会議").find("[会議]") != std::string::npos);
}
}
