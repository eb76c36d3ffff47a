// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal to core/mime: gumbo parsing with the guards every gumbo user here needs (html_text.cpp,
// html_sanitizer.cpp). Gumbo 0.10 has no mutable global state, so separate threads may parse at
// the same time. Its weak spots are ours to guard: tree construction scans the stack of open
// elements for every tag (quadratic in nesting depth) and gumbo_destroy_output recurses once per
// level, so nesting is capped before parsing and the tree is freed from our own allocation list
// instead of by gumbo.

#include <cstddef>
#include <string>
#include <string_view>

#include <gumbo.h>

namespace cairn::mime::detail {

bool is_html_space(char character);
/// Elements that end a line of text (p, div, br, li, tr, h1...).
bool is_block_tag(GumboTag tag);
/// Table cells: separated by a blank, not a line, so a table row is one line of text.
bool is_cell_tag(GumboTag tag);
/// Elements with no end tag (br, img, hr, col...).
bool is_void_tag(GumboTag tag);

/// Every block gumbo asks for, linked into a list so one pass frees them all.
class GumboAllocations {
public:
    GumboAllocations() = default;
    GumboAllocations(const GumboAllocations&) = delete;
    GumboAllocations& operator=(const GumboAllocations&) = delete;
    ~GumboAllocations();

    struct alignas(std::max_align_t) Header {
        Header* previous;
        Header* next;
    };
    Header head{&head, &head};
};

/// One parsed document. Not copyable or movable: gumbo holds a pointer to the allocation list.
class GumboDocument {
public:
    /// Parses `html` (taken as UTF-8; the caller cuts its size) after dropping the tags of elements
    /// nested deeper than `max_depth` (their text stays), so parsing costs linear time.
    GumboDocument(std::string_view html, std::size_t max_depth);
    GumboDocument(const GumboDocument&) = delete;
    GumboDocument& operator=(const GumboDocument&) = delete;

    /// The document node, or null when gumbo returned nothing.
    const GumboNode* document() const { return m_output ? m_output->document : nullptr; }

private:
    // Declared first so it outlives the output that points into it. No gumbo_destroy_output: it
    // recurses once per tree level; the list frees every block gumbo still holds.
    GumboAllocations m_allocations;
    std::string m_limited;
    GumboOutput* m_output = nullptr;
};

}  // namespace cairn::mime::detail
