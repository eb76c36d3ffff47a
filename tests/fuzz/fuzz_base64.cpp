// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: whenever decode_base64_exactly accepts an input, encoding the result in the
// returned layout must give the input back byte for byte; and anything we encode must be accepted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/mime/message_structure.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto decoded = cairn::mime::decode_base64_exactly(input)) {
        if (decoded->second.extra_line_breaks != 0 ||
            cairn::mime::encode_base64(decoded->first, decoded->second) != input)
            std::abort();
    }
    if (const auto decoded = cairn::mime::decode_base64_exactly(input, cairn::mime::TrailingEmptyLines::Keep)) {
        if (cairn::mime::encode_base64(decoded->first, decoded->second) != input)
            std::abort();
    }
    // The other direction: the input as raw bytes, in a layout taken from its first bytes.
    if (size >= 2) {
        cairn::mime::Base64Layout layout;
        layout.line_length = 4u * (1u + data[0] % 249u);
        layout.crlf = (data[1] & 1) != 0;
        layout.final_line_break = (data[1] & 2) != 0;
        layout.extra_line_breaks = (data[1] >> 2) & 3;
        const std::string_view bytes = input.substr(2);
        const std::string encoded = cairn::mime::encode_base64(bytes, layout);
        const auto decoded = cairn::mime::decode_base64_exactly(encoded, cairn::mime::TrailingEmptyLines::Keep);
        if (!decoded || decoded->first != bytes ||
            cairn::mime::encode_base64(decoded->first, decoded->second) != encoded)
            std::abort();
    }
    return 0;
}
