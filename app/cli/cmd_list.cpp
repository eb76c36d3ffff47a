// SPDX-License-Identifier: GPL-3.0-or-later
#include <unistd.h>

#include <fmt/format.h>

#include "app/cli/commands.h"

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
    auto bytes = archive->message_bytes(arguments.id);
    if (!bytes)
        return context.fail(bytes.error());
    if (arguments.raw) {
        std::string_view rest = *bytes;
        while (!rest.empty()) {
            ssize_t written = ::write(STDOUT_FILENO, rest.data(), rest.size());
            if (written <= 0)
                return context.fail({ErrorCode::Io, "cannot write to standard output", ""});
            rest.remove_prefix(static_cast<std::size_t>(written));
        }
        return ExitSuccess;
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
        context.print_json(
            {{"id", arguments.id}, {"size", bytes->size()}, {"placements", folders}, {"envelope", envelope_json}});
        return ExitSuccess;
    }
    if (!places->empty()) {
        const auto& first = places->front();
        fmt::print("Id:       {}\nDate:     {}\nFrom:     {}\nTo:       {}\nSubject:  {}\nSize:     {}\n", first.message_id,
                   format_date(first.date), first.from, first.to, first.subject, format_bytes(bytes->size()));
        for (const auto& item : *places)
            fmt::print("Folder:   {} / {}{}\n", item.user, item.folder, item.flags.empty() ? "" : " (" + item.flags + ")");
        // From a journal report: who really received it (Bcc and list members included).
        for (const auto& address : *envelope)
            fmt::print("Envelope: {} {}{}\n", address.kind, address.address, address.note.empty() ? "" : " (" + address.note + ")");
    }
    // The header block as stored; --raw gives the whole message.
    auto header_end = bytes->find("\n\n");
    auto header_end_crlf = bytes->find("\r\n\r\n");
    std::size_t end = std::min(header_end == std::string::npos ? bytes->size() : header_end + 1,
                               header_end_crlf == std::string::npos ? bytes->size() : header_end_crlf + 2);
    // Control characters from mail data must not reach the terminal (escape sequences could
    // retitle it or rewrite the screen); --raw is for the exact bytes.
    std::string header = bytes->substr(0, end);
    for (char& c : header)
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == '\x7f')
            c = c == '\r' ? ' ' : '?';
    fmt::print("\n{}\n(use --raw for the whole message)\n", header);
    return ExitSuccess;
}

}  // namespace cairn::cli
