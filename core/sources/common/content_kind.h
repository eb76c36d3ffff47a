// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace cairn::sources {

enum class ContentKind {
    Empty,          ///< zero bytes
    Mbox,           ///< starts (after an optional UTF-8 BOM) with "From "
    Emlx,           ///< Apple Mail .emlx by name: byte count line, message, plist
    MaybeEmlx,      ///< first line is only digits: an .emlx if the whole file fits the shape
    Archive,        ///< zip, tar, 7z, or gzip/zstd/xz/bzip2 compressed data
    Mail,           ///< anything else that may be a single message (generously)
    NotMail,        ///< plainly something else: an image, a PDF, an executable, binary data
    Pst,            ///< an Outlook PST or OST file ("!BDN" at byte 0), read with libpff
};

struct ContentDetection {
    ContentKind kind = ContentKind::Mail;
    /// For NotMail: what it looks like ("a JPEG image").
    std::string description;
};

/// Classifies a file from its first bytes (HEAD; a few KiB are enough) and its file name. The
/// name matters only for ".emlx"; everything else is decided by content. Generous on purpose:
/// any text, even without headers, counts as Mail, since real archives hold badly broken mail.
ContentDetection detect_content(std::string_view head, std::string_view file_name);

}  // namespace cairn::sources
