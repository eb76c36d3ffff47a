// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/pst/rtf_html.h"

#include <array>
#include <cstdint>
#include <vector>

#include "core/base/text.h"
#include "core/sources/pst/mime_text.h"

namespace cairn::sources::pst {
namespace {

/// Nesting past this is not real Outlook output; stop rather than grow without bound.
constexpr std::size_t MaximumDepth = 1000;

struct GroupState {
    bool skipped = false;      ///< a destination whose text is not part of the HTML
    bool suppressed = false;   ///< inside \htmlrtf ... \htmlrtf0
    bool in_html_tag = false;  ///< inside {\*\htmltagN ...}
    int unicode_skip = 1;      ///< \ucN: fallback characters after each \uN
};

class Deencapsulator {
public:
    explicit Deencapsulator(std::string_view rtf) : m_rtf(rtf) {}

    std::optional<std::string> run() {
        if (!m_rtf.starts_with("{\\rtf"))
            return std::nullopt;
        // \fromhtml1 sits in the header, before any text.
        if (m_rtf.substr(0, 1024).find("\\fromhtml1") == std::string_view::npos)
            return std::nullopt;
        std::vector<GroupState> groups{GroupState{}};
        bool destination_pending = false;  // just after "{\*"
        bool group_start = false;
        int pending_skip = 0;
        while (m_position < m_rtf.size()) {
            const char character = m_rtf[m_position];
            if (character == '{') {
                ++m_position;
                if (groups.size() >= MaximumDepth)
                    return std::nullopt;
                GroupState state = groups.back();
                groups.push_back(state);
                group_start = true;
                destination_pending = false;
                continue;
            }
            if (character == '}') {
                ++m_position;
                if (groups.size() > 1)
                    groups.pop_back();
                group_start = false;
                continue;
            }
            GroupState& state = groups.back();
            if (character == '\\') {
                ++m_position;
                if (m_position >= m_rtf.size())
                    break;
                const char next = m_rtf[m_position];
                if (next == '*') {
                    ++m_position;
                    destination_pending = true;
                    continue;
                }
                if (next == '\'') {
                    ++m_position;
                    if (m_position + 2 > m_rtf.size())
                        break;
                    const int high = hex_digit_value(m_rtf[m_position]);
                    const int low = hex_digit_value(m_rtf[m_position + 1]);
                    m_position += 2;
                    if (pending_skip > 0) {
                        --pending_skip;
                    } else if (high >= 0 && low >= 0 && visible(state)) {
                        m_pending_bytes += static_cast<char>(high * 16 + low);
                    }
                    group_start = false;
                    continue;
                }
                if (!is_letter(next)) {
                    ++m_position;
                    if (pending_skip > 0) {
                        --pending_skip;
                    } else if (visible(state)) {
                        if (next == '\\' || next == '{' || next == '}')
                            emit_text(std::string_view(&next, 1));
                        else if (next == '~')
                            emit_text("\xC2\xA0");
                        else if (next == '\r' || next == '\n')
                            emit_text("\r\n");
                    }
                    group_start = false;
                    continue;
                }
                const std::size_t word_start = m_position;
                while (m_position < m_rtf.size() && is_letter(m_rtf[m_position]))
                    ++m_position;
                const std::string_view word = m_rtf.substr(word_start, m_position - word_start);
                std::optional<long> parameter;
                const std::size_t number_start = m_position;
                if (m_position < m_rtf.size() && m_rtf[m_position] == '-')
                    ++m_position;
                while (m_position < m_rtf.size() && m_rtf[m_position] >= '0' && m_rtf[m_position] <= '9' &&
                       m_position - number_start < 10)
                    ++m_position;
                if (m_position > number_start && m_rtf[m_position - 1] != '-')
                    parameter = std::stol(std::string(m_rtf.substr(number_start, m_position - number_start)));
                if (m_position < m_rtf.size() && m_rtf[m_position] == ' ')
                    ++m_position;
                const bool was_group_start = group_start;
                group_start = false;
                if (pending_skip > 0) {
                    --pending_skip;
                    continue;
                }
                control_word(word, parameter, state, was_group_start, destination_pending, pending_skip);
                destination_pending = false;
                continue;
            }
            ++m_position;
            group_start = false;
            if (character == '\r' || character == '\n')
                continue;  // line breaks in RTF source are not text
            if (pending_skip > 0) {
                --pending_skip;
                continue;
            }
            if (visible(state))
                m_pending_bytes += character;
        }
        flush_bytes();
        return std::move(m_html);
    }

private:
    static bool is_letter(char character) {
        return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
    }
    static bool visible(const GroupState& state) { return !state.skipped && (state.in_html_tag || !state.suppressed); }

    void control_word(std::string_view word, std::optional<long> parameter, GroupState& state, bool at_group_start,
                      bool destination, int& pending_skip) {
        if (word == "ansicpg" && parameter && *parameter > 0) {
            flush_bytes();
            m_codepage = static_cast<std::uint32_t>(*parameter);
            return;
        }
        if (word == "htmltag" && at_group_start) {
            state.in_html_tag = true;
            state.skipped = false;
            return;
        }
        if (word == "htmlrtf") {
            state.suppressed = !parameter || *parameter != 0;
            return;
        }
        if (word == "uc" && parameter) {
            state.unicode_skip = static_cast<int>(std::max(0L, std::min(*parameter, 16L)));
            return;
        }
        if (at_group_start && (destination || word == "fonttbl" || word == "colortbl" || word == "stylesheet" ||
                               word == "info" || word == "pict" || word == "header" || word == "footer" ||
                               word == "listtable" || word == "listoverridetable")) {
            // "mhtmltag" holds a rewritten copy of the htmltag before it: keep only one.
            state.skipped = true;
            return;
        }
        if (!visible(state))
            return;
        if (word == "u" && parameter) {
            flush_bytes();
            long value = *parameter < 0 ? *parameter + 65536 : *parameter;
            append_utf8(m_html, static_cast<std::uint32_t>(value));
            pending_skip = state.unicode_skip;
        } else if (std::optional<std::string_view> text = symbol_text(word)) {
            emit_text(*text);
        }
    }

    /// The text of control words that stand for a character.
    static std::optional<std::string_view> symbol_text(std::string_view word) {
        struct Symbol {
            std::string_view word;
            std::string_view text;
        };
        constexpr std::array<Symbol, 10> Symbols{{
            {"par", "\r\n"},
            {"line", "\r\n"},
            {"tab", "\t"},
            {"lquote", "\xE2\x80\x98"},
            {"rquote", "\xE2\x80\x99"},
            {"ldblquote", "\xE2\x80\x9C"},
            {"rdblquote", "\xE2\x80\x9D"},
            {"emdash", "\xE2\x80\x94"},
            {"endash", "\xE2\x80\x93"},
            {"bullet", "\xE2\x80\xA2"},
        }};
        for (const Symbol& symbol : Symbols) {
            if (symbol.word == word)
                return symbol.text;
        }
        return std::nullopt;
    }

    void emit_text(std::string_view utf8) {
        flush_bytes();
        m_html += utf8;
    }
    void flush_bytes() {
        if (m_pending_bytes.empty())
            return;
        m_html += codepage_to_utf8(m_pending_bytes, m_codepage);
        m_pending_bytes.clear();
    }

    std::string_view m_rtf;
    std::size_t m_position = 0;
    std::uint32_t m_codepage = 1252;
    std::string m_pending_bytes;  ///< text bytes in m_codepage not yet converted
    std::string m_html;
};

}  // namespace

std::optional<std::string> html_from_encapsulating_rtf(std::string_view rtf) { return Deencapsulator(rtf).run(); }

}  // namespace cairn::sources::pst
