// SPDX-License-Identifier: GPL-3.0-or-later
// See gumbo_document.h for why parsing goes through here.
#include "core/mime/gumbo_document.h"

#include <array>
#include <cstdlib>
#include <new>
#include <vector>

namespace cairn::mime::detail {

bool is_html_space(char character) {
    return character == ' ' || character == '\t' || character == '\n' || character == '\r' || character == '\f';
}

bool is_void_tag(GumboTag tag) {
    switch (tag) {
    case GUMBO_TAG_AREA: case GUMBO_TAG_BASE: case GUMBO_TAG_BR: case GUMBO_TAG_COL:
    case GUMBO_TAG_EMBED: case GUMBO_TAG_HR: case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_LINK: case GUMBO_TAG_META: case GUMBO_TAG_PARAM: case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK: case GUMBO_TAG_WBR: case GUMBO_TAG_KEYGEN: case GUMBO_TAG_BASEFONT:
    case GUMBO_TAG_BGSOUND: case GUMBO_TAG_FRAME: case GUMBO_TAG_MENUITEM:
        return true;
    default:
        return false;
    }
}

bool is_block_tag(GumboTag tag) {
    switch (tag) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY: case GUMBO_TAG_CAPTION: case GUMBO_TAG_CENTER: case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR: case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_H1:
    case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP: case GUMBO_TAG_HR: case GUMBO_TAG_HTML:
    case GUMBO_TAG_LI: case GUMBO_TAG_LISTING: case GUMBO_TAG_MAIN: case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV: case GUMBO_TAG_OL: case GUMBO_TAG_OPTION: case GUMBO_TAG_P:
    case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT: case GUMBO_TAG_THEAD: case GUMBO_TAG_TR:
    case GUMBO_TAG_UL: case GUMBO_TAG_BR: case GUMBO_TAG_FRAMESET: case GUMBO_TAG_LEGEND:
        return true;
    default:
        return false;
    }
}

// Cells are separated by a blank, not a line: a row of a table is one line of text.
bool is_cell_tag(GumboTag tag) {
    return tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH;
}

namespace {

// --- allocation: every block gumbo asks for is linked into a list so one pass frees them all ---

void* allocate(void* user_data, std::size_t size) {
    auto* list = static_cast<GumboAllocations*>(user_data);
    auto* block = static_cast<GumboAllocations::Header*>(std::malloc(sizeof(GumboAllocations::Header) + size));
    if (!block)
        throw std::bad_alloc();  // gumbo does not check; failing fast is the project's rule
    block->previous = &list->head;
    block->next = list->head.next;
    list->head.next->previous = block;
    list->head.next = block;
    return block + 1;
}

void deallocate(void* /*user_data*/, void* pointer) {
    if (!pointer)
        return;
    auto* block = static_cast<GumboAllocations::Header*>(pointer) - 1;
    block->previous->next = block->next;
    block->next->previous = block->previous;
    std::free(block);
}

// --- the nesting cap: a light tokenizer that follows the open elements roughly as gumbo will ---

char lower(char character) {
    return (character >= 'A' && character <= 'Z') ? static_cast<char>(character - 'A' + 'a') : character;
}

bool is_ascii_letter(char character) {
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

// Elements whose content the tokenizer reads as raw text up to the matching end tag.
bool is_raw_text(GumboTag tag) {
    switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TITLE:
    case GUMBO_TAG_XMP: case GUMBO_TAG_IFRAME: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_NOSCRIPT:
        return true;
    default:
        return false;
    }
}


std::size_t find_ignoring_case(std::string_view text, std::string_view needle, std::size_t from) {
    if (needle.empty())
        return from;
    for (std::size_t position = text.find('<', from); position != std::string_view::npos;
         position = text.find('<', position + 1)) {
        if (text.size() - position < needle.size())
            return std::string_view::npos;
        bool equal = true;
        for (std::size_t index = 0; index < needle.size(); ++index) {
            if (lower(text[position + index]) != needle[index]) {
                equal = false;
                break;
            }
        }
        if (equal)
            return position;
    }
    return std::string_view::npos;
}

class NestingLimiter {
public:
    NestingLimiter(std::string_view html, std::size_t max_depth) : m_html(html), m_max_depth(max_depth) {
        m_output.reserve(html.size());
    }

    std::string run() {
        std::size_t position = 0;
        while (position < m_html.size()) {
            const std::size_t open = m_html.find('<', position);
            if (open == std::string_view::npos) {
                m_output.append(m_html.substr(position));
                break;
            }
            m_output.append(m_html.substr(position, open - position));
            position = markup(open);
        }
        return std::move(m_output);
    }

private:
    // Handles the markup at `open` (a '<') and returns where text resumes.
    std::size_t markup(std::size_t open) {
        const std::string_view rest = m_html.substr(open);
        if (rest.starts_with("<!--")) {
            const std::size_t end = m_html.find("-->", open + 4);
            return copy_to(end == std::string_view::npos ? m_html.size() : end + 3, open);
        }
        if (rest.size() >= 2 && (rest[1] == '!' || rest[1] == '?')) {
            const std::size_t end = m_html.find('>', open);
            return copy_to(end == std::string_view::npos ? m_html.size() : end + 1, open);
        }
        const bool end_tag = rest.size() >= 2 && rest[1] == '/';
        const std::size_t name_begin = open + (end_tag ? 2 : 1);
        if (name_begin >= m_html.size() || !is_ascii_letter(m_html[name_begin])) {
            m_output.push_back('<');
            return open + 1;
        }
        std::size_t name_end = name_begin;
        while (name_end < m_html.size() && !is_html_space(m_html[name_end]) && m_html[name_end] != '/' &&
               m_html[name_end] != '>')
            ++name_end;
        const GumboTag tag = gumbo_tagn_enum(m_html.data() + name_begin, static_cast<unsigned>(name_end - name_begin));
        const std::size_t tag_end = find_tag_end(name_end);
        if (tag_end == std::string_view::npos)
            return copy_to(m_html.size(), open);  // an unfinished tag at the end: gumbo drops it
        if (end_tag) {
            close(tag);
            return copy_to(tag_end + 1, open);
        }
        const bool self_closing = m_html[tag_end - 1] == '/';
        if (is_raw_text(tag)) {
            std::string needle = "</";
            for (std::size_t index = name_begin; index < name_end; ++index)
                needle.push_back(lower(m_html[index]));
            const std::size_t close_tag = find_ignoring_case(m_html, needle, tag_end + 1);
            return copy_to(close_tag == std::string_view::npos ? m_html.size() : close_tag, open);
        }
        if (tag == GUMBO_TAG_PLAINTEXT)
            return copy_to(m_html.size(), open);
        if (is_void_tag(tag) || self_closing)
            return copy_to(tag_end + 1, open);
        close_implied_by(tag);
        if (m_stack.size() >= m_max_depth) {
            // Dropped, but a block still ends its line so words on either side stay apart.
            if (is_block_tag(tag) || is_cell_tag(tag))
                m_output.append(is_block_tag(tag) ? "<br>" : " ");
            return tag_end + 1;
        }
        m_stack.push_back(tag);
        ++m_open_count[tag];
        return copy_to(tag_end + 1, open);
    }

    std::size_t copy_to(std::size_t end, std::size_t begin) {
        m_output.append(m_html.substr(begin, end - begin));
        return end;
    }

    // The '>' ending a tag whose name ends at `from`, skipping quoted attribute values.
    std::size_t find_tag_end(std::size_t from) const {
        std::size_t position = from;
        while (position < m_html.size()) {
            const char character = m_html[position];
            if (character == '>')
                return position;
            if (character == '=') {
                std::size_t value = position + 1;
                while (value < m_html.size() && is_html_space(m_html[value]))
                    ++value;
                if (value < m_html.size() && (m_html[value] == '"' || m_html[value] == '\'')) {
                    const std::size_t quote_end = m_html.find(m_html[value], value + 1);
                    if (quote_end == std::string_view::npos)
                        return std::string_view::npos;
                    position = quote_end + 1;
                    continue;
                }
                position = value;
                continue;
            }
            ++position;
        }
        return std::string_view::npos;
    }

    void pop() {
        --m_open_count[m_stack.back()];
        m_stack.pop_back();
    }

    // An end tag closes everything up to the open element of its name; one with nothing open of
    // that name is ignored, as gumbo ignores it. Each element is pushed and popped once, so this
    // stays linear.
    void close(GumboTag tag) {
        if (m_open_count[tag] == 0)
            return;
        while (!m_stack.empty()) {
            const GumboTag top = m_stack.back();
            pop();
            if (top == tag)
                break;
        }
    }

    // The commonest end tags HTML leaves out, so a long list of <li> or <p> is not mistaken for
    // deep nesting.
    void close_implied_by(GumboTag tag) {
        if (m_stack.empty())
            return;
        const GumboTag top = m_stack.back();
        const bool closes = (top == GUMBO_TAG_P && is_block_tag(tag)) ||
                            (top == GUMBO_TAG_LI && tag == GUMBO_TAG_LI) ||
                            ((top == GUMBO_TAG_DT || top == GUMBO_TAG_DD) &&
                             (tag == GUMBO_TAG_DT || tag == GUMBO_TAG_DD)) ||
                            (top == GUMBO_TAG_OPTION && tag == GUMBO_TAG_OPTION) ||
                            (is_cell_tag(top) && (is_cell_tag(tag) || tag == GUMBO_TAG_TR)) ||
                            (top == GUMBO_TAG_TR && tag == GUMBO_TAG_TR);
        if (closes)
            pop();
        if (tag == GUMBO_TAG_TR && !m_stack.empty() && m_stack.back() == GUMBO_TAG_TR)
            pop();
    }

    std::string_view m_html;
    std::size_t m_max_depth;
    std::string m_output;
    std::vector<GumboTag> m_stack;
    std::array<std::size_t, GUMBO_TAG_LAST + 1> m_open_count{};
};

}  // namespace

GumboAllocations::~GumboAllocations() {
    Header* block = head.next;
    while (block != &head) {
        Header* next = block->next;
        std::free(block);
        block = next;
    }
}

GumboDocument::GumboDocument(std::string_view html, std::size_t max_depth)
    : m_limited(NestingLimiter(html, max_depth).run()) {
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = &allocate;
    options.deallocator = &deallocate;
    options.userdata = &m_allocations;
    // Errors are not used; recording them costs memory on garbage input.
    options.max_errors = 0;
    m_output = gumbo_parse_with_options(&options, m_limited.data(), m_limited.size());
}

}  // namespace cairn::mime::detail
