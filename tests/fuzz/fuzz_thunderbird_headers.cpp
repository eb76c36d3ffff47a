// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the Thunderbird parsers that see untrusted bytes: folder names in modified
// UTF-7, X-Mozilla-Status headers and folderCache.json. A decoded modified UTF-7 name must be
// valid UTF-8 and the flags must be known names.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/sources/common/modified_utf7.h"
#include "core/sources/thunderbird/folder_cache.h"
#include "core/sources/thunderbird/mozilla_status.h"

namespace {

bool is_valid_utf8(std::string_view text) {
    for (std::size_t index = 0; index < text.size();) {
        const auto lead = static_cast<unsigned char>(text[index]);
        std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || index + length > text.size())
            return false;
        for (std::size_t next = 1; next < length; ++next) {
            if ((static_cast<unsigned char>(text[index + next]) & 0xC0) != 0x80)
                return false;
        }
        index += length;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto decoded = cairn::sources::decode_modified_utf7(input)) {
        if (!is_valid_utf8(*decoded))
            std::abort();
    }
    (void)cairn::sources::display_mailbox_name(input);
    if (const auto status = cairn::sources::thunderbird::read_mozilla_status(input)) {
        for (const auto& flag : status->flags) {
            if (flag != "seen" && flag != "answered" && flag != "flagged" && flag != "deleted" && flag != "forwarded")
                std::abort();
        }
    }
    // Names in the cache are kept as bytes when they are not modified UTF-7, like file names.
    const auto names = cairn::sources::thunderbird::FolderNames::parse(input, "/p");
    (void)names.hashed_folder_name("/p/ImapMail/h/INBOX.sbd/x 0123abcd");
    return 0;
}
