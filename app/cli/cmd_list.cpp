// SPDX-License-Identifier: GPL-3.0-or-later
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "app/cli/commands.h"
#include "core/base/text.h"
#include "core/mime/html_sanitizer.h"

namespace cairn::cli {
namespace {

nlohmann::json listing_json(const MessageListing& item) {
    nlohmann::json document = {{"id", item.message_id},
                               {"user", item.user},
                               {"folder", item.folder},
                               {"date", item.date ? nlohmann::json(*item.date) : nlohmann::json(nullptr)},
                               {"from", item.from},
                               {"to", item.to},
                               {"subject", item.subject},
                               {"message_id", item.header_message_id},
                               {"size", item.size},
                               {"flags", item.flags},
                               {"source", item.source_path},
                               {"source_offset", item.source_offset}};
    return document;
}

std::string clip(const std::string& text, std::size_t width) {
    // Cut on a UTF-8 character boundary.
    if (text.size() <= width)
        return text;
    std::size_t end = width;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return text.substr(0, end);
}

// Control characters from mail data must not reach the terminal (escape sequences could retitle
// it or rewrite the screen): C0 controls but line feed and tab, DEL and the C1 controls (U+0080 to
// U+009F, U+009B is a CSI on some terminals) become '?'; a CR before LF goes. --raw is for the
// exact bytes.
std::string terminal_safe(std::string_view text) {
    std::string result;
    result.reserve(text.size());
    for (std::size_t index = 0; index < text.size(); ++index) {
        const auto byte = static_cast<unsigned char>(text[index]);
        if (byte == '\r' && index + 1 < text.size() && text[index + 1] == '\n')
            continue;
        if (byte == 0xC2 && index + 1 < text.size() && static_cast<unsigned char>(text[index + 1]) < 0xA0 &&
            static_cast<unsigned char>(text[index + 1]) >= 0x80) {
            result += '?';
            ++index;
            continue;
        }
        if ((byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7F)
            result += '?';
        else
            result += text[index];
    }
    return result;
}

int write_out(const Context& context, std::string_view rest) {
    while (!rest.empty()) {
        ssize_t written = ::write(STDOUT_FILENO, rest.data(), rest.size());
        if (written <= 0)
            return context.fail({ErrorCode::Io, "cannot write to standard output", ""});
        rest.remove_prefix(static_cast<std::size_t>(written));
    }
    return ExitSuccess;
}

int save_attachment(const Context& context, Archive& archive, const ShowArguments& arguments) {
    auto data = archive.attachment_data(arguments.id, *arguments.attachment);
    if (!data)
        return context.fail(data.error());
    // O_EXCL: an existing file is never replaced, not even one created since we looked.
    const int descriptor = ::open(arguments.output.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (descriptor < 0) {
        if (errno == EEXIST)
            return context.fail({ErrorCode::InvalidArgument, "exists; choose another --output (files are never overwritten)",
                                 arguments.output});
        return context.fail({ErrorCode::Io, std::string("cannot create the file: ") + std::strerror(errno), arguments.output});
    }
    std::string_view rest = *data;
    while (!rest.empty()) {
        const ssize_t written = ::write(descriptor, rest.data(), rest.size());
        if (written <= 0) {
            const int error = errno;
            ::close(descriptor);
            return context.fail({ErrorCode::Io, std::string("cannot write the file: ") + std::strerror(error), arguments.output});
        }
        rest.remove_prefix(static_cast<std::size_t>(written));
    }
    if (::close(descriptor) != 0)
        return context.fail({ErrorCode::Io, std::string("cannot write the file: ") + std::strerror(errno), arguments.output});
    if (context.options.json)
        context.print_json({{"id", arguments.id}, {"attachment", *arguments.attachment}, {"output", arguments.output},
                            {"size", data->size()}});
    else
        fmt::print("Saved attachment {} ({}) to {}\n", *arguments.attachment, format_bytes(data->size()), arguments.output);
    return ExitSuccess;
}

}  // namespace

int run_list(const Context& context, const ListArguments& arguments) {
    auto archive = context.open_archive(Access::ReadOnly);
    if (!archive)
        return context.fail(archive.error());
    ListFilter filter;
    filter.user = arguments.user;
    filter.folder = arguments.folder;
    auto listing = archive->list(filter);
    if (!listing)
        return context.fail(listing.error());
    if (context.options.json) {
        nlohmann::json messages = nlohmann::json::array();
        for (const auto& item : *listing)
            messages.push_back(listing_json(item));
        context.print_json({{"messages", messages}});
        return ExitSuccess;
    }
    for (const auto& item : *listing)
        fmt::print("{:>7}  {}  {:<24}  {:<28}  {}\n", item.message_id, format_date(item.date), clip(item.folder, 24),
                   clip(item.from, 28), clip(item.subject, 70));
    return ExitSuccess;
}

int run_show(const Context& context, const ShowArguments& arguments) {
    auto archive = context.open_archive(Access::ReadOnly);
    if (!archive)
        return context.fail(archive.error());
    if (arguments.attachment)
        return save_attachment(context, *archive, arguments);
    if (arguments.raw) {
        auto bytes = archive->message_bytes(arguments.id);
        if (!bytes)
            return context.fail(bytes.error());
        return write_out(context, *bytes);
    }
    auto view_result = archive->message_view(arguments.id);
    if (!view_result)
        return context.fail(view_result.error());
    const mime::MessageView& view = *view_result;
    if (arguments.html) {
        if (view.html.empty())
            return context.fail({ErrorCode::NotFound, "the message has no HTML part; `cairn show " +
                                                          std::to_string(arguments.id) + "` gives its text", ""});
        // Images the HTML shows by cid: go into the document as data: URLs, so it stands alone.
        auto sanitized = archive->message_html(arguments.id, false);
        if (!sanitized)
            return context.fail(sanitized.error());
        if (context.options.json) {
            context.print_json({{"id", arguments.id},
                                {"html", sanitized->html},
                                {"blocked_remote_resources", sanitized->blocked_remote_resources}});
            return ExitSuccess;
        }
        return write_out(context, sanitized->html);
    }
    ListFilter filter;
    filter.message_id = arguments.id;
    auto places = archive->list(filter);
    if (!places)
        return context.fail(places.error());
    auto envelope = archive->envelope(arguments.id);
    if (!envelope)
        return context.fail(envelope.error());
    if (context.options.json) {
        nlohmann::json folders = nlohmann::json::array();
        for (const auto& item : *places)
            folders.push_back(listing_json(item));
        nlohmann::json envelope_json = nlohmann::json::array();
        for (const auto& address : *envelope)
            envelope_json.push_back({{"address", address.address}, {"kind", address.kind}, {"note", address.note}});
        nlohmann::json attachments = nlohmann::json::array();
        for (const auto& attachment : view.attachments)
            attachments.push_back({{"index", attachment.index},
                                   {"filename", attachment.filename},
                                   {"content_type", attachment.content_type},
                                   {"size", attachment.size},
                                   {"inline", attachment.inline_image}});
        context.print_json({{"id", arguments.id},
                            {"size", places->empty() ? 0 : places->front().size},
                            {"placements", folders},
                            {"envelope", envelope_json},
                            {"text", view.text},
                            {"html_available", !view.html.empty()},
                            {"attachments", attachments},
                            {"problems", view.problems}});
        return ExitSuccess;
    }
    if (!places->empty()) {
        const auto& first = places->front();
        fmt::print("Id:       {}\nDate:     {}\nFrom:     {}\nTo:       {}\nSubject:  {}\nSize:     {}\n", first.message_id,
                   format_date(first.date), terminal_safe(first.from), terminal_safe(first.to),
                   terminal_safe(first.subject), format_bytes(first.size));
        for (const auto& item : *places)
            fmt::print("Folder:   {} / {}{}\n", terminal_safe(item.user), terminal_safe(item.folder),
                       item.flags.empty() ? "" : " (" + item.flags + ")");
        // From a journal report: who really received it (Bcc and list members included).
        for (const auto& address : *envelope)
            fmt::print("Envelope: {} {}{}\n", address.kind, terminal_safe(address.address),
                       address.note.empty() ? "" : " (" + terminal_safe(address.note) + ")");
    }
    std::string text = terminal_safe(view.text);
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    fmt::print("\n{}\n", text);
    if (!view.attachments.empty()) {
        fmt::print("\nAttachments:\n");
        for (const auto& attachment : view.attachments)
            fmt::print("  {:>3}  {}  {}  {}{}\n", attachment.index, terminal_safe(attachment.filename),
                       terminal_safe(attachment.content_type), format_bytes(attachment.size),
                       attachment.inline_image ? "  (inline)" : "");
    }
    for (const auto& problem : view.problems)
        fmt::print("Note:     {}\n", terminal_safe(problem));
    fmt::print("\n(--raw: the whole message{}{})\n", view.html.empty() ? "" : ", --html: the HTML part",
               view.attachments.empty() ? "" : ", --attachment N --output FILE: save an attachment");
    return ExitSuccess;
}

}  // namespace cairn::cli
