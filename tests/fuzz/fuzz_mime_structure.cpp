// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the structure scanner and the header summary must never crash, must keep
// spans sorted, disjoint and inside the message, and must always produce valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/mime/charset.h"
#include "core/mime/message_structure.h"

namespace {

void require(bool condition) {
    if (!condition)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view message(reinterpret_cast<const char*>(data), size);
    for (const std::size_t min_body_bytes : {std::size_t{0}, std::size_t{16}}) {
        std::size_t previous_end = 0;
        for (const cairn::mime::BodySpan& span : cairn::mime::find_leaf_bodies(message, min_body_bytes)) {
            require(span.length > 0 && span.length >= min_body_bytes);
            require(span.offset >= previous_end);
            require(span.offset <= message.size() && span.length <= message.size() - span.offset);
            previous_end = span.offset + span.length;
        }
    }
    const cairn::mime::HeaderSummary summary = cairn::mime::summarize_headers(message);
    require(cairn::mime::is_valid_utf8(summary.subject));
    require(cairn::mime::is_valid_utf8(summary.from));
    require(cairn::mime::is_valid_utf8(summary.to));
    require(cairn::mime::is_valid_utf8(summary.message_id));
    return 0;
}
