// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/extract/utf8_text.h"

namespace cairn::extract {
namespace {

// Length of the well-formed sequence starting at `position`, or 0 when it is ill-formed.
std::size_t sequence_length(std::string_view bytes, std::size_t position) {
    const auto byte_at = [&](std::size_t index) { return static_cast<unsigned char>(bytes[index]); };
    const unsigned char lead = byte_at(position);
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char lowest = 0x80;
    unsigned char highest = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            lowest = 0xA0;  // overlong
        if (lead == 0xED)
            highest = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            lowest = 0x90;  // overlong
        if (lead == 0xF4)
            highest = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (position + length > bytes.size())
        return 0;
    const unsigned char second = byte_at(position + 1);
    if (second < lowest || second > highest)
        return 0;
    for (std::size_t index = 2; index < length; ++index) {
        const unsigned char continuation = byte_at(position + index);
        if (continuation < 0x80 || continuation > 0xBF)
            return 0;
    }
    return length;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
    for (std::size_t position = 0; position < bytes.size();) {
        const std::size_t length = sequence_length(bytes, position);
        if (length == 0)
            return false;
        position += length;
    }
    return true;
}

std::string make_valid_utf8(std::string_view bytes) {
    std::string valid;
    valid.reserve(bytes.size());
    for (std::size_t position = 0; position < bytes.size();) {
        const std::size_t length = sequence_length(bytes, position);
        if (length == 0) {
            valid += "\xEF\xBF\xBD";
            ++position;
        } else {
            valid.append(bytes.substr(position, length));
            position += length;
        }
    }
    return valid;
}

void truncate_utf8(std::string& text, std::size_t max_bytes) {
    if (text.size() <= max_bytes)
        return;
    std::size_t cut = max_bytes;
    // Step back over continuation bytes so the cut falls before a lead byte.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    text.resize(cut);
}


}  // namespace cairn::extract
