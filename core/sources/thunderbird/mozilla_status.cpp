// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/thunderbird/mozilla_status.h"

#include <charconv>
#include <cstdint>

namespace cairn::sources::thunderbird {
namespace {

constexpr std::size_t HeaderScanLimit = 64 * 1024;

bool equals_ignoring_case(std::string_view left, std::string_view right) {
    if (left.size() != right.size())
        return false;
    for (std::size_t index = 0; index < left.size(); ++index) {
        char a = left[index], b = right[index];
        if (a >= 'A' && a <= 'Z')
            a = static_cast<char>(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = static_cast<char>(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

std::optional<std::uint32_t> parse_hex(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    if (text.empty() || text.size() > 8)
        return std::nullopt;
    std::uint32_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// Bits of nsMsgMessageFlags as Thunderbird writes them into the headers.
constexpr std::uint32_t ReadBit = 0x0001;
constexpr std::uint32_t RepliedBit = 0x0002;
constexpr std::uint32_t MarkedBit = 0x0004;
constexpr std::uint32_t ExpungedBit = 0x0008;
constexpr std::uint32_t PartialBit = 0x0400;
constexpr std::uint32_t ForwardedBit = 0x1000;
constexpr std::uint32_t ImapDeletedBit = 0x00200000;

}  // namespace

std::optional<MozillaStatus> read_mozilla_status(std::string_view message) {
    if (message.size() > HeaderScanLimit)
        message = message.substr(0, HeaderScanLimit);
    std::optional<std::uint32_t> status;
    std::optional<std::uint32_t> status2;
    std::size_t position = 0;
    while (position < message.size()) {
        std::size_t end = message.find('\n', position);
        std::string_view line = message.substr(position, end == std::string_view::npos ? std::string_view::npos
                                                                                        : end - position);
        if (line.empty() || line == "\r")
            break;
        std::size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
            std::string_view name = line.substr(0, colon);
            if (!status && equals_ignoring_case(name, "X-Mozilla-Status"))
                status = parse_hex(line.substr(colon + 1));
            else if (!status2 && equals_ignoring_case(name, "X-Mozilla-Status2"))
                status2 = parse_hex(line.substr(colon + 1));
        }
        if (end == std::string_view::npos)
            break;
        position = end + 1;
    }
    if (!status)
        return std::nullopt;
    MozillaStatus result;
    if (*status & ReadBit)
        result.flags.emplace_back("seen");
    if (*status & RepliedBit)
        result.flags.emplace_back("answered");
    if (*status & MarkedBit)
        result.flags.emplace_back("flagged");
    if (status2 && (*status2 & ImapDeletedBit))
        result.flags.emplace_back("deleted");
    if (*status & ForwardedBit)
        result.flags.emplace_back("forwarded");
    result.expunged = (*status & ExpungedBit) != 0;
    result.partial = (*status & PartialBit) != 0;
    return result;
}

}  // namespace cairn::sources::thunderbird
