// SPDX-License-Identifier: GPL-3.0-or-later
// Real CJK mail from the public corpus, indexed through the "cairn" FTS5 tokenizer: a
// two-character word from inside a sentence must be found.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/db/database.h"
#include "core/db/text_tokenizer.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using cairn::testing::TempDir;

namespace {

/// The body of a simple (single-part, 8-bit UTF-8) message: everything after the first blank line.
std::string simple_body(const std::string& message) {
    auto end_of_headers = message.find("\n\n");
    return end_of_headers == std::string::npos ? std::string() : message.substr(end_of_headers + 2);
}

struct Index {
    TempDir directory;
    db::Database database;

    Index() : database(std::move(*db::Database::open(directory.path() / "index.db", db::OpenMode::ReadWrite))) {
        REQUIRE(db::register_text_tokenizer(database));
        REQUIRE(database.execute("CREATE VIRTUAL TABLE d USING fts5(name, body, tokenize='cairn')"));
    }

    void add(const std::string& name, const std::string& body) {
        auto insert = database.prepare("INSERT INTO d(name, body) VALUES(?, ?)");
        REQUIRE(insert);
        insert->bind(1, name).bind(2, body);
        REQUIRE(insert->run());
    }

    /// Names of the rows whose body matches.
    std::vector<std::string> match(const std::string& query) {
        auto select = database.prepare("SELECT name FROM d WHERE body MATCH ? ORDER BY name");
        REQUIRE(select);
        select->bind(1, query);
        std::vector<std::string> names;
        while (true) {
            auto row = select->step();
            REQUIRE(row);
            if (!*row)
                break;
            names.push_back(select->column_text(0));
        }
        return names;
    }
};

using Names = std::vector<std::string>;

}  // namespace

TEST_SUITE("db.text_tokenizer_corpus") {
TEST_CASE("words inside the Japanese sentences of mu's cjk test messages are found") {
    auto directory = cairn::testing::corpus_path("mu/cjk/cur");
    if (!directory)
        return;
    Index index;
    for (const char* name : {"test1", "test2", "test3", "test4"})
        index.add(name, simple_body(cairn::testing::read_file(*directory / name)));
    // test1: サーバがダウンしました, test2: スポンサーシップ募集, test3: サービス開始について,
    // test4: ショルダーバック (mu issue 1428: these words were not found by a space-based tokenizer).
    CHECK(index.match("ダウン") == Names{"test1"});
    CHECK(index.match("募集") == Names{"test2"});
    CHECK(index.match("開始") == Names{"test3"});
    CHECK(index.match("サービス") == Names{"test3"});
    CHECK(index.match("スポンサー") == Names{"test2"});
    CHECK(index.match("バック") == Names{"test4"});
    CHECK(index.match("サー*") == Names{"test1", "test2", "test3"});
    CHECK(index.match("github") == Names{"test1", "test2", "test3", "test4"});
    CHECK(index.match("会議").empty());
}

TEST_CASE("a two-character Chinese word inside an openbmc message body is found") {
    auto archive = cairn::testing::corpus_path("openbmc/openbmc.maildir.tar.zst");
    if (!archive)
        return;
    // 001084 is a single-part text/plain UTF-8 8bit message with a Chinese attribution line
    // ("於 2019年7月18日 週四 上午7:01寫道：").
    const std::string member = "openbmc/cur/001084.openbmc:2,S";
    TempDir scratch;
    std::string command = "zstd -q -dc '" + archive->string() + "' | tar -x -C '" + scratch.path().string() +
                          "' '" + member + "'";
    if (std::system(command.c_str()) != 0 || !std::filesystem::exists(scratch.path() / member)) {
        MESSAGE("cannot extract " << member << " with zstd and tar; skipping");
        return;
    }
    std::string body = simple_body(cairn::testing::read_file(scratch.path() / member));
    REQUIRE(body.find("上午") != std::string::npos);
    Index index;
    index.add("001084", body);
    index.add("other", "Thanks, applied to the tree. 週末愉快");
    CHECK(index.match("上午") == Names{"001084"});
    CHECK(index.match("寫道") == Names{"001084"});
    CHECK(index.match("週四") == Names{"001084"});
    CHECK(index.match("愉快") == Names{"other"});
}

TEST_CASE("two-character words inside decoded GB2312 and Big5 openbmc bodies are found") {
    // Hand-picked decoded text from the openbmc corpus (its bodies are base64 in legacy charsets,
    // and core/db does not decode MIME):
    //   005115 (gb2312, base64): the confidentiality footer;
    //   019712 (big5, base64): the confidentiality footer in traditional Chinese;
    //   008666 (big5, quoted-printable): an address line.
    Index index;
    index.add("005115", "本邮件含有保密或专有信息，仅供指定收件人使用。严禁对本邮件或其内容做任何未经授权的查阅、使用、复制或转发。");
    index.add("019712", "本信件(或其附件)可能包含機密資訊，並受法律保護。如 台端非指定之收件者，請以電子郵件通知本電子郵件之發送者, "
                        "並請立即刪除本電子郵件及其附件和銷毀所有複印件。謝謝您的合作!");
    index.add("008666", "新北市汐止區大同路二段133號9樓");
    CHECK(index.match("保密") == Names{"005115"});
    CHECK(index.match("授权") == Names{"005115"});
    CHECK(index.match("機密") == Names{"019712"});
    CHECK(index.match("附件") == Names{"019712"});
    CHECK(index.match("電子郵件") == Names{"019712"});
    CHECK(index.match("汐止") == Names{"008666"});
    CHECK(index.match("使用") == Names{"005115"});
    CHECK(index.match("信件") == Names{"019712"});
}
}
