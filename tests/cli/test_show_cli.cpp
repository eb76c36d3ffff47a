// SPDX-License-Identifier: GPL-3.0-or-later
// `cairn show`: the text, the attachment list, saving an attachment, the sanitised HTML.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"
#include "tests/support/temp_dir.h"

using namespace cairn::testing;
using nlohmann::json;

namespace {

const RunOptions with_passphrase{{{"CAIRN_PASSPHRASE", "show passphrase"}}, std::nullopt, "", ""};

const std::string Message =
    "From: Ann <ann@example.org>\r\nTo: bob@example.org\r\nSubject: Quarterly report\r\n"
    "Date: Wed, 2 Oct 2019 09:00:00 +0200\r\nMessage-ID: <report@example.org>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=mix\r\n\r\n"
    "--mix\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n"
    "--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello Bob,\r\nsee the \x1b]0;title\x07 report.\r\n"
    "--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    "<p onclick=\"steal()\">Hello <b>Bob</b></p><script>alert(1)</script><img src=\"http://t.example/p.gif\">\r\n"
    "--alt--\r\n"
    "--mix\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJeLjz9M=\r\n"
    "--mix--\r\n";

const std::string PlainMessage = "From: Carl <carl@example.org>\nTo: bob@example.org\nSubject: Plain\n"
                                 "Date: Thu, 3 Oct 2019 09:00:00 +0200\nMessage-ID: <plain@example.org>\n\nJust text.\n";

struct ShowWorkspace {
    TempDir temp;
    std::string archive() const { return (temp.path() / "archive").string(); }
    std::filesystem::path path(const std::string& name) const { return temp.path() / name; }
    RunResult cairn(std::vector<std::string> arguments) const {
        arguments.insert(arguments.begin(), {"--archive", archive()});
        return run_cairn(arguments, with_passphrase);
    }

    /// An archive holding Message and PlainMessage; returns their ids.
    std::pair<std::string, std::string> prepare() const {
        REQUIRE(cairn({"init"}).exit_code == 0);
        write_file(path("report.eml"), Message);
        write_file(path("plain.eml"), PlainMessage);
        const auto imported = cairn({"import", path("report.eml").string(), path("plain.eml").string()});
        REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
        const auto listing = cairn({"list", "--json"});
        REQUIRE(listing.exit_code == 0);
        std::string report;
        std::string plain;
        const json document = json::parse(listing.out);
        for (const auto& message : document["messages"]) {
            const std::string id = std::to_string(message["id"].get<long long>());
            (message["subject"] == "Plain" ? plain : report) = id;
        }
        REQUIRE_FALSE(report.empty());
        REQUIRE_FALSE(plain.empty());
        return {report, plain};
    }
};

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("show prints the headers, the text with control characters neutralised and the attachments") {
    ShowWorkspace workspace;
    const auto [report, plain] = workspace.prepare();
    const auto shown = workspace.cairn({"show", report});
    INFO(shown.err);
    REQUIRE(shown.exit_code == 0);
    CHECK(shown.out.starts_with("Id:       " + report + "\n"));
    CHECK(shown.out.find("Subject:  Quarterly report\n") != std::string::npos);
    const std::string expected_tail = "\nHello Bob,\nsee the ?]0;title? report.\n\n"
                                      "Attachments:\n    0  report.pdf  application/pdf  14 B\n\n"
                                      "(--raw: the whole message, --html: the HTML part, --attachment N --output FILE: "
                                      "save an attachment)\n";
    CHECK(shown.out.ends_with(expected_tail));
    CHECK(shown.out.find('\x1b') == std::string::npos);
    // The old raw header dump is gone; --raw still gives the exact bytes.
    CHECK(shown.out.find("Message-ID:") == std::string::npos);
    CHECK(workspace.cairn({"show", "--raw", report}).out == Message);

    const auto plain_shown = workspace.cairn({"show", plain});
    REQUIRE(plain_shown.exit_code == 0);
    CHECK(plain_shown.out.ends_with("\nJust text.\n\n(--raw: the whole message)\n"));
}

TEST_CASE("show --json gives the text, whether there is HTML, and the attachments") {
    ShowWorkspace workspace;
    const auto [report, plain] = workspace.prepare();
    const auto shown = workspace.cairn({"show", "--json", report});
    INFO(shown.err);
    REQUIRE(shown.exit_code == 0);
    const json document = json::parse(shown.out);
    CHECK(document["text"] == "Hello Bob,\r\nsee the \x1b]0;title\x07 report.");
    CHECK(document["html_available"] == true);
    CHECK(document["size"] == Message.size());
    CHECK(document["problems"] == json::array());
    REQUIRE(document["attachments"].size() == 1);
    CHECK(document["attachments"][0] ==
          json({{"index", 0}, {"filename", "report.pdf"}, {"content_type", "application/pdf"}, {"size", 14}, {"inline", false}}));
    const json plain_document = json::parse(workspace.cairn({"show", "--json", plain}).out);
    CHECK(plain_document["text"] == "Just text.\n");
    CHECK(plain_document["html_available"] == false);
    CHECK(plain_document["attachments"] == json::array());
}

TEST_CASE("show --attachment saves the decoded bytes and never overwrites a file") {
    ShowWorkspace workspace;
    const auto [report, plain] = workspace.prepare();
    const std::string output = workspace.path("saved.pdf").string();
    const auto saved = workspace.cairn({"show", report, "--attachment", "0", "--output", output});
    INFO(saved.err);
    REQUIRE(saved.exit_code == 0);
    CHECK(saved.out == "Saved attachment 0 (14 B) to " + output + "\n");
    CHECK(read_file(output) == "%PDF-1.4\n%\xe2\xe3\xcf\xd3");

    write_file(output, "keep me");
    const auto again = workspace.cairn({"show", report, "--attachment", "0", "--output", output});
    CHECK(again.exit_code == 2);
    CHECK(again.err == "cairn: " + output + ": exists; choose another --output (files are never overwritten)\n");
    CHECK(read_file(output) == "keep me");

    const auto missing = workspace.cairn({"show", report, "--attachment", "3", "--output", workspace.path("x").string()});
    CHECK(missing.exit_code == 3);
    CHECK(missing.err == "cairn: message " + report + " has no attachment 3; `cairn show " + report +
                             "` lists its attachments\n");
    CHECK_FALSE(std::filesystem::exists(workspace.path("x")));

    CHECK(workspace.cairn({"show", report, "--attachment", "0"}).exit_code == 2);
}

TEST_CASE("show --html prints the sanitised HTML") {
    ShowWorkspace workspace;
    const auto [report, plain] = workspace.prepare();
    const auto html = workspace.cairn({"show", "--html", report});
    INFO(html.err);
    REQUIRE(html.exit_code == 0);
    CHECK(html.out ==
          "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" "
          "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:; base-uri 'none'; "
          "form-action 'none'\"></head><body><p>Hello <b>Bob</b></p></body></html>");
    const json document = json::parse(workspace.cairn({"show", "--html", "--json", report}).out);
    CHECK(document["blocked_remote_resources"] == 1);
    // An image the HTML shows by cid: comes inside the document as a data: URL.
    const std::string related =
        "From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: Logo\nMessage-ID: <logo@example.org>\n"
        "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=rel\n\n"
        "--rel\nContent-Type: text/html\n\n<p>Our logo: <img src=\"cid:logo@example.org\" alt=\"logo\"></p>\n"
        "--rel\nContent-Type: image/png\nContent-ID: <logo@example.org>\nContent-Transfer-Encoding: base64\n\n"
        "iVBORw0KGgo=\n--rel--\n";
    write_file(workspace.path("logo.eml"), related);
    REQUIRE(workspace.cairn({"import", workspace.path("logo.eml").string()}).exit_code == 0);
    const auto logo = workspace.cairn({"show", "--html", "3"});
    CHECK(logo.out.ends_with("<body><p>Our logo: <img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"logo\"></p>"
                             "</body></html>"));
    const json logo_document = json::parse(workspace.cairn({"show", "--json", "3"}).out);
    CHECK(logo_document["attachments"] == json::parse(R"([{"index": 0, "filename": "attachment-1.png", )"
                                                      R"("content_type": "image/png", "size": 8, "inline": true}])"));
    const auto none = workspace.cairn({"show", "--html", plain});
    CHECK(none.exit_code == 3);
    CHECK(none.err == "cairn: the message has no HTML part; `cairn show " + plain + "` gives its text\n");
}

}
