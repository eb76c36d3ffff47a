// SPDX-License-Identifier: GPL-3.0-or-later
// The query compiler's output, form by form, and its syntax errors with their positions.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/search/query.h"
#include "core/search/query_ast.h"

using namespace cairn::search;

namespace {

constexpr const char* Match =
    "m.id IN (SELECT message_id FROM document_texts WHERE key IN (SELECT rowid FROM documents WHERE documents MATCH ?))";

CompiledQuery compiled(std::string_view query, const QueryOptions& options = {}) {
    auto result = compile_query(query, options);
    if (auto* error = std::get_if<QuerySyntaxError>(&result))
        FAIL("unexpected error for '" << std::string(query) << "': " << error->message);
    return std::get<CompiledQuery>(result);
}

QuerySyntaxError error_of(std::string_view query) {
    auto result = compile_query(query);
    if (std::holds_alternative<CompiledQuery>(result))
        FAIL("'" << std::string(query) << "' compiled to " << std::get<CompiledQuery>(result).condition);
    return std::get<QuerySyntaxError>(result);
}

// The only parameter of a query that is one MATCH.
std::string match_of(std::string_view query) {
    const CompiledQuery result = compiled(query);
    INFO("query: " << std::string(query) << " condition: " << result.condition);
    REQUIRE(result.condition == Match);
    REQUIRE(result.parameters.size() == 1);
    return std::get<std::string>(result.parameters.front());
}

std::vector<std::int64_t> integers_of(const CompiledQuery& result) {
    std::vector<std::int64_t> integers;
    for (const SqlValue& value : result.parameters) {
        if (const auto* integer = std::get_if<std::int64_t>(&value))
            integers.push_back(*integer);
    }
    return integers;
}

// 2019-03-01T00:00:00Z and friends, for reading the expectations.
constexpr std::int64_t Year2019 = 1546300800;
constexpr std::int64_t Year2020 = 1577836800;
constexpr std::int64_t Year2021 = 1609459200;
constexpr std::int64_t March2019 = 1551398400;
constexpr std::int64_t April2019 = 1554076800;
constexpr std::int64_t June2019 = 1559347200;
constexpr std::int64_t Day = 86400;

}  // namespace

TEST_SUITE("search.query") {

TEST_CASE("an empty query or one of only spaces matches everything") {
    for (const char* query : {"", "   ", "\t\n"}) {
        const CompiledQuery result = compiled(query);
        CHECK(result.condition == "1");
        CHECK(result.parameters.empty());
        CHECK(result.relevance_match.empty());
    }
}

TEST_CASE("words, phrases and prefixes become quoted FTS5 strings") {
    CHECK(match_of("alice") == "\"alice\"");
    CHECK(match_of("\"quarterly report\"") == "\"quarterly report\"");
    CHECK(match_of("budg*") == "\"budg\" *");
    CHECK(match_of("budg**") == "\"budg\" *");
    CHECK(match_of("\"quarterly rep\"*") == "\"quarterly rep\" *");
    CHECK(compiled("alice").relevance_match == "\"alice\"");
}

TEST_CASE("a prefix the index expanded is searched as its terms, in groups FTS5 does not flatten") {
    CHECK(query_prefixes("init* subject:\"dev tre\"* init* -foo* plain") ==
          std::vector<std::string>{"init", "dev tre", "foo"});
    CHECK(query_prefixes("(unclosed init*").empty());

    QueryOptions options;
    options.prefix_expansions["init"] = {"init", "initial"};
    options.prefix_expansions["ma"] = {"max"};
    CompiledQuery few = compiled("init* ma*", options);
    CHECK(few.driving_match == "(\"init\" OR \"initial\") AND \"max\"");
    CHECK(few.expanded_prefix_terms == 3);
    CHECK_FALSE(few.has_prefix_terms);

    // Eleven terms: groups of four (the square root, rounded up), each closed by NOT "".
    std::vector<std::string> terms;
    for (char letter = 'a'; letter <= 'k'; ++letter)
        terms.push_back(std::string("pre") + letter);
    options.prefix_expansions["pre"] = terms;
    CompiledQuery many = compiled("subject:pre* -budg*", options);
    CHECK(many.driving_match ==
          "({subject} : (((\"prea\" OR \"preb\" OR \"prec\" OR \"pred\") NOT \"\") OR "
          "((\"pree\" OR \"pref\" OR \"preg\" OR \"preh\") NOT \"\") OR "
          "((\"prei\" OR \"prej\" OR \"prek\") NOT \"\"))) NOT \"budg\" *");
    CHECK(many.expanded_prefix_terms == 11);
    CHECK(many.has_prefix_terms);  // budg* is left to FTS5
    // A prefix the index has no term for stays a prefix (it matches nothing either way).
    options.prefix_expansions["none"] = {};
    CHECK(compiled("none*", options).driving_match == "\"none\" *");
}

TEST_CASE("the compiled query says where full text is tested in a MATCH subquery") {
    CompiledQuery negated = compiled("folder:Inbox -word");
    CHECK(negated.driving_match.empty());
    CHECK(negated.condition_has_match);
    CompiledQuery driven = compiled("word folder:Inbox -other");
    CHECK(driven.condition_has_match);
    CHECK_FALSE(driven.residual_has_match);  // both words are in the driving MATCH
    CHECK(compiled("word folder:Inbox (other OR larger:1M)").residual_has_match);
    CHECK_FALSE(compiled("folder:Inbox larger:1M").condition_has_match);
}

TEST_CASE("punctuation inside a word stays part of the word the user typed") {
    CHECK(match_of("alice@example.org") == "\"alice@example.org\"");
    CHECK(match_of("foo-bar") == "\"foo-bar\"");
    CHECK(match_of("v1.2") == "\"v1.2\"");
    CHECK(match_of("http://example.org/a") == "\"http://example.org/a\"");
    CHECK(match_of("10:30") == "\"10:30\"");
    CHECK(match_of("C++") == "\"C++\"");
}

TEST_CASE("FTS5 syntax in the user's text is only ever text inside quotes") {
    CHECK(match_of("\"a AND b\"") == "\"a AND b\"");
    CHECK(match_of("\"NEAR(a b)\"") == "\"NEAR(a b)\"");
    CHECK(match_of("^start") == "\"^start\"");
    CHECK(match_of("\"col:umn\"") == "\"col:umn\"");
    CHECK(match_of("\"a * b\"") == "\"a * b\"");
    CHECK(match_of("a*b") == "\"a*b\"");
    CHECK(match_of("{sender}") == "\"{sender}\"");
    CHECK(match_of("NEAR") == "\"NEAR\"");
    // NEAR(a b) unquoted is three terms: the word NEAR, and the group (a b).
    CHECK(match_of("NEAR(a b)") == "\"NEAR\" AND \"a\" AND \"b\"");
}

TEST_CASE("each text field searches its column") {
    CHECK(match_of("from:alice") == "{sender} : \"alice\"");
    CHECK(match_of("to:bob") == "{recipients} : \"bob\"");
    CHECK(match_of("cc:carol") == "{cc} : \"carol\"");
    CHECK(match_of("bcc:dave") == "{bcc} : \"dave\"");
    CHECK(match_of("subject:report") == "{subject} : \"report\"");
    CHECK(match_of("body:numbers") == "{body} : \"numbers\"");
    CHECK(match_of("attachment:totals") == "{attachment} : \"totals\"");
    CHECK(match_of("filename:budget.xlsx") == "{filename} : \"budget.xlsx\"");
    CHECK(match_of("FROM:Alice") == "{sender} : \"Alice\"");
    CHECK(match_of("Subject:\"quarterly report\"") == "{subject} : \"quarterly report\"");
    CHECK(match_of("from:ali*") == "{sender} : \"ali\" *");
    CHECK(match_of("from:alice@example.org") == "{sender} : \"alice@example.org\"");
}

TEST_CASE("a field value is never a keyword, a field or a negation") {
    CHECK(match_of("to:NOT") == "{recipients} : \"NOT\"");
    CHECK(match_of("subject:or") == "{subject} : \"or\"");
    CHECK(match_of("from:-alice") == "{sender} : \"-alice\"");
    CHECK(match_of("subject:Re:lunch") == "{subject} : \"Re:lunch\"");
}

TEST_CASE("a field applies to every term of its parenthesised group") {
    CHECK(match_of("from:(alice OR bob)") == "{sender} : \"alice\" OR {sender} : \"bob\"");
    CHECK(match_of("subject:(budget -draft)") == "{subject} : \"budget\" NOT {subject} : \"draft\"");
    CHECK(match_of("from:(\"alice example\" OR bo*)") == "{sender} : \"alice example\" OR {sender} : \"bo\" *");
    const CompiledQuery folders = compiled("folder:(INBOX OR Archive)");
    CHECK(folders.condition ==
          "((f.path = ? COLLATE NOCASE OR f.path LIKE ? ESCAPE '\\') OR (f.path = ? COLLATE NOCASE OR f.path LIKE ? "
          "ESCAPE '\\'))");
    CHECK(folders.parameters.size() == 4);
}

TEST_CASE("AND is the default, OR and NOT combine in one MATCH where the query is all text") {
    CHECK(match_of("a b") == "\"a\" AND \"b\"");
    CHECK(match_of("a AND b") == "\"a\" AND \"b\"");
    CHECK(match_of("a and b") == "\"a\" AND \"b\"");
    CHECK(match_of("a OR b") == "\"a\" OR \"b\"");
    CHECK(match_of("a or b") == "\"a\" OR \"b\"");
    CHECK(match_of("a -b") == "\"a\" NOT \"b\"");
    CHECK(match_of("a NOT b") == "\"a\" NOT \"b\"");
    CHECK(match_of("a -b -c") == "\"a\" NOT (\"b\" OR \"c\")");
    CHECK(match_of("a b -c") == "(\"a\" AND \"b\") NOT \"c\"");
    // Precedence NOT > AND > OR.
    CHECK(match_of("a b OR c") == "(\"a\" AND \"b\") OR \"c\"");
    CHECK(match_of("a OR b c") == "\"a\" OR (\"b\" AND \"c\")");
    CHECK(match_of("(a OR b) c") == "(\"a\" OR \"b\") AND \"c\"");
    CHECK(match_of("NOT a b") == "\"b\" NOT \"a\"");
    CHECK(match_of("-(a OR b) c") == "\"c\" NOT (\"a\" OR \"b\")");
    // Nested groups of the same operator are flattened.
    CHECK(match_of("((a b) (c d))") == "\"a\" AND \"b\" AND \"c\" AND \"d\"");
    CHECK(match_of("(a OR (b OR c))") == "\"a\" OR \"b\" OR \"c\"");
}

TEST_CASE("a negation alone or inside an OR becomes SQL NOT") {
    CompiledQuery result = compiled("NOT a");
    CHECK(result.condition == std::string("NOT (") + Match + ")");
    CHECK(std::get<std::string>(result.parameters.at(0)) == "\"a\"");
    CHECK(result.relevance_match.empty());

    result = compiled("-a -b");
    CHECK(result.condition == std::string("NOT (") + Match + ")");
    CHECK(std::get<std::string>(result.parameters.at(0)) == "\"a\" OR \"b\"");

    result = compiled("a OR -b");
    CHECK(result.condition == std::string("(") + Match + " OR NOT (" + Match + "))");
    CHECK(result.parameters.size() == 2);
    CHECK(result.relevance_match.empty());

    // Double negations cancel out.
    CHECK(match_of("--a") == "\"a\"");
    CHECK(match_of("NOT -(a)") == "\"a\"");
    CHECK(compiled("NOT -larger:1").condition == "m.size > ?");

    result = compiled("-has:attachment");
    CHECK(result.condition == "NOT (m.attachment_count > 0)");
}

TEST_CASE("catalog conditions and text combine as SQL AND and OR") {
    CompiledQuery result = compiled("budget has:attachment");
    CHECK(result.condition == std::string("(") + Match + " AND m.attachment_count > 0)");
    CHECK(result.relevance_match == "\"budget\"");

    result = compiled("budget OR has:attachment");
    CHECK(result.condition == std::string("(") + Match + " OR m.attachment_count > 0)");
    CHECK(result.relevance_match.empty());

    // The text parts of an AND are one MATCH, wherever they are in the query.
    result = compiled("a larger:1K b -c");
    CHECK(result.condition == std::string("(") + Match + " AND m.size > ?)");
    REQUIRE(result.parameters.size() == 2);
    CHECK(std::get<std::string>(result.parameters[0]) == "(\"a\" AND \"b\") NOT \"c\"");
    CHECK(std::get<std::int64_t>(result.parameters[1]) == 1024);

    result = compiled("(a OR larger:1K) b");
    CHECK(result.condition == std::string("(") + Match + " AND (" + Match + " OR m.size > ?))");
    REQUIRE(result.parameters.size() == 3);
    CHECK(std::get<std::string>(result.parameters[0]) == "\"b\"");
    CHECK(std::get<std::string>(result.parameters[1]) == "\"a\"");
    CHECK(result.relevance_match == "\"b\"");

    result = compiled("-a has:attachment");
    CHECK(result.condition == std::string("(NOT (") + Match + ") AND m.attachment_count > 0)");
}

TEST_CASE("the relevance expression keeps positive terms and is implied by every hit") {
    CHECK(compiled("a b -c").relevance_match == "\"a\" AND \"b\"");
    CHECK(compiled("a OR b").relevance_match == "\"a\" OR \"b\"");
    CHECK(compiled("from:alice (x OR y) -z smaller:1M").relevance_match ==
          "{sender} : \"alice\" AND (\"x\" OR \"y\")");
    CHECK(compiled("larger:1M").relevance_match.empty());
    CHECK(compiled("(a OR -b) c").relevance_match == "\"c\"");
}

TEST_CASE("has:attachment") {
    CHECK(compiled("has:attachment").condition == "m.attachment_count > 0");
    CHECK(compiled("HAS:Attachment").condition == "m.attachment_count > 0");
    CHECK(compiled("has:attachments").condition == "m.attachment_count > 0");
    const QuerySyntaxError error = error_of("has:star");
    CHECK(error.position == 4);
    CHECK(error.message == "unknown value 'star' at 4 for has:; has:attachment is the only one");
}

TEST_CASE("folder: matches the folder and its sub-folders, with LIKE wildcards escaped") {
    CompiledQuery result = compiled("folder:INBOX/Work");
    CHECK(result.condition == "(f.path = ? COLLATE NOCASE OR f.path LIKE ? ESCAPE '\\')");
    REQUIRE(result.parameters.size() == 2);
    CHECK(std::get<std::string>(result.parameters[0]) == "INBOX/Work");
    CHECK(std::get<std::string>(result.parameters[1]) == "INBOX/Work/%");

    result = compiled("folder:\"Sent Items\"");
    CHECK(std::get<std::string>(result.parameters[0]) == "Sent Items");

    result = compiled("folder:/100%_done\\/");
    CHECK(std::get<std::string>(result.parameters[0]) == "100%_done\\");
    CHECK(std::get<std::string>(result.parameters[1]) == "100\\%\\_done\\\\/%");

    CHECK(error_of("folder:/").message == "the folder name '/' at 7 is empty");
    CHECK(error_of("folder:Arch*").message == "'*' cannot be used with folder: at 7");
}

TEST_CASE("dates: before is strictly before the start, after and date include the period") {
    CHECK(integers_of(compiled("before:2019-03-01")) == std::vector<std::int64_t>{March2019});
    CHECK(compiled("before:2019-03-01").condition == "(m.date IS NOT NULL AND m.date < ?)");
    CHECK(integers_of(compiled("after:2019-03-01")) == std::vector<std::int64_t>{March2019});
    CHECK(compiled("after:2019-03-01").condition == "(m.date IS NOT NULL AND m.date >= ?)");
    CHECK(compiled("date:2019").condition == "(m.date IS NOT NULL AND m.date >= ? AND m.date < ?)");
    CHECK(integers_of(compiled("date:2019")) == std::vector<std::int64_t>{Year2019, Year2020});
    CHECK(integers_of(compiled("date:2019-03")) == std::vector<std::int64_t>{March2019, April2019});
    CHECK(integers_of(compiled("date:2019-3")) == std::vector<std::int64_t>{March2019, April2019});
    CHECK(integers_of(compiled("date:2019-03-01")) == std::vector<std::int64_t>{March2019, March2019 + Day});
    CHECK(integers_of(compiled("date:2019/03/01")) == std::vector<std::int64_t>{March2019, March2019 + Day});
    CHECK(integers_of(compiled("date:2019-12")) == std::vector<std::int64_t>{Year2020 - 31 * Day, Year2020});
    CHECK(integers_of(compiled("date:2020-02-29")) ==
          std::vector<std::int64_t>{Year2020 + 59 * Day, Year2020 + 60 * Day});
    CHECK(integers_of(compiled("before:2019")) == std::vector<std::int64_t>{Year2019});
    CHECK(integers_of(compiled("after:2019")) == std::vector<std::int64_t>{Year2019});
}

TEST_CASE("a search driven by full text takes the top-level dates out of the residual, intersected") {
    const CompiledQuery one = compiled("kernel after:2019-03-01");
    CHECK(one.driving_match == "\"kernel\"");
    CHECK(one.residual_condition == "1");
    CHECK(one.driving_dated);
    CHECK(one.driving_date_from == March2019);
    CHECK_FALSE(one.driving_date_until.has_value());

    const CompiledQuery two = compiled("date:2019 kernel before:2019-06 larger:1M");
    CHECK(two.residual_condition == "m.size > ?");
    CHECK(two.driving_date_from == Year2019);
    CHECK(two.driving_date_until == June2019);

    // Under OR or NOT a date is no range of the matches: it stays in the residual.
    const CompiledQuery either = compiled("kernel (date:2019 OR larger:1M)");
    CHECK_FALSE(either.driving_dated);
    CHECK(either.residual_condition.find("m.date") != std::string::npos);
    const CompiledQuery negated = compiled("kernel -date:2019");
    CHECK_FALSE(negated.driving_dated);
    CHECK(negated.residual_condition.find("m.date") != std::string::npos);
    // Without full text there is nothing to drive: the whole condition has the dates.
    CHECK_FALSE(compiled("date:2019").driving_dated);
}

TEST_CASE("date ranges include both ends and may be open") {
    CHECK(integers_of(compiled("date:2019..2020")) == std::vector<std::int64_t>{Year2019, Year2021});
    CHECK(integers_of(compiled("date:2019-03..2019-05")) == std::vector<std::int64_t>{March2019, June2019});
    CHECK(integers_of(compiled("date:2019-03-01..2019-03-01")) == std::vector<std::int64_t>{March2019, March2019 + Day});
    CHECK(compiled("date:2019..").condition == "(m.date IS NOT NULL AND m.date >= ?)");
    CHECK(integers_of(compiled("date:2019..")) == std::vector<std::int64_t>{Year2019});
    CHECK(compiled("date:..2019").condition == "(m.date IS NOT NULL AND m.date < ?)");
    CHECK(integers_of(compiled("date:..2019")) == std::vector<std::int64_t>{Year2020});
}

TEST_CASE("days start at local midnight given the UTC offset") {
    QueryOptions options;
    options.utc_offset_minutes = 60;  // UTC+1: midnight is 23:00 UTC the day before
    CHECK(integers_of(compiled("date:2019-03-01", options)) ==
          std::vector<std::int64_t>{March2019 - 3600, March2019 + Day - 3600});
    options.utc_offset_minutes = -300;
    CHECK(integers_of(compiled("before:2019", options)) == std::vector<std::int64_t>{Year2019 + 5 * 3600});
}

TEST_CASE("bad dates are errors that point into the value") {
    struct Case {
        const char* query;
        std::size_t position;
        const char* message;
    };
    const Case cases[] = {
        {"date:2019-13", 5, "bad date '2019-13' at 5: the month must be 01 to 12"},
        {"date:2019-00", 5, "bad date '2019-00' at 5: the month must be 01 to 12"},
        {"date:2019-02-29", 5, "bad date '2019-02-29' at 5: the day must be 01 to 28 in that month"},
        {"before:2019-04-31", 7, "bad date '2019-04-31' at 7: the day must be 01 to 30 in that month"},
        {"after:0000", 6, "bad date '0000' at 6: there is no year 0000"},
        {"date:19", 5, "bad date '19' at 5; use YYYY-MM-DD, YYYY-MM or YYYY, or a range such as 2019..2020"},
        {"date:2019-03/01", 5,
         "bad date '2019-03/01' at 5; use YYYY-MM-DD, YYYY-MM or YYYY, or a range such as 2019..2020"},
        {"date:yesterday", 5,
         "bad date 'yesterday' at 5; use YYYY-MM-DD, YYYY-MM or YYYY, or a range such as 2019..2020"},
        {"date:2019-1-1x", 5,
         "bad date '2019-1-1x' at 5; use YYYY-MM-DD, YYYY-MM or YYYY, or a range such as 2019..2020"},
        {"date:2019..2019-13", 11, "bad date '2019-13' at 11: the month must be 01 to 12"},
        {"date:2019...2020", 11,
         "bad date '.2020' at 11; use YYYY-MM-DD, YYYY-MM or YYYY, or a range such as 2019..2020"},
        {"date:2020..2019", 5, "the date range '2020..2019' at 5 ends before it begins"},
        {"date:..", 5, "the date range '..' at 5 needs a date on at least one side"},
        {"before:2019..2020", 7, "before:2019..2020 at 7 takes one date; write a range with date:, as in date:2019..2020"},
        {"date:\"2019-13\"", 6, "bad date '2019-13' at 6: the month must be 01 to 12"},
        {"date:2019*", 5, "'*' cannot be used with date: at 5"},
    };
    for (const Case& test : cases) {
        INFO(test.query);
        const QuerySyntaxError error = error_of(test.query);
        CHECK(error.position == test.position);
        CHECK(error.message == test.message);
    }
}

TEST_CASE("sizes: larger is strictly more, smaller strictly less, K M G are powers of 1024") {
    CHECK(compiled("larger:10K").condition == "m.size > ?");
    CHECK(compiled("smaller:10K").condition == "m.size < ?");
    CHECK(integers_of(compiled("larger:500")) == std::vector<std::int64_t>{500});
    CHECK(integers_of(compiled("larger:10K")) == std::vector<std::int64_t>{10240});
    CHECK(integers_of(compiled("larger:10k")) == std::vector<std::int64_t>{10240});
    CHECK(integers_of(compiled("larger:10KB")) == std::vector<std::int64_t>{10240});
    CHECK(integers_of(compiled("smaller:2M")) == std::vector<std::int64_t>{2 * 1024 * 1024});
    CHECK(integers_of(compiled("smaller:1G")) == std::vector<std::int64_t>{1024 * 1024 * 1024});
    CHECK(integers_of(compiled("larger:100B")) == std::vector<std::int64_t>{100});
    CHECK(integers_of(compiled("larger:9223372036854775807")) == std::vector<std::int64_t>{9223372036854775807});
    CHECK(error_of("larger: 10").position == 0);  // nothing directly after the colon
    for (const char* size : {"10Q", "K", "-5", "1.5M", "10KK", "9223372036854775808", "8589934592G"}) {
        const std::string query = std::string("larger:") + size;
        INFO(query);
        const QuerySyntaxError error = error_of(query);
        CHECK(error.position == 7);
        CHECK(error.message ==
              "bad size '" + std::string(size) + "' at 7; use bytes, or a number with K, M or G (10K, 2M, 1G)");
    }
}

TEST_CASE("syntax errors give the position of the problem and say what it is") {
    struct Case {
        const char* query;
        std::size_t position;
        const char* message;
    };
    const Case cases[] = {
        {"form:alice", 0, "unknown field 'form:' at 0; did you mean from:?"},
        {"x subjet:hello", 2, "unknown field 'subjet:' at 2; did you mean subject:?"},
        {"in:INBOX", 0, "unknown field 'in:' at 0; did you mean folder:?"},
        {"size:10K", 0, "unknown field 'size:' at 0; did you mean larger: or smaller:?"},
        {"zzzzzz:1", 0, "unknown field 'zzzzzz:' at 0; put it in quotes to search for it as text"},
        {"from:", 0, "'from:' at 0 has no value; write it directly after the colon, as in from:word or from:\"some words\""},
        {"from: alice", 0,
         "'from:' at 0 has no value; write it directly after the colon, as in from:word or from:\"some words\""},
        {"a folder:", 2,
         "'folder:' at 2 has no value; write it directly after the colon, as in folder:INBOX or folder:\"Sent Items\""},
        {"from:)", 0, "'from:' at 0 has no value; write it directly after the colon, as in from:word or from:\"some words\""},
        {"from:(to:bob)", 6, "'to:' at 6 cannot be used inside from:(...)"},
        {"from:(alice has:attachment)", 12, "'has:' at 12 cannot be used inside from:(...)"},
        {"(a", 0, "missing closing parenthesis for the one at 0"},
        {"x (a (b)", 2, "missing closing parenthesis for the one at 2"},
        {"a)", 1, "')' at 1 has no matching '('"},
        {")", 0, "')' at 0 has no matching '('"},
        {"()", 0, "empty parentheses at 0"},
        {"a ( ) b", 2, "empty parentheses at 2"},
        {"OR OR", 0, "'OR' at 0 has no term before it"},
        {"a OR OR b", 5, "expected a term after 'OR' at 2, found 'OR' at 5"},
        {"a AND OR b", 6, "expected a term after 'AND' at 2, found 'OR' at 6"},
        {"a OR", 2, "'OR' at 2 must be followed by a term, but the query ends there"},
        {"a AND", 2, "'AND' at 2 must be followed by a term, but the query ends there"},
        {"NOT", 0, "'NOT' at 0 must be followed by a term, but the query ends there"},
        {"(a OR)", 5, "expected a term after 'OR' at 3, found ')' at 5"},
        {"(NOT)", 4, "expected a term after 'NOT' at 1, found ')' at 4"},
        {"a -)", 2, "nothing to search for in '-' at 2: it has no letters or digits"},
        {"\"abc", 0, "unterminated quote: the \" at 0 has no closing \""},
        {"a \"b\" \"c", 6, "unterminated quote: the \" at 6 has no closing \""},
        {"\"\"", 0, "empty quotes at 0"},
        {"*", 0, "'*' at 0 needs the beginning of a word before it"},
        {"@", 0, "nothing to search for in '@' at 0: it has no letters or digits"},
        {"Cairn - release", 6, "nothing to search for in '-' at 6: it has no letters or digits"},
        {"\"...\"", 0, "nothing to search for in '\"...\"' at 0: it has no letters or digits"},
    };
    for (const Case& test : cases) {
        INFO(test.query);
        const QuerySyntaxError error = error_of(test.query);
        CHECK(error.position == test.position);
        CHECK(error.message == test.message);
    }
}

TEST_CASE("nesting and length are bounded with clear errors") {
    using cairn::search::detail::MaxNestingDepth;
    using cairn::search::detail::MaxQueryLength;
    const auto nested = [](int depth) { return std::string(depth, '(') + "a" + std::string(depth, ')'); };
    CHECK(match_of(nested(MaxNestingDepth)) == "\"a\"");
    QuerySyntaxError error = error_of(nested(MaxNestingDepth + 1));
    CHECK(error.position == static_cast<std::size_t>(MaxNestingDepth));
    CHECK(error.message == "the query is nested too deeply at 20: at most 20 levels of parentheses and NOT");

    std::string negations;
    for (int level = 0; level <= MaxNestingDepth; ++level)
        negations += "NOT ";
    error = error_of(negations + "a");
    CHECK(error.position == 80);  // the 21st NOT
    CHECK(error_of(std::string(21, '-') + "a").position == 20);
    CHECK(error_of("-(-(-(-(-(-(-(-(-(-(-(a)))))))))))").position == 20);

    // Levels are what is open at once, not how many there are in all.
    std::string siblings;
    for (int group = 0; group < 200; ++group)
        siblings += "(a OR (b -c)) ";
    CHECK(compiled(siblings).parameters.size() == 1);

    const std::string longest(MaxQueryLength, 'a');
    CHECK(match_of(longest).size() == MaxQueryLength + 2);
    error = error_of(longest + "a");
    CHECK(error.position == MaxQueryLength);
    CHECK(error.message == "the query is 10001 bytes long; the limit is 10000 bytes");
}

TEST_CASE("a deeply nested text query is split into several MATCH strings FTS5 can parse") {
    // 20 levels of a OR (b AND (c ...)) with field filters: too deep for one FTS5 expression.
    std::string query;
    for (int level = 0; level < 20; ++level)
        query += level % 2 == 0 ? "from:a OR (" : "b -c (";
    query += "c";
    query += std::string(20, ')');
    const CompiledQuery result = compiled(query);
    CHECK(result.parameters.size() > 1);
    for (const SqlValue& value : result.parameters) {
        const std::string& match = std::get<std::string>(value);
        int depth = 0;
        int deepest = 0;
        for (const char character : match) {
            depth += character == '(' ? 1 : character == ')' ? -1 : 0;
            deepest = std::max(deepest, depth);
        }
        CHECK(deepest <= 17);
    }
}

TEST_CASE("control characters separate words") {
    CHECK(match_of(std::string_view("a\0b", 3)) == "\"a\" AND \"b\"");
    CHECK(match_of("a\x01" "b") == "\"a\" AND \"b\"");
}

TEST_CASE("the date and size readers on their own") {
    using namespace cairn::search::detail;
    CHECK(parse_size("0") == 0);
    CHECK_FALSE(parse_size(""));
    CHECK_FALSE(parse_size("B"));
    const auto period = parse_date_period("1970", 0, nullptr);
    REQUIRE(period);
    CHECK(period->start == 0);
    CHECK(period->end == 365 * Day);
    CHECK(parse_date_period("2000-02-29", 0, nullptr).has_value());
    CHECK_FALSE(parse_date_period("1900-02-29", 0, nullptr).has_value());
    CHECK(parse_date_period("9999-12", 0, nullptr).has_value());
    CHECK_FALSE(parse_date_period("12345", 0, nullptr).has_value());
    CHECK_FALSE(parse_date_period("2019-", 0, nullptr).has_value());
    CHECK_FALSE(parse_date_period("2019-123", 0, nullptr).has_value());
}

TEST_CASE("values quoted for composed queries read back as one term") {
    CHECK(quote_query_value("alice") == "alice");
    CHECK(quote_query_value("alice@example.org") == "alice@example.org");
    CHECK(quote_query_value("INBOX/Work") == "INBOX/Work");
    CHECK(quote_query_value("Sent Items") == "\"Sent Items\"");
    CHECK(quote_query_value("Re: hello") == "\"Re: hello\"");
    CHECK(quote_query_value("-draft") == "\"-draft\"");
    CHECK(quote_query_value("or") == "\"or\"");
    CHECK(quote_query_value("say \"hi\"") == "\"say  hi \"");
    CHECK(quote_query_value("") == "\"\"");
    for (const char* value : {"Sent Items", "a(b)", "x*", "NOT"}) {
        const std::string query = std::string("folder:") + quote_query_value(value);
        CHECK(std::holds_alternative<CompiledQuery>(compile_query(query)));
    }
}

TEST_CASE("composed conditions are AND-ed, an OR kept inside its own parentheses") {
    CHECK(join_query_conditions({}) == "");
    CHECK(join_query_conditions({"folder:INBOX", "", "  ", "dired"}) == "folder:INBOX dired");
    CHECK(join_query_conditions({"folder:INBOX", "alice OR bob"}) == "folder:INBOX (alice OR bob)");
    CHECK(join_query_conditions({"folder:INBOX", "a or(b)"}) == "folder:INBOX (a or(b))");
    CHECK(join_query_conditions({"from:ann", "orange"}) == "from:ann orange");
    const std::string joined = join_query_conditions({"has:attachment", "x OR y"});
    CHECK(std::holds_alternative<CompiledQuery>(compile_query(joined)));
}

}  // TEST_SUITE
