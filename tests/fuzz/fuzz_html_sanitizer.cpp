// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: whatever the input, sanitize_html's output, parsed again as a browser would,
// holds nothing that runs or loads (tests/support/html_safety.h) and is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/mime/charset.h"
#include "core/mime/html_sanitizer.h"
#include "tests/support/html_safety.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    cairn::mime::SanitizeOptions options;
    // The first byte sometimes turns remote images on and has cid: references resolved to
    // whatever the input names (a resolver's mistake must not get past the filter either).
    options.allow_remote_images = size > 0 && (data[0] & 1) != 0;
    if (size > 0 && (data[0] & 2) != 0)
        options.resolve_content_id = [](std::string_view content_id) { return std::string(content_id); };
    const cairn::mime::SanitizedHtml result = cairn::mime::sanitize_html(input, options);
    if (!cairn::mime::is_valid_utf8(result.html))
        __builtin_trap();
    if (!cairn::testing::html_safety_problem(result.html, options.allow_remote_images).empty())
        __builtin_trap();
    return 0;
}
