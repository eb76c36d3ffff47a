// SPDX-License-Identifier: GPL-3.0-or-later
// The IMAP response framer and parser on arbitrary server bytes, fed in pieces whose sizes come
// from the input, then every FETCH response's attributes and dates.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/sources/imap/response_parser.h"

using namespace cairn::sources::imap;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    std::size_t piece = static_cast<std::size_t>(data[0] % 17) + 1;
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    ParserLimits limits;
    limits.max_literal_bytes = 1 << 20;
    limits.max_line_bytes = 1 << 16;
    limits.max_nesting_depth = 64;
    ResponseFramer framer(limits);
    for (std::size_t offset = 0; offset < input.size(); offset += piece) {
        framer.feed(input.substr(offset, piece));
        while (auto frame = framer.next_frame()) {
            Response response;
            if (parse_response(*frame, response, limits))
                continue;
            if (response.keyword == "FETCH") {
                FetchAttributes attributes;
                if (!parse_fetch_attributes(response, attributes) && attributes.internal_date)
                    (void)parse_internal_date(*attributes.internal_date);
            }
        }
        if (framer.error())
            break;
    }
    // The whole input as one response, too: parse_response must not rely on the framer.
    Response whole;
    (void)parse_response(input, whole, limits);
    return 0;
}
