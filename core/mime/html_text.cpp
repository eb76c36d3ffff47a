// SPDX-License-Identifier: GPL-3.0-or-later
// HTML to index text with gumbo, parsed through detail::GumboDocument (nesting and memory guards).
#include "core/mime/html_text.h"

#include <algorithm>
#include <vector>

#include "core/mime/charset.h"
#include "core/mime/gumbo_document.h"

namespace cairn::mime {
namespace {

constexpr std::size_t MaxInputBytes = 4u << 20;
// Real mail nests tables some 30-50 deep; past this the extra levels hold no extra text.
constexpr std::size_t MaxNestingDepth = 256;

bool is_skipped(GumboTag tag) {
    return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_HEAD ||
           tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_NOSCRIPT || tag == GUMBO_TAG_TITLE;
}

// --- text output: whitespace collapsed, blocks on their own lines, capped ---

class TextWriter {
public:
    explicit TextWriter(std::size_t max_output) : m_max_output(max_output) {}

    bool full() const { return m_full; }

    void text(std::string_view piece) {
        std::size_t index = 0;
        while (index < piece.size() && !m_full) {
            const unsigned char character = static_cast<unsigned char>(piece[index]);
            if (detail::is_html_space(static_cast<char>(character))) {
                m_pending_space = true;
                ++index;
                continue;
            }
            // U+00A0 (&nbsp;) separates words like a space.
            if (character == 0xC2 && index + 1 < piece.size() && static_cast<unsigned char>(piece[index + 1]) == 0xA0) {
                m_pending_space = true;
                index += 2;
                continue;
            }
            std::size_t run_end = index + 1;
            while (run_end < piece.size() && !detail::is_html_space(piece[run_end]) &&
                   !(static_cast<unsigned char>(piece[run_end]) == 0xC2 && run_end + 1 < piece.size() &&
                     static_cast<unsigned char>(piece[run_end + 1]) == 0xA0))
                ++run_end;
            flush_separator();
            append(piece.substr(index, run_end - index));
            index = run_end;
        }
    }

    void line_break() {
        if (!m_output.empty())
            m_pending_line = true;
    }

    void space() { m_pending_space = true; }

    std::string finish() {
        // Gumbo replaces invalid input with U+FFFD and cuts avoid splitting characters, so this
        // is a guard for the promise in the header, not a path real input takes.
        if (!is_valid_utf8(m_output)) {
            std::string repaired = raw_bytes_to_utf8(m_output);
            std::size_t keep = std::min(repaired.size(), m_max_output);
            while (keep > 0 && keep < repaired.size() && (static_cast<unsigned char>(repaired[keep]) & 0xC0) == 0x80)
                --keep;
            repaired.resize(keep);
            return repaired;
        }
        return std::move(m_output);
    }

private:
    void flush_separator() {
        if (m_output.empty()) {
            m_pending_space = m_pending_line = false;
            return;
        }
        if (m_pending_line)
            append("\n");
        else if (m_pending_space)
            append(" ");
        m_pending_space = m_pending_line = false;
    }

    void append(std::string_view piece) {
        if (m_output.size() + piece.size() > m_max_output) {
            std::size_t keep = m_max_output - m_output.size();
            // Cut before a UTF-8 continuation byte never lands inside a character.
            while (keep > 0 && (static_cast<unsigned char>(piece[keep]) & 0xC0) == 0x80)
                --keep;
            m_output.append(piece.substr(0, keep));
            m_full = true;
            return;
        }
        m_output.append(piece);
    }

    std::size_t m_max_output;
    std::string m_output;
    bool m_pending_space = false;
    bool m_pending_line = false;
    bool m_full = false;
};

void write_text(const GumboNode* root, TextWriter& writer) {
    // (node, index of the next child) pairs: an explicit stack, so depth costs heap, not stack.
    struct Frame {
        const GumboNode* node;
        unsigned int next_child;
    };
    std::vector<Frame> stack;
    stack.push_back({root, 0});
    while (!stack.empty() && !writer.full()) {
        Frame& frame = stack.back();
        const GumboNode* node = frame.node;
        const GumboVector* children = nullptr;
        GumboTag tag = GUMBO_TAG_UNKNOWN;
        if (node->type == GUMBO_NODE_DOCUMENT) {
            children = &node->v.document.children;
        } else if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
            children = &node->v.element.children;
            tag = node->v.element.tag;
        }
        if (!children || frame.next_child >= children->length) {
            if (detail::is_block_tag(tag))
                writer.line_break();
            else if (detail::is_cell_tag(tag))
                writer.space();
            stack.pop_back();
            continue;
        }
        const auto* child = static_cast<const GumboNode*>(children->data[frame.next_child++]);
        switch (child->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_CDATA:
        case GUMBO_NODE_WHITESPACE:
            writer.text(child->v.text.text);
            break;
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
            const GumboTag child_tag = child->v.element.tag;
            if (child->type == GUMBO_NODE_TEMPLATE || is_skipped(child_tag))
                break;
            if (detail::is_block_tag(child_tag))
                writer.line_break();
            else if (detail::is_cell_tag(child_tag))
                writer.space();
            stack.push_back({child, 0});
            break;
        }
        default:
            break;  // comments, the document node cannot be a child
        }
    }
}

}  // namespace

std::string html_to_text(std::string_view html, std::size_t max_output) {
    if (html.size() > MaxInputBytes)
        html = html.substr(0, MaxInputBytes);
    if (html.empty() || max_output == 0)
        return {};
    const detail::GumboDocument parsed(html, MaxNestingDepth);
    TextWriter writer(max_output);
    if (const GumboNode* document = parsed.document())
        write_text(document, writer);
    return writer.finish();
}

}  // namespace cairn::mime
