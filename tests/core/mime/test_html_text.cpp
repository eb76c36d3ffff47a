// SPDX-License-Identifier: GPL-3.0-or-later
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "core/mime/charset.h"
#include "core/mime/html_text.h"
#include "tests/support/temp_dir.h"

using cairn::mime::html_to_text;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_SUITE("mime.html_text") {

TEST_CASE("tags are removed and inline elements do not split words") {
    CHECK(html_to_text("<p>Hello <b>wor</b>ld, <a href=\"x\">click</a> here</p>") == "Hello world, click here");
}

TEST_CASE("script, style, head, template and noscript content is dropped") {
    const std::string html =
        "<html><head><title>Title text</title><style>p { color: red }</style></head>"
        "<body><script>var secret = 1;</script>visible<noscript>nojs</noscript>"
        "<template><p>templated</p></template> text</body></html>";
    CHECK(html_to_text(html) == "visible text");
}

TEST_CASE("entities are decoded and a non-breaking space separates words") {
    CHECK(html_to_text("caf&eacute; &amp; cr&#232;me &lt;tag&gt; &#x4E2D;&#25991;") == "café & crème <tag> 中文");
    CHECK(html_to_text("one&nbsp;two&nbsp;&nbsp;&nbsp;three") == "one two three");
}

TEST_CASE("block elements and br end lines and whitespace collapses") {
    CHECK(html_to_text("<div>first</div><div>second</div>") == "first\nsecond");
    CHECK(html_to_text("line one<br>line two<br/><br>line three") == "line one\nline two\nline three");
    CHECK(html_to_text("  lots \n\t of   \r\n space  ") == "lots of space");
    CHECK(html_to_text("<h1>Title</h1><p>para</p>") == "Title\npara");
}

TEST_CASE("table cells are separated by a blank and rows by a line") {
    CHECK(html_to_text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>") == "a b\nc d");
}

TEST_CASE("nested lists put each item on its own line") {
    const std::string html = "<ul><li>one<ul><li>one.a</li><li>one.b</li></ul></li><li>two<ol><li>two.a</ol></ul>";
    CHECK(html_to_text(html) == "one\none.a\none.b\ntwo\ntwo.a");
}

TEST_CASE("malformed HTML still gives its text") {
    CHECK(html_to_text("<p>unclosed <b>bold <i>both</p> after") == "unclosed bold both\nafter");
    CHECK(html_to_text("<<>>text</notopen> <div attr=\"unterminated>more") == "<<>>text");
    CHECK(html_to_text("a < b and c > d") == "a < b and c > d");
    CHECK(html_to_text("<!-- a comment -->kept<!-- unterminated") == "kept");
    CHECK(html_to_text("") == "");
}

TEST_CASE("invalid UTF-8 input gives valid UTF-8 output") {
    const std::string text = html_to_text("<p>ok \xff\xfe broken \xe4 end</p>");
    CHECK(cairn::mime::is_valid_utf8(text));
    CHECK(text.starts_with("ok"));
    CHECK(text.ends_with("end"));
}

TEST_CASE("output is capped without splitting a character") {
    std::string html = "<p>";
    for (int index = 0; index < 1000; ++index)
        html += "日本語 ";
    for (std::size_t cap : {0u, 1u, 2u, 3u, 4u, 5u, 100u, 1001u}) {
        CAPTURE(cap);
        const std::string text = html_to_text(html, cap);
        CHECK(text.size() <= cap);
        CHECK(cairn::mime::is_valid_utf8(text));
    }
    CHECK(html_to_text(html, 9) == "日本語");
}

TEST_CASE("100,000 nested divs take bounded time and keep the text") {
    std::string html;
    for (int index = 0; index < 100000; ++index)
        html += "<div>";
    html += "deep";
    for (int index = 0; index < 100000; ++index)
        html += "</div>";
    html += "after";
    const auto start = std::chrono::steady_clock::now();
    const std::string text = html_to_text(html);
    const double seconds = seconds_since(start);
    MESSAGE("100,000 nested divs: " << seconds << " s");
    CHECK(text == "deep\nafter");
    CHECK(seconds < 5.0);
}

TEST_CASE("100,000 unclosed inline and formatting elements take bounded time") {
    std::string html;
    for (int index = 0; index < 100000; ++index)
        html += (index % 3 == 0) ? "<b>x" : (index % 3 == 1) ? "<span>" : "<font color=red>";
    const auto start = std::chrono::steady_clock::now();
    const std::string text = html_to_text(html);
    MESSAGE("100,000 unclosed inline elements: " << seconds_since(start) << " s");
    CHECK(text.find("xxx") != std::string::npos);
    CHECK(seconds_since(start) < 10.0);
}

TEST_CASE("a list of 10,000 items without end tags keeps one item a line") {
    std::string html = "<ul>";
    for (int index = 0; index < 10000; ++index)
        html += "<li>item" + std::to_string(index);
    html += "</ul>done";
    const std::string text = html_to_text(html);
    CHECK(text.starts_with("item0\nitem1\n"));
    CHECK(text.find("\nitem9999\ndone") != std::string::npos);
}

TEST_CASE("more than 4 MB of input is cut before parsing") {
    std::string html;
    while (html.size() < (5u << 20))
        html += "<p>word</p>";
    html += "<p>tail-marker</p>";
    const std::string text = html_to_text(html, 10u << 20);
    CHECK(text.find("tail-marker") == std::string::npos);
    CHECK(text.starts_with("word\nword"));
}

TEST_CASE("a 1.1 MB document of garbage punctuation is read in bounded time") {
    // The body of nodemailer-mailparser's htmllargecallstack.eml, which overflowed the call stack
    // of recursive HTML parsers, repeated to 1.1 MB.
    std::string body;
    if (const auto path = cairn::testing::corpus_path("nodemailer-mailparser/htmllargecallstack.eml")) {
        const std::string message = cairn::testing::read_file(*path);
        const std::size_t separator = message.find("\n\n");
        body = message.substr(separator == std::string::npos ? 0 : separator + 2);
    } else {
        body = "}}))}*)?}<{{^{{_{*{>^*{{|)?[%\\}#^}}){**\\:}!{/(-{{}|{}>*({|)?[%\\}#^}}){**\\?<><<>?<?><?><?>?><<?>"
               "<><><><>:\":\":\":\"><><<|*}})|:}^-)^}!)|*}})^})}}^\\^}<{)}{*}):*!{{/[-*/]\\*%^^%*^*(()*^%^^**\n";
    }
    std::string html;
    while (html.size() < 1100000)
        html += body;
    const auto start = std::chrono::steady_clock::now();
    const std::string text = html_to_text(html);
    const double seconds = seconds_since(start);
    MESSAGE("1.1 MB of punctuation: " << seconds << " s, " << text.size() << " bytes of text");
    CHECK(cairn::mime::is_valid_utf8(text));
    CHECK(seconds < 10.0);
    // Without the leading <title> the same garbage is body text and must come through.
    const std::string untitled = html_to_text(html.substr(html.find("</title>") == std::string::npos ? 0 : html.find("</title>") + 8));
    CHECK(cairn::mime::is_valid_utf8(untitled));
}

TEST_CASE("several threads convert at the same time with the same results") {
    const std::string html = "<table><tr><td>a&amp;b</td></tr></table><ul><li>x<li>y</ul><p>" + std::string(10000, 'z');
    const std::string expected = html_to_text(html);
    std::vector<std::thread> threads;
    std::vector<int> mismatches(8, 0);
    for (std::size_t thread = 0; thread < mismatches.size(); ++thread) {
        threads.emplace_back([&, thread] {
            for (int round = 0; round < 200; ++round) {
                if (html_to_text(html) != expected)
                    ++mismatches[thread];
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    for (const int count : mismatches)
        CHECK(count == 0);
}

}  // TEST_SUITE
