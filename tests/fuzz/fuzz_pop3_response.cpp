// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the POP3 status-line, multi-line and listing parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/sources/pop3/pop3_response.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    cairn::sources::pop3::StatusLine status;
    (void)cairn::sources::pop3::parse_status_line(input, status);
    (void)cairn::sources::pop3::parse_unique_id_line(input);
    (void)cairn::sources::pop3::parse_number_and_size(input);

    // The first byte picks where the input is cut, as reads from the network would cut it.
    cairn::sources::pop3::ResponseLimits limits;
    limits.max_multi_line_bytes = 4096;
    cairn::sources::pop3::MultiLineDecoder decoder(limits);
    const std::size_t split = size == 0 ? 0 : data[0] % size;
    std::size_t used = decoder.feed(input.substr(0, split));
    if (decoder.state() == cairn::sources::pop3::MultiLineDecoder::State::InProgress)
        used += decoder.feed(input.substr(split));
    if (used > size)
        __builtin_trap();
    // Decoding only ever removes bytes.
    if (decoder.content().size() > used)
        __builtin_trap();
    return 0;
}
