// SPDX-License-Identifier: GPL-3.0-or-later
// A small RTF reader of our own: only the text matters for the index, and the libraries that
// render RTF (and their dependencies) are far more than that needs.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/text.h"
#include "core/extract/extractors.h"
#include "core/mime/charset.h"

namespace cairn::extract {
namespace {

// Real documents nest a few dozen groups; deeper is a hostile or broken file.
constexpr std::size_t MaxGroupDepth = 512;

// Destinations whose content is not document text: tables, metadata, pictures, field
// instructions (the field's result, \fldrslt, is text and kept).
constexpr std::string_view SkippedDestinations[] = {
    "fonttbl",  "colortbl",  "stylesheet",         "info",         "pict",     "object",    "objdata",
    "themedata", "datastore", "colorschememapping", "latentstyles", "xmlnstbl", "listtable", "listoverridetable",
    "rsidtbl",  "generator", "filetbl",            "revtbl",       "pgdsctbl", "fldinst",   "private",
};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }


class RtfReader {
public:
    RtfReader(std::string_view data, TextSink& sink) : m_data(data), m_sink(sink) {}

    Result<void> run() {
        while (m_position < m_data.size() && !m_sink.full()) {
            const char c = m_data[m_position++];
            if (c == '{') {
                if (m_stack.size() >= MaxGroupDepth)
                    return make_error(ErrorCode::InvalidData, "RTF groups nested too deeply");
                m_stack.push_back(m_state);
                m_fallback_to_skip = 0;
            } else if (c == '}') {
                flush_bytes();
                if (!m_stack.empty()) {
                    m_state = m_stack.back();
                    m_stack.pop_back();
                }
                m_fallback_to_skip = 0;
            } else if (c == '\\') {
                read_control();
            } else if (c == '\r' || c == '\n') {
                // Line breaks in the file are not text; \par is.
            } else {
                add_byte(c);
            }
        }
        flush_bytes();
        return {};
    }

private:
    struct GroupState {
        bool skipped = false;
        long unicode_fallback = 1;  ///< \ucN: characters that follow \uN as its ANSI stand-in
    };

    // One "character" of text in the document code page: a literal byte or a \'hh.
    void add_byte(char byte) {
        if (m_fallback_to_skip > 0) {
            --m_fallback_to_skip;
            return;
        }
        if (!m_state.skipped)
            m_pending_bytes += byte;
    }

    void add_text(std::string_view utf8) {
        if (m_fallback_to_skip > 0) {
            --m_fallback_to_skip;
            return;
        }
        if (m_state.skipped)
            return;
        flush_bytes();
        m_sink.append(utf8);
    }

    void add_code_point(char32_t code_point) {
        std::string utf8;
        append_utf8(utf8, code_point);
        add_text(utf8);
    }

    void flush_bytes() {
        if (m_pending_bytes.empty())
            return;
        m_sink.append(mime::charset_to_utf8(m_pending_bytes, m_code_page));
        m_pending_bytes.clear();
    }

    void read_control() {
        if (m_position >= m_data.size())
            return;
        const char c = m_data[m_position];
        if (!is_letter(c)) {
            ++m_position;
            read_control_symbol(c);
            return;
        }
        const std::size_t word_begin = m_position;
        while (m_position < m_data.size() && is_letter(m_data[m_position]) && m_position - word_begin < 32)
            ++m_position;
        const std::string_view word = m_data.substr(word_begin, m_position - word_begin);
        bool has_parameter = false;
        long parameter = 0;
        bool negative = false;
        if (m_position < m_data.size() && m_data[m_position] == '-' && m_position + 1 < m_data.size() &&
            is_digit(m_data[m_position + 1])) {
            negative = true;
            ++m_position;
        }
        for (int digits = 0; m_position < m_data.size() && is_digit(m_data[m_position]); ++digits, ++m_position) {
            if (digits < 10)
                parameter = parameter * 10 + (m_data[m_position] - '0');
            has_parameter = true;
        }
        if (negative)
            parameter = -parameter;
        if (m_position < m_data.size() && m_data[m_position] == ' ')
            ++m_position;  // the delimiting space belongs to the control word
        control_word(word, has_parameter, parameter);
    }

    void read_control_symbol(char symbol) {
        switch (symbol) {
        case '\'': {
            if (m_position + 2 > m_data.size())
                return;
            const int high = hex_digit_value(m_data[m_position]);
            const int low = hex_digit_value(m_data[m_position + 1]);
            m_position += 2;
            if (high >= 0 && low >= 0)
                add_byte(static_cast<char>(high * 16 + low));
            return;
        }
        case '\\':
        case '{':
        case '}':
            add_byte(symbol);
            return;
        case '~':
            add_code_point(0x00A0);
            return;
        case '_':
            add_code_point(0x2011);
            return;
        case '*':
            // \* marks a destination that readers which do not know it must skip.
            m_state.skipped = true;
            return;
        case '\r':
        case '\n':
            add_text("\n");
            return;
        default:
            return;  // \- (optional hyphen), \: (index subentry) and unknown symbols
        }
    }

    void control_word(std::string_view word, bool has_parameter, long parameter) {
        if (std::ranges::find(SkippedDestinations, word) != std::ranges::end(SkippedDestinations)) {
            m_state.skipped = true;
            return;
        }
        if (word == "u") {
            add_unicode(parameter);
            return;
        }
        if (word == "bin") {
            // Binary data of `parameter` bytes follows: never text, and may contain braces.
            if (has_parameter && parameter > 0)
                m_position += std::min<std::size_t>(static_cast<std::size_t>(parameter), m_data.size() - m_position);
            return;
        }
        if (word == "uc") {
            m_state.unicode_fallback = std::clamp(parameter, 0l, 8l);
            return;
        }
        if (word == "ansicpg") {
            flush_bytes();
            if (parameter == 65001)
                m_code_page = "UTF-8";
            else if (parameter > 0 && parameter < 65536)
                m_code_page = "CP" + std::to_string(parameter);
            return;
        }
        if (word == "mac" || word == "pc" || word == "pca") {
            flush_bytes();
            m_code_page = word == "mac" ? "MACINTOSH" : word == "pc" ? "CP437" : "CP850";
            return;
        }
        if (m_fallback_to_skip > 0) {
            // A control word standing in for the preceding \uN counts as one fallback character.
            --m_fallback_to_skip;
            return;
        }
        if (word == "par" || word == "line" || word == "sect" || word == "page" || word == "row")
            add_text("\n");
        else if (word == "tab" || word == "cell")
            add_text("\t");
        else if (word == "emdash")
            add_code_point(0x2014);
        else if (word == "endash")
            add_code_point(0x2013);
        else if (word == "bullet")
            add_code_point(0x2022);
        else if (word == "lquote")
            add_code_point(0x2018);
        else if (word == "rquote")
            add_code_point(0x2019);
        else if (word == "ldblquote")
            add_code_point(0x201C);
        else if (word == "rdblquote")
            add_code_point(0x201D);
        else if (word == "emspace" || word == "enspace" || word == "qmspace")
            add_text(" ");
    }

    void add_unicode(long parameter) {
        // \uN is a signed 16-bit value; characters above U+FFFF come as a surrogate pair.
        const char32_t unit = static_cast<char32_t>(parameter < 0 ? parameter + 65536 : parameter) & 0xFFFF;
        const long fallback = m_state.unicode_fallback;
        m_fallback_to_skip = 0;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            m_high_surrogate = unit;
        } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
            add_code_point(m_high_surrogate != 0 ? 0x10000 + ((m_high_surrogate - 0xD800) << 10) + (unit - 0xDC00)
                                                 : 0xFFFD);
            m_high_surrogate = 0;
        } else {
            if (m_high_surrogate != 0)
                add_code_point(0xFFFD);
            m_high_surrogate = 0;
            add_code_point(unit);
        }
        m_fallback_to_skip = fallback;
    }

    std::string_view m_data;
    TextSink& m_sink;
    std::size_t m_position = 0;
    GroupState m_state;
    std::vector<GroupState> m_stack;
    std::string m_code_page = "CP1252";
    std::string m_pending_bytes;
    long m_fallback_to_skip = 0;
    char32_t m_high_surrogate = 0;
};

}  // namespace

Result<void> extract_rtf_text(std::string_view data, TextSink& sink) {
    std::string_view start = data.substr(0, 16);
    while (!start.empty() && (start.front() == ' ' || start.front() == '\r' || start.front() == '\n' || start.front() == '\t'))
        start.remove_prefix(1);
    if (!start.starts_with("{\\rtf"))
        return make_error(ErrorCode::InvalidData, "not an RTF document");
    return RtfReader(data, sink).run();
}

}  // namespace cairn::extract
