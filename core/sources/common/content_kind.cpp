// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/common/content_kind.h"

#include <array>
#include <cstddef>

#include "core/sources/eml/emlx_reader.h"
#include "core/sources/mbox/from_line.h"

namespace cairn::sources {
namespace {

constexpr std::string_view ByteOrderMark = "\xEF\xBB\xBF";

struct Magic {
    std::string_view prefix;
    std::string_view description;
};

// Containers libarchive opens for us.
constexpr std::array<std::string_view, 8> ArchiveMagics{
    std::string_view("PK\x03\x04", 4),              // zip
    std::string_view("PK\x05\x06", 4),              // empty zip
    std::string_view("\x1F\x8B", 2),                // gzip
    std::string_view("\x28\xB5\x2F\xFD", 4),        // zstd
    std::string_view("\xFD" "7zXZ\x00", 6),         // xz
    std::string_view("BZh", 3),                     // bzip2 (checked with a level digit below)
    std::string_view("7z\xBC\xAF\x27\x1C", 6),      // 7-Zip
    std::string_view("\x04\x22\x4D\x18", 4),        // lz4
};

// Files that turn up beside mail and are plainly something else.
constexpr std::array<Magic, 13> BinaryMagics{{
    {std::string_view("\xFF\xD8\xFF", 3), "a JPEG image"},
    {std::string_view("\x89PNG\r\n\x1A\n", 8), "a PNG image"},
    {"GIF87a", "a GIF image"},
    {"GIF89a", "a GIF image"},
    {"%PDF-", "a PDF document"},
    {std::string_view("\x7F" "ELF", 4), "an ELF executable"},
    {std::string_view("SQLite format 3\x00", 16), "an SQLite database"},
    {std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), "an Outlook item or Office document"},
    {std::string_view("\xCA\xFE\xBA\xBE", 4), "a Mach-O or Java class file"},
    {std::string_view("\xCF\xFA\xED\xFE", 4), "a Mach-O executable"},
    {"bplist00", "a binary property list"},
    {"ID3", "an MP3 file"},
    {std::string_view("\x00\x00\x01\x00", 4), "an icon image"},
}};

bool is_tar(std::string_view head) {
    constexpr std::size_t MagicOffset = 257;
    return head.size() >= MagicOffset + 5 && head.substr(MagicOffset, 5) == "ustar";
}

bool is_archive(std::string_view head) {
    for (std::string_view magic : ArchiveMagics) {
        if (!head.starts_with(magic))
            continue;
        if (magic == "BZh")
            return head.size() > 3 && head[3] >= '1' && head[3] <= '9';
        return true;
    }
    return is_tar(head);
}

std::string_view first_line(std::string_view head) {
    std::size_t end = head.find('\n');
    return end == std::string_view::npos ? head : head.substr(0, end);
}

/// A NUL or many control characters near the start: text mail has neither, binary files do.
bool looks_binary(std::string_view head) {
    std::string_view sample = head.substr(0, 1024);
    std::size_t control_count = 0;
    for (char character : sample) {
        unsigned char byte = static_cast<unsigned char>(character);
        if (byte == 0)
            return true;
        if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r' && byte != '\f' && byte != 0x1B)
            ++control_count;
    }
    return control_count * 10 > sample.size();
}

}  // namespace

ContentDetection detect_content(std::string_view head, std::string_view file_name) {
    if (head.empty())
        return {ContentKind::Empty, "an empty file"};
    if (head.starts_with("!BDN"))
        return {ContentKind::Pst, {}};
    std::string_view text = head.starts_with(ByteOrderMark) ? head.substr(ByteOrderMark.size()) : head;
    if (text.starts_with("From "))
        return {ContentKind::Mbox, {}};
    if (file_name.ends_with(".emlx"))
        return {ContentKind::Emlx, {}};
    if (eml::emlx_byte_count(first_line(head)))
        return {ContentKind::MaybeEmlx, {}};
    if (is_archive(head))
        return {ContentKind::Archive, {}};
    // A header line first means mail, whatever bytes follow.
    if (mbox::is_header_line(first_line(text)))
        return {ContentKind::Mail, {}};
    for (const Magic& magic : BinaryMagics) {
        if (head.starts_with(magic.prefix))
            return {ContentKind::NotMail, std::string(magic.description)};
    }
    if (head.starts_with("MZ") && looks_binary(head))
        return {ContentKind::NotMail, "a Windows executable"};
    if (looks_binary(head))
        return {ContentKind::NotMail, "binary data"};
    return {ContentKind::Mail, {}};
}

}  // namespace cairn::sources
