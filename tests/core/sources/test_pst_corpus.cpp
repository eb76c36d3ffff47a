// SPDX-License-Identifier: GPL-3.0-or-later
// The PST source against every PST/OST of the public corpus, cross-checked with libpff's own
// pffexport: mail items per folder and the bytes of every attachment. Also: every message parses,
// reading is deterministic, and damaged files (truncated, bits flipped) never crash the reader.
#include <doctest/doctest.h>

#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "core/sources/mail_files.h"
#include "core/sources/pst/pst_reader.h"
#include "tests/core/sources/collecting_sink.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using namespace cairn::testing;
namespace fs = std::filesystem;

namespace {

const std::array<const char*, 10> CorpusPsts{
    "pst-extractor-npm/enron.pst.zst",
    "pst-extractor-npm/pstextractortest@outlook.com.ost.zst",
    "pst-ruby-msg/200 recipients.pst",
    "pst-ruby-msg/attachAndInline.pst",
    "pst-ruby-msg/msgInMsg.pst",
    "pst-java-libpst/dist-list.pst",
    "pst-java-libpst/passworded.pst",
    "pst-pstsdk/test_ansi.pst",
    "pst-pstsdk/test_unicode.pst",
    "pst-tika/testPST_variousBodyTypes.pst",
};

/// The corpus file RELATIVE as a plain PST in DIRECTORY (decompressed when it is .zst), or
/// nullopt when the corpus is absent.
std::optional<fs::path> corpus_pst(const std::string& relative, const fs::path& directory) {
    std::optional<fs::path> path = corpus_path(relative);
    if (!path)
        return std::nullopt;
    if (path->extension() != ".zst")
        return path;
    fs::path plain = directory / path->stem();
    REQUIRE(run_command("zstd -q -d -f -o " + shell_quote(plain.string()) + " " + shell_quote(path->string())));
    return plain;
}

bool have_pffexport() { return run_command("command -v pffexport >/dev/null 2>&1"); }

/// What pffexport exported: mail items (Message*/Meeting* directories) per folder, the IPM.Post
/// items it skipped, and the bytes of every attachment of a mail item.
struct PffExport {
    std::map<std::string, int> mail_per_folder;
    int meeting_items = 0;  ///< pffexport exports no attachments of these
    int with_subject = 0;   ///< mail items whose subject is not empty
    int skipped_posts = 0;
    std::vector<std::string> attachments;
};

/// pffexport's folder path (below NAME.export) as Cairn maps it: below the top of the mailbox.
std::string cairn_folder(const fs::path& relative) {
    std::vector<std::string> components;
    for (const fs::path& component : relative)
        components.push_back(component.string());
    std::size_t skip = 1;
    if (components.size() >= 2 && components[0] == "Root - Mailbox" && components[1] == "IPM_SUBTREE")
        skip = 2;
    std::string folder;
    for (std::size_t index = skip; index < components.size(); ++index)
        folder += (folder.empty() ? "" : "/") + components[index];
    return folder;
}

PffExport run_pffexport(const fs::path& pst, const fs::path& work) {
    const fs::path target = work / "export";
    const fs::path log = work / "pffexport.log";
    REQUIRE(run_command("pffexport -v -m all -f all -t " + shell_quote(target.string()) + " " +
                        shell_quote(pst.string()) + " >" + shell_quote(log.string()) + " 2>&1"));
    PffExport result;
    const std::string log_text = read_file(log);
    for (std::size_t at = 0; (at = log_text.find("Skipped item", at)) != std::string::npos; ++at) {
        std::size_t end = log_text.find('\n', at);
        if (log_text.substr(at, end - at).find("IPM.Post") != std::string::npos)
            ++result.skipped_posts;
    }
    const fs::path root = target.string() + ".export";
    const std::regex mail_item("(Message|Meeting)[0-9]+");
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        const fs::path relative = fs::relative(it->path(), root);
        const std::string name = it->path().filename().string();
        const std::string parent = it->path().parent_path().filename().string();
        if (it->is_directory() && std::regex_match(name, mail_item) && parent != "Attachments" &&
            !std::regex_match(parent, std::regex("Attachment[0-9]+")))
        {
            ++result.mail_per_folder[cairn_folder(relative.parent_path())];
            result.meeting_items += name.starts_with("Meeting") ? 1 : 0;
            const fs::path summary = it->path() / (name.starts_with("Meeting") ? "Meeting.txt" : "OutlookHeaders.txt");
            const std::string headers = fs::exists(summary) ? read_file(summary) : std::string();
            const std::size_t subject = headers.find("\nSubject:");
            if (subject != std::string::npos) {
                const std::size_t value = headers.find_first_not_of(" \t", subject + 9);
                result.with_subject += value != std::string::npos && headers[value] != '\n' ? 1 : 0;
            }
        }
        if (it->is_regular_file() && parent == "Attachments" &&
            std::regex_match(it->path().parent_path().parent_path().filename().string(), mail_item))
            result.attachments.push_back(read_file(it->path()));
    }
    return result;
}

struct ParsedMessage {
    bool parsed = false;
    bool has_from = false;
    bool has_date = false;
    bool has_subject = false;
    std::vector<std::string> attachments;  ///< decoded bytes of every part with a file name
};

void collect_attachments(GMimeObject* object, std::vector<std::string>& attachments) {
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart* multipart = GMIME_MULTIPART(object);
        for (int index = 0; index < g_mime_multipart_get_count(multipart); ++index)
            collect_attachments(g_mime_multipart_get_part(multipart, index), attachments);
    } else if (GMIME_IS_MESSAGE_PART(object)) {
        GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
        if (inner != nullptr && g_mime_message_get_mime_part(inner) != nullptr)
            collect_attachments(g_mime_message_get_mime_part(inner), attachments);
    } else if (GMIME_IS_PART(object)) {
        GMimePart* part = GMIME_PART(object);
        const char* disposition = g_mime_object_get_disposition(object);
        GMimeContentType* type = g_mime_object_get_content_type(object);
        // The RTF body (text/rtf without a name) is pffexport's Message.rtf, not an attachment.
        const bool is_rtf_body = g_mime_part_get_filename(part) == nullptr &&
                                 g_mime_content_type_is_type(type, "text", "rtf");
        if (disposition == nullptr || is_rtf_body)
            return;
        GMimeStream* stream = g_mime_stream_mem_new();
        g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(part), stream);
        GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
        attachments.emplace_back(reinterpret_cast<const char*>(bytes->data), bytes->len);
        g_object_unref(stream);
    }
}

ParsedMessage parse(const std::string& bytes) {
    ParsedMessage parsed;
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
    if (message != nullptr) {
        parsed.parsed = g_mime_message_get_mime_part(message) != nullptr;
        GMimeObject* object = GMIME_OBJECT(message);
        parsed.has_from = g_mime_object_get_header(object, "From") != nullptr;
        parsed.has_date = g_mime_object_get_header(object, "Date") != nullptr;
        parsed.has_subject = g_mime_object_get_header(object, "Subject") != nullptr;
        if (parsed.parsed)
            collect_attachments(g_mime_message_get_mime_part(message), parsed.attachments);
        g_object_unref(message);
    }
    g_object_unref(parser);
    g_object_unref(stream);
    return parsed;
}

bool has_flag(const sources::RawMessage& message, const std::string& flag) {
    return std::find(message.flags.begin(), message.flags.end(), flag) != message.flags.end();
}

}  // namespace

// libpff 20180714 leaks a column definition on some damaged tables; that is Debian's library,
// not ours, so LeakSanitizer (the sanitizer build, the fuzzer) is told to pass over it.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpff_\n"; }

TEST_SUITE("sources.pst_corpus") {

TEST_CASE("every corpus PST/OST gives pffexport's mail items per folder and the same attachment bytes") {
    if (!have_pffexport()) {
        MESSAGE("pffexport (Debian pff-tools) is not installed; skipping the cross-check");
        return;
    }
    g_mime_init();
    for (const std::string relative : CorpusPsts) {
        CAPTURE(relative);
        TempDir work;
        std::optional<fs::path> pst = corpus_pst(relative, work.path());
        if (!pst)
            return;
        PffExport expected = run_pffexport(*pst, work.path());
        CollectingSink sink;
        REQUIRE(sources::read_mail_path(*pst, sources::ReadOptions{}, sink));
        for (const sources::ItemFailure& failure : sink.failures)
            MESSAGE("failure: " << failure.reason);
        CHECK(sink.failures.empty());

        std::map<std::string, int> ours;
        std::vector<std::string> our_attachments;
        int with_subject = 0;
        for (const sources::RawMessage& message : sink.messages) {
            ++ours[message.folder];
            CHECK(message.source_path == fs::absolute(*pst).lexically_normal().string());
            ParsedMessage parsed = parse(message.bytes);
            CHECK(parsed.parsed);
            CHECK(parsed.has_date);
            CHECK((parsed.has_from || has_flag(message, "draft")));
            with_subject += parsed.has_subject ? 1 : 0;
            our_attachments.insert(our_attachments.end(), parsed.attachments.begin(), parsed.attachments.end());
        }
        // pffexport passes over IPM.Post items; Cairn archives them (they are posted messages).
        int posts = 0;
        for (const auto& [folder, count] : ours) {
            CAPTURE(folder);
            int exported = expected.mail_per_folder.contains(folder) ? expected.mail_per_folder.at(folder) : 0;
            CHECK(count >= exported);
            posts += count - exported;
        }
        for (const auto& [folder, count] : expected.mail_per_folder) {
            CAPTURE(folder);
            CHECK(ours.contains(folder));
        }
        CHECK(posts == expected.skipped_posts);
        CHECK(with_subject >= expected.with_subject);
        std::sort(our_attachments.begin(), our_attachments.end());
        std::sort(expected.attachments.begin(), expected.attachments.end());
        CHECK(std::includes(our_attachments.begin(), our_attachments.end(), expected.attachments.begin(),
                            expected.attachments.end()));
        if (expected.meeting_items == 0)
            CHECK((our_attachments == expected.attachments));
        MESSAGE(relative << ": " << sink.messages.size() << " messages, " << sink.skipped.size()
                         << " other items skipped, " << our_attachments.size() << " attachments, "
                         << sink.failures.size() << " failures, " << with_subject << " with a subject (pffexport "
                         << expected.with_subject << ")");
    }
}

TEST_CASE("reading a PST twice gives identical bytes, and non-mail items are reported as skipped") {
    TempDir work;
    std::optional<fs::path> enron = corpus_pst("pst-extractor-npm/enron.pst.zst", work.path());
    std::optional<fs::path> dist_list = corpus_path("pst-java-libpst/dist-list.pst");
    if (!enron || !dist_list)
        return;
    CollectingSink first;
    CollectingSink second;
    REQUIRE(sources::read_mail_path(*enron, sources::ReadOptions{}, first));
    REQUIRE(sources::read_mail_path(*enron, sources::ReadOptions{}, second));
    REQUIRE(first.messages.size() == 71);
    REQUIRE(second.messages.size() == first.messages.size());
    // Progress moves with the share of items read, up to the file's size.
    std::uint64_t previous_position = 0;
    for (const sources::RawMessage& message : first.messages) {
        REQUIRE(message.progress_position);
        CHECK(*message.progress_position >= previous_position);
        CHECK(*message.progress_position <= fs::file_size(*enron));
        previous_position = *message.progress_position;
    }
    CHECK(previous_position == fs::file_size(*enron));
    for (std::size_t index = 0; index < first.messages.size(); ++index) {
        CHECK(first.messages[index].bytes == second.messages[index].bytes);
        CHECK(first.messages[index].offset == second.messages[index].offset);
        CHECK(first.messages[index].folder.starts_with("lokay-m/MLOKAY (Non-Privileged)"));
    }

    CollectingSink other;
    REQUIRE(sources::read_mail_path(*dist_list, sources::ReadOptions{}, other));
    CHECK(other.messages.empty());
    CHECK(other.failures.empty());
    const std::string all_skipped = [&] {
        std::string joined;
        for (const std::string& skipped : other.skipped)
            joined += skipped + "\n";
        return joined;
    }();
    CHECK(all_skipped.find("a calendar item (not mail)") != std::string::npos);
    CHECK(all_skipped.find("a contact (not mail)") != std::string::npos);
    CHECK(all_skipped.find("a distribution list (not mail)") != std::string::npos);
    CHECK(all_skipped.find("dist-list.pst#Top of Personal Folders/Contacts/item ") != std::string::npos);
}

TEST_CASE("a PST in a walked directory maps below a folder named after it, also inside an archive") {
    std::optional<fs::path> tika = corpus_path("pst-tika/testPST_variousBodyTypes.pst");
    if (!tika)
        return;
    TempDir work;
    fs::create_directories(work.path() / "in/old");
    fs::copy_file(*tika, work.path() / "in/old/mail.pst");
    CollectingSink sink;
    REQUIRE(sources::read_mail_path(work.path() / "in", sources::ReadOptions{}, sink));
    REQUIRE(sink.messages.size() == 4);
    CHECK(sink.messages.front().folder == "old/mail/Inbox/tmp");
    CHECK(sink.completed.size() == 1);

    REQUIRE(run_command("cd " + shell_quote((work.path() / "in").string()) + " && tar -cf ../mail.tar old"));
    CollectingSink archived;
    REQUIRE(sources::read_mail_path(work.path() / "mail.tar", sources::ReadOptions{}, archived));
    REQUIRE(archived.messages.size() == 4);
    CHECK(archived.messages.front().folder == "old/mail/Inbox/tmp");
    CHECK(archived.messages.front().source_path.ends_with("mail.tar!old/mail.pst"));
    CHECK(archived.messages.front().bytes == sink.messages.front().bytes);
}

TEST_CASE("a truncated PST is reported, and a PST with a damaged range gives every item it still can") {
    TempDir work;
    std::optional<fs::path> enron = corpus_pst("pst-extractor-npm/enron.pst.zst", work.path());
    if (!enron)
        return;
    const std::string whole = read_file(*enron);
    const fs::path damaged = work.path() / "damaged.pst";
    // Outlook writes the index last, so a cut PST has lost the tree every item hangs from
    // (pffexport finds nothing either): the failure must say so.
    for (int percent : {1, 10, 50, 90, 99}) {
        CAPTURE(percent);
        write_file(damaged, whole.substr(0, whole.size() * static_cast<std::size_t>(percent) / 100));
        CollectingSink sink;
        REQUIRE(sources::read_mail_path(damaged, sources::ReadOptions{}, sink));
        CHECK(sink.messages.size() <= 71);
        REQUIRE_FALSE(sink.failures.empty());
        CHECK(sink.failures.front().source_path.ends_with("damaged.pst"));
        CHECK(sink.completed.empty());  // read again next time
    }
    for (int percent : {20, 50, 80}) {
        CAPTURE(percent);
        std::string zeroed = whole;
        const std::size_t start = whole.size() * static_cast<std::size_t>(percent) / 100;
        std::fill_n(zeroed.begin() + static_cast<std::ptrdiff_t>(start), 256 * 1024, '\0');
        write_file(damaged, zeroed);
        CollectingSink sink;
        REQUIRE(sources::read_mail_path(damaged, sources::ReadOptions{}, sink));
        CHECK(sink.messages.size() >= 60);
        CHECK_FALSE(sink.failures.empty());
        CHECK(sink.completed.empty());
        for (const sources::ItemFailure& failure : sink.failures) {
            CHECK(failure.reason.find("item id ") != std::string::npos);
            CHECK(failure.reason.find(" in folder Top of Personal Folders/lokay-m/") != std::string::npos);
        }
        MESSAGE(percent << "%: " << sink.messages.size() << " messages, " << sink.failures.size()
                        << " failures, first: " << sink.failures.front().reason);
    }
}

TEST_CASE("random bit flips in PSTs never crash the reader") {
    TempDir work;
    std::vector<fs::path> samples;
    for (const char* relative : {"pst-ruby-msg/attachAndInline.pst", "pst-ruby-msg/msgInMsg.pst",
                                 "pst-tika/testPST_variousBodyTypes.pst", "pst-pstsdk/test_ansi.pst"}) {
        if (std::optional<fs::path> path = corpus_path(relative))
            samples.push_back(*path);
    }
    if (samples.empty())
        return;
    std::mt19937 random(20260101);
    int runs_with_failures = 0;
    for (const fs::path& sample : samples) {
        const std::string original = read_file(sample);
        for (int round = 0; round < 25; ++round) {
            std::string damaged = original;
            const int flips = 1 + static_cast<int>(random() % 64);
            for (int flip = 0; flip < flips; ++flip)
                damaged[random() % damaged.size()] ^= static_cast<char>(1 << (random() % 8));
            const fs::path file = work.path() / "flipped.pst";
            write_file(file, damaged);
            CollectingSink sink;
            sources::pst::PstOrigin origin{file.string(), ""};
            sources::pst::read_pst_file(file.string(), origin, nullptr, sink);
            for (const sources::RawMessage& message : sink.messages)
                CHECK(message.bytes.find("MIME-Version: 1.0\r\n") != std::string::npos);
            runs_with_failures += sink.failures.empty() ? 0 : 1;
        }
    }
    MESSAGE(runs_with_failures << " damaged copies reported failures");
}

TEST_CASE("a cancelled read stops between items") {
    TempDir work;
    std::optional<fs::path> enron = corpus_pst("pst-extractor-npm/enron.pst.zst", work.path());
    if (!enron)
        return;
    CancellationToken cancel;
    cancel.cancel();
    CollectingSink sink;
    sources::ReadOptions options;
    options.cancel = &cancel;
    auto result = sources::read_mail_path(*enron, options, sink);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::Cancelled);
    CHECK(sink.messages.empty());
}

}
