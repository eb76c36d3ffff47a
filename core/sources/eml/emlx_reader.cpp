// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/eml/emlx_reader.h"

#include <charconv>
#include <cstdint>

namespace cairn::sources::eml {
namespace {

bool is_blank(char character) { return character == ' ' || character == '\t' || character == '\r'; }

/// Apple Mail's message flag bits (from the emlx property list's "flags" integer).
std::vector<std::string> flags_from_bits(std::uint64_t bits) {
    std::vector<std::string> flags;
    if (bits & (1U << 0))
        flags.emplace_back("seen");
    if (bits & (1U << 1))
        flags.emplace_back("deleted");
    if (bits & (1U << 2))
        flags.emplace_back("answered");
    if (bits & (1U << 4))
        flags.emplace_back("flagged");
    if (bits & (1U << 6))
        flags.emplace_back("draft");
    if (bits & (1U << 8))
        flags.emplace_back("forwarded");
    return flags;
}

/// The integer after <key>flags</key> in the plist, if any.
std::optional<std::uint64_t> plist_flags(std::string_view plist) {
    constexpr std::string_view Key = "<key>flags</key>";
    std::size_t key = plist.find(Key);
    if (key == std::string_view::npos)
        return std::nullopt;
    constexpr std::string_view Open = "<integer>";
    std::size_t open = plist.find(Open, key + Key.size());
    if (open == std::string_view::npos)
        return std::nullopt;
    std::size_t start = open + Open.size();
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(plist.data() + start, plist.data() + plist.size(), value);
    if (error != std::errc())
        return std::nullopt;
    return value;
}

}  // namespace

std::optional<std::size_t> emlx_byte_count(std::string_view first_line) {
    while (!first_line.empty() && is_blank(first_line.front()))
        first_line.remove_prefix(1);
    while (!first_line.empty() && is_blank(first_line.back()))
        first_line.remove_suffix(1);
    if (first_line.empty() || first_line.size() > 15)
        return std::nullopt;
    std::size_t count = 0;
    auto [end, error] = std::from_chars(first_line.data(), first_line.data() + first_line.size(), count);
    if (error != std::errc() || end != first_line.data() + first_line.size())
        return std::nullopt;
    return count;
}

std::optional<EmlxContent> parse_emlx(std::string_view data) {
    std::size_t newline = data.find('\n');
    if (newline == std::string_view::npos)
        return std::nullopt;
    std::optional<std::size_t> count = emlx_byte_count(data.substr(0, newline));
    if (!count)
        return std::nullopt;
    std::string_view rest = data.substr(newline + 1);
    EmlxContent content;
    content.announced_size = *count;
    content.truncated = rest.size() < *count;
    content.message = rest.substr(0, *count);
    std::string_view trailer = content.truncated ? std::string_view() : rest.substr(*count);
    while (!trailer.empty() && (trailer.front() == '\n' || trailer.front() == '\r'))
        trailer.remove_prefix(1);
    content.has_property_list = trailer.starts_with("<?xml");
    if (content.has_property_list) {
        if (std::optional<std::uint64_t> bits = plist_flags(trailer))
            content.flags = flags_from_bits(*bits);
    }
    return content;
}

}  // namespace cairn::sources::eml
