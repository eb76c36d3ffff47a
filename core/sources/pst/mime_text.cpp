// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/pst/mime_text.h"

#include <array>
#include <cerrno>
#include <ctime>

#include <fmt/core.h>
#include <iconv.h>

#include "core/base/text.h"
namespace cairn::sources::pst {
namespace {

constexpr std::string_view Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view HexDigits = "0123456789ABCDEF";
constexpr std::size_t MaximumLine = 78;

std::string base64(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t index = 0;
    for (; index + 3 <= bytes.size(); index += 3) {
        std::uint32_t triple = (static_cast<std::uint8_t>(bytes[index]) << 16) |
                               (static_cast<std::uint8_t>(bytes[index + 1]) << 8) |
                               static_cast<std::uint8_t>(bytes[index + 2]);
        out += Base64Alphabet[(triple >> 18) & 63];
        out += Base64Alphabet[(triple >> 12) & 63];
        out += Base64Alphabet[(triple >> 6) & 63];
        out += Base64Alphabet[triple & 63];
    }
    if (std::size_t rest = bytes.size() - index; rest > 0) {
        std::uint32_t triple = static_cast<std::uint8_t>(bytes[index]) << 16;
        if (rest == 2)
            triple |= static_cast<std::uint8_t>(bytes[index + 1]) << 8;
        out += Base64Alphabet[(triple >> 18) & 63];
        out += Base64Alphabet[(triple >> 12) & 63];
        out += rest == 2 ? Base64Alphabet[(triple >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

/// Length of the UTF-8 sequence starting with LEAD (1 for stray continuation bytes).
std::size_t utf8_sequence_length(unsigned char lead) {
    if (lead >= 0xF0)
        return 4;
    if (lead >= 0xE0)
        return 3;
    if (lead >= 0xC0)
        return 2;
    return 1;
}

/// RFC 2047 "B" encoded-words for TEXT, each holding whole characters.
std::string encoded_words(std::string_view text) {
    // 75 characters per word: "=?UTF-8?B?" + "?=" leave 63 for base64, i.e. 45 bytes.
    constexpr std::size_t BytesPerWord = 45;
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = start;
        while (end < text.size()) {
            std::size_t length = utf8_sequence_length(static_cast<unsigned char>(text[end]));
            if (end + length - start > BytesPerWord)
                break;
            end = std::min(text.size(), end + length);
        }
        if (end == start)
            end = std::min(text.size(), start + BytesPerWord);
        if (!out.empty())
            out += ' ';
        out += "=?UTF-8?B?" + base64(text.substr(start, end - start)) + "?=";
        start = end;
    }
    return out;
}

bool is_atom_text(char character) {
    constexpr std::string_view Specials = "()<>[]:;@\\,.\"";
    return character > ' ' && character < 0x7F && Specials.find(character) == std::string_view::npos;
}

/// Windows code page number to an iconv name.
std::string iconv_name(std::uint32_t codepage) {
    switch (codepage) {
    case 65001: return "UTF-8";
    case 1200: return "UTF-16LE";
    case 1201: return "UTF-16BE";
    case 20127: return "US-ASCII";
    case 20866: return "KOI8-R";
    case 21866: return "KOI8-U";
    case 50220:
    case 50221:
    case 50222: return "ISO-2022-JP";
    case 51932: return "EUC-JP";
    case 51936: return "GB2312";
    case 51949: return "EUC-KR";
    case 52936: return "HZ";
    case 54936: return "GB18030";
    case 10000: return "MACINTOSH";
    default: break;
    }
    if (codepage >= 28591 && codepage <= 28606)
        return fmt::format("ISO-8859-{}", codepage - 28590);
    return fmt::format("CP{}", codepage);
}

class IconvHandle {
public:
    explicit IconvHandle(const std::string& from) : m_handle(iconv_open("UTF-8", from.c_str())) {}
    ~IconvHandle() {
        if (valid())
            iconv_close(m_handle);
    }
    IconvHandle(const IconvHandle&) = delete;
    IconvHandle& operator=(const IconvHandle&) = delete;
    bool valid() const { return m_handle != reinterpret_cast<iconv_t>(-1); }
    iconv_t get() const { return m_handle; }

private:
    iconv_t m_handle;
};

}  // namespace

std::string base64_lines(std::string_view bytes) {
    constexpr std::size_t BytesPerLine = 57;  // 76 characters
    std::string out;
    out.reserve(bytes.size() * 4 / 3 + bytes.size() / 28 + 4);
    for (std::size_t start = 0; start < bytes.size(); start += BytesPerLine) {
        out += base64(bytes.substr(start, BytesPerLine));
        out += "\r\n";
    }
    return out;
}

std::string quoted_printable(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t line_length = 0;
    auto append = [&](std::string_view piece) {
        if (line_length + piece.size() > 75) {
            out += "=\r\n";
            line_length = 0;
        }
        out += piece;
        line_length += piece.size();
    };
    for (std::size_t index = 0; index < text.size(); ++index) {
        const char character = text[index];
        if (character == '\r' || character == '\n') {
            if (character == '\r' && index + 1 < text.size() && text[index + 1] == '\n')
                ++index;
            // Trailing white space before a line break would be lost in transport.
            if (!out.empty() && (out.back() == ' ' || out.back() == '\t') && line_length > 0) {
                const char space = out.back();
                out.pop_back();
                --line_length;
                append(space == ' ' ? "=20" : "=09");
            }
            out += "\r\n";
            line_length = 0;
            continue;
        }
        const unsigned char byte = static_cast<unsigned char>(character);
        const bool literal = (byte >= 33 && byte <= 126 && byte != '=') || byte == ' ' || byte == '\t';
        // A "From " or "." at the start of a line is encoded so mbox and SMTP leave it alone.
        const bool line_start_hazard =
            line_length == 0 && (character == '.' || (character == 'F' && text.substr(index).starts_with("From ")));
        if (literal && !line_start_hazard) {
            append(std::string_view(&text[index], 1));
        } else {
            const std::array<char, 3> encoded{'=', HexDigits[byte >> 4], HexDigits[byte & 15]};
            append(std::string_view(encoded.data(), encoded.size()));
        }
    }
    if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
        const char space = out.back();
        out.pop_back();
        --line_length;
        append(space == ' ' ? "=20" : "=09");
    }
    return out;
}

bool is_plain_ascii(std::string_view text) {
    for (char character : text) {
        const unsigned char byte = static_cast<unsigned char>(character);
        if (byte >= 0x7F || (byte < 0x20 && byte != '\t' && byte != '\r' && byte != '\n'))
            return false;
    }
    return true;
}

std::string encode_unstructured(std::string_view text) {
    std::string single_line;
    for (char character : text) {
        // Header text is one logical line; Outlook subjects sometimes carry line breaks.
        single_line += (character == '\r' || character == '\n') ? ' ' : character;
    }
    if (is_plain_ascii(single_line) && single_line.find("=?") == std::string::npos)
        return single_line;
    return encoded_words(single_line);
}

std::string encode_phrase(std::string_view text) {
    std::string single_line;
    for (char character : text)
        single_line += (character == '\r' || character == '\n') ? ' ' : character;
    if (!is_plain_ascii(single_line) || single_line.find("=?") != std::string::npos)
        return encoded_words(single_line);
    bool needs_quotes = single_line.empty();
    for (char character : single_line) {
        if (!is_atom_text(character) && character != ' ')
            needs_quotes = true;
    }
    if (!needs_quotes)
        return single_line;
    std::string quoted = "\"";
    for (char character : single_line) {
        if (character == '"' || character == '\\')
            quoted += '\\';
        quoted += character;
    }
    return quoted + "\"";
}

std::string format_address(std::string_view name, std::string_view address) {
    if (address.empty())
        return name.empty() ? std::string() : encode_phrase(name);
    if (name.empty() || name == address)
        return std::string(address);
    return encode_phrase(name) + " <" + std::string(address) + ">";
}

std::string format_parameter(std::string_view name, std::string_view value) {
    if (is_plain_ascii(value) && value.find_first_of("\r\n") == std::string_view::npos) {
        std::string quoted = std::string(name) + "=\"";
        for (char character : value) {
            if (character == '"' || character == '\\')
                quoted += '\\';
            quoted += character;
        }
        return quoted + "\"";
    }
    std::string encoded = std::string(name) + "*=UTF-8''";
    for (char character : value) {
        const unsigned char byte = static_cast<unsigned char>(character);
        if ((byte >= '0' && byte <= '9') || (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
            std::string_view("!#$&+-.^_`|~").find(character) != std::string_view::npos) {
            encoded += character;
        } else {
            encoded += '%';
            encoded += HexDigits[byte >> 4];
            encoded += HexDigits[byte & 15];
        }
    }
    return encoded;
}

std::string header_field(std::string_view name, std::string_view value) {
    std::string out(name);
    out += ':';
    std::size_t line_length = out.size();
    std::size_t start = 0;
    // Fold before words that would pass the limit; a word longer than a line stays whole.
    while (start < value.size()) {
        std::size_t space = value.find(' ', start + 1);
        std::string_view word = value.substr(start, space == std::string_view::npos ? value.npos : space - start);
        if (start == 0 && !word.starts_with(' ')) {
            out += ' ';
            ++line_length;
        }
        if (line_length + word.size() > MaximumLine && line_length > name.size() + 2 && word.starts_with(' ')) {
            out += "\r\n";
            line_length = 0;
        }
        out += word;
        line_length += word.size();
        start += word.size();
    }
    out += "\r\n";
    return out;
}

std::string format_rfc5322_date(std::int64_t unix_seconds) {
    constexpr std::array<std::string_view, 7> Days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    constexpr std::array<std::string_view, 12> Months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t time = static_cast<std::time_t>(unix_seconds);
    std::tm parts{};
    if (::gmtime_r(&time, &parts) == nullptr)
        return "Thu, 01 Jan 1970 00:00:00 +0000";
    return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", Days[static_cast<std::size_t>(parts.tm_wday)],
                       parts.tm_mday, Months[static_cast<std::size_t>(parts.tm_mon)], parts.tm_year + 1900,
                       parts.tm_hour, parts.tm_min, parts.tm_sec);
}

std::int64_t filetime_to_unix(std::uint64_t filetime) {
    constexpr std::int64_t EpochDifference = 11644473600LL;
    return static_cast<std::int64_t>(filetime / 10'000'000ULL) - EpochDifference;
}


std::string utf16le_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    const std::size_t units = bytes.size() / 2;
    auto unit_at = [&](std::size_t index) {
        return static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[2 * index])) |
               (static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[2 * index + 1])) << 8);
    };
    for (std::size_t index = 0; index < units; ++index) {
        std::uint32_t unit = unit_at(index);
        if (unit >= 0xD800 && unit <= 0xDBFF && index + 1 < units) {
            std::uint32_t low = unit_at(index + 1);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                ++index;
                continue;
            }
        }
        append_utf8(out, unit);
    }
    return out;
}

std::string codepage_to_utf8(std::string_view bytes, std::uint32_t codepage) {
    if (codepage == 1200)
        return utf16le_to_utf8(bytes);
    if (is_plain_ascii(bytes))
        return std::string(bytes);
    IconvHandle handle(iconv_name(codepage));
    if (!handle.valid())
        return codepage == 1252 ? std::string(bytes) : codepage_to_utf8(bytes, 1252);
    std::string out;
    std::array<char, 4096> buffer{};
    char* input = const_cast<char*>(bytes.data());  // iconv's signature; the input is not written
    std::size_t input_left = bytes.size();
    while (input_left > 0) {
        char* output = buffer.data();
        std::size_t output_left = buffer.size();
        std::size_t result = iconv(handle.get(), &input, &input_left, &output, &output_left);
        out.append(buffer.data(), buffer.size() - output_left);
        if (result == static_cast<std::size_t>(-1)) {
            if (errno == E2BIG)
                continue;
            // EILSEQ or EINVAL (cut short): one replacement character, then go on after the byte.
            append_utf8(out, 0xFFFD);
            ++input;
            --input_left;
            iconv(handle.get(), nullptr, nullptr, nullptr, nullptr);
        }
    }
    return out;
}

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t seed) {
    std::uint64_t hash = seed;
    for (char character : bytes) {
        hash ^= static_cast<std::uint8_t>(character);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

}  // namespace cairn::sources::pst
