// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: html_to_text must return valid UTF-8 within its output cap for any bytes,
// including invalid UTF-8 and hostile nesting, without crashing or leaking.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/mime/charset.h"
#include "core/mime/html_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    // The first byte picks a small cap now and then, so truncation inside characters is tried.
    const std::size_t max_output = (size > 0 && data[0] < 32) ? data[0] : (1u << 20);
    const std::string text = cairn::mime::html_to_text(input, max_output);
    if (text.size() > max_output || !cairn::mime::is_valid_utf8(text))
        std::abort();
    return 0;
}
