// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/mime/charset.h"

#include <cerrno>
#include <iconv.h>

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>

#include "core/base/text.h"
#include "core/mime/header_block.h"

namespace cairn::mime {

namespace {

constexpr std::string_view ReplacementCharacter = "\xEF\xBF\xBD";

constexpr std::array<char16_t, 32> Windows1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

// Length of the well-formed UTF-8 sequence at `index`, or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view bytes, std::size_t index) {
    const auto byte = [&](std::size_t offset) { return static_cast<unsigned char>(bytes[index + offset]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            low = 0xA0;  // no overlong forms
        else if (lead == 0xED)
            high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            low = 0x90;
        else if (lead == 0xF4)
            high = 0x8F;  // nothing above U+10FFFF
    } else {
        return 0;
    }
    if (index + length > bytes.size())
        return 0;
    if (byte(1) < low || byte(1) > high)
        return 0;
    for (std::size_t offset = 2; offset < length; ++offset) {
        if (byte(offset) < 0x80 || byte(offset) > 0xBF)
            return 0;
    }
    return length;
}

bool is_ascii(std::string_view bytes) {
    for (const char character : bytes) {
        if (static_cast<unsigned char>(character) >= 0x80)
            return false;
    }
    return true;
}

std::string normalize_charset(std::string_view charset) {
    charset = detail::trim(charset);
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"')
        charset = charset.substr(1, charset.size() - 2);
    // RFC 2231 section 5: "charset*language".
    charset = charset.substr(0, std::min(charset.find('*'), charset.size()));
    std::string result;
    for (const char character : charset)
        result += detail::to_lower_ascii(character);
    return result;
}

enum class Builtin { None, Utf8OrFallback, Windows1252 };

Builtin builtin_for(std::string_view name) {
    if (name.empty() || name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii" ||
        name == "ansi_x3.4-1968" || name == "unknown-8bit" || name == "x-unknown" || name == "unknown" ||
        name == "default" || name == "x-user-defined" || name == "8bit")
        return Builtin::Utf8OrFallback;
    // WHATWG: iso-8859-1 and us-ascii labels mean windows-1252 in practice.
    if (name == "iso-8859-1" || name == "iso8859-1" || name == "iso_8859-1" || name == "latin1" ||
        name == "latin-1" || name == "l1" || name == "windows-1252" || name == "cp1252" || name == "x-cp1252")
        return Builtin::Windows1252;
    return Builtin::None;
}

// Labels that glibc does not know, or knows as a smaller charset than senders actually use.
std::string iconv_name_for(const std::string& name) {
    if (name == "gb2312" || name == "gbk" || name == "x-gbk" || name == "cp936" || name == "euc-cn" ||
        name == "csgb2312" || name == "gb_2312-80")
        return "GB18030";
    if (name == "ks_c_5601-1987" || name == "ks_c_5601" || name == "euc-kr" || name == "ks_c_5601-1989" ||
        name == "csksc56011987")
        return "CP949";
    if (name == "iso-8859-8-i" || name == "iso-8859-8-e")
        return "ISO-8859-8";
    if (name == "iso-8859-6-i" || name == "iso-8859-6-e")
        return "ISO-8859-6";
    if (name == "x-sjis" || name == "sjis" || name == "ms_kanji" || name == "windows-31j")
        return "CP932";
    if (name == "x-mac-roman" || name == "macintosh")
        return "MACINTOSH";
    return name;
}

/// Conversion descriptors opened once per thread and charset; iconv_open is slow compared with
/// converting a header word.
class IconvCache {
public:
    IconvCache() = default;
    IconvCache(const IconvCache&) = delete;
    IconvCache& operator=(const IconvCache&) = delete;
    ~IconvCache() { close_all(); }

    /// The descriptor to UTF-8, reset to its initial state, or invalid() when glibc lacks it.
    iconv_t get(const std::string& name) {
        auto found = m_descriptors.find(name);
        if (found == m_descriptors.end()) {
            // Bound the cache: hostile mail can name any number of charsets.
            if (m_descriptors.size() >= 64) {
                close_all();
            }
            found = m_descriptors.emplace(name, iconv_open("UTF-8", iconv_name_for(name).c_str())).first;
        }
        if (found->second != invalid())
            iconv(found->second, nullptr, nullptr, nullptr, nullptr);
        return found->second;
    }

    static iconv_t invalid() { return reinterpret_cast<iconv_t>(-1); }

private:
    void close_all() {
        for (auto& [name, descriptor] : m_descriptors) {
            if (descriptor != invalid())
                iconv_close(descriptor);
        }
        m_descriptors.clear();
    }

    std::unordered_map<std::string, iconv_t> m_descriptors;
};

IconvCache& thread_cache() {
    thread_local IconvCache cache;
    return cache;
}

std::string convert_with_iconv(iconv_t descriptor, std::string_view bytes) {
    // glibc's iconv takes char** but does not write to the input.
    char* input = const_cast<char*>(bytes.data());
    std::size_t input_left = bytes.size();
    std::string output;
    output.reserve(bytes.size() * 2);
    std::array<char, 4096> buffer;
    auto append_buffer = [&](const char* buffer_end) {
        output.append(buffer.data(), static_cast<std::size_t>(buffer_end - buffer.data()));
    };
    while (input_left > 0) {
        char* buffer_pointer = buffer.data();
        std::size_t buffer_left = buffer.size();
        const std::size_t result = iconv(descriptor, &input, &input_left, &buffer_pointer, &buffer_left);
        const int error = errno;
        append_buffer(buffer_pointer);
        if (result != static_cast<std::size_t>(-1) || error == E2BIG)
            continue;
        // An invalid sequence (EILSEQ) is marked and skipped a byte at a time; a truncated one
        // at the end (EINVAL) ends the text.
        output += ReplacementCharacter;
        if (error != EILSEQ)
            break;
        ++input;
        --input_left;
    }
    char* buffer_pointer = buffer.data();
    std::size_t buffer_left = buffer.size();
    if (iconv(descriptor, nullptr, nullptr, &buffer_pointer, &buffer_left) != static_cast<std::size_t>(-1))
        append_buffer(buffer_pointer);  // the return to the initial shift state, if any
    return output;
}

}  // namespace

std::string replace_invalid_utf8(std::string_view bytes) {
    std::string output;
    output.reserve(bytes.size());
    for (std::size_t index = 0; index < bytes.size();) {
        const std::size_t length = utf8_sequence_length(bytes, index);
        if (length == 0) {
            output += ReplacementCharacter;
            ++index;
        } else {
            output.append(bytes.substr(index, length));
            index += length;
        }
    }
    return output;
}

bool is_valid_utf8(std::string_view bytes) {
    for (std::size_t index = 0; index < bytes.size();) {
        if (static_cast<unsigned char>(bytes[index]) < 0x80) {
            ++index;
            continue;
        }
        const std::size_t length = utf8_sequence_length(bytes, index);
        if (length == 0)
            return false;
        index += length;
    }
    return true;
}

std::string windows_1252_to_utf8(std::string_view bytes) {
    std::string output;
    output.reserve(bytes.size() + bytes.size() / 2);
    for (const char character : bytes) {
        const auto byte = static_cast<unsigned char>(character);
        if (byte < 0x80)
            output += character;
        else if (byte < 0xA0)
            append_utf8(output, Windows1252High[byte - 0x80]);
        else
            append_utf8(output, byte);
    }
    return output;
}

std::string raw_bytes_to_utf8(std::string_view bytes) {
    if (is_valid_utf8(bytes))
        return std::string(bytes);
    return windows_1252_to_utf8(bytes);
}

std::string charset_to_utf8(std::string_view bytes, std::string_view charset) {
    if (is_ascii(bytes)) {
        // Nearly every charset is an ASCII superset; the few that are not (UTF-16, UTF-7,
        // ISO-2022 escapes are ASCII bytes too) still go through iconv.
        const std::string name = normalize_charset(charset);
        if (!name.starts_with("utf-16") && !name.starts_with("utf-32") && !name.starts_with("utf-7") &&
            !name.starts_with("iso-2022") && !name.starts_with("hz") && !name.starts_with("ucs"))
            return std::string(bytes);
    }
    const std::string name = normalize_charset(charset);
    switch (builtin_for(name)) {
    case Builtin::Utf8OrFallback:
        return raw_bytes_to_utf8(bytes);
    case Builtin::Windows1252:
        return windows_1252_to_utf8(bytes);
    case Builtin::None:
        break;
    }
    const iconv_t descriptor = thread_cache().get(name);
    if (descriptor == IconvCache::invalid())
        return raw_bytes_to_utf8(bytes);
    return replace_invalid_utf8(convert_with_iconv(descriptor, bytes));
}

bool is_known_charset(std::string_view charset) {
    const std::string name = normalize_charset(charset);
    if (builtin_for(name) != Builtin::None)
        return true;
    return thread_cache().get(name) != IconvCache::invalid();
}

}  // namespace cairn::mime
