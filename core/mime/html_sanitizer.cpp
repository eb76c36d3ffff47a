// SPDX-License-Identifier: GPL-3.0-or-later
// The whitelist sanitiser. Nothing of the input is copied through as markup: gumbo builds the tree
// a browser would build, and our serializer writes a new document from it, naming only elements
// and attributes from the lists below, escaping every text and attribute value. So markup the
// browser would read differently from us (mis-nesting, namespace changes, unclosed tags) can at
// worst rearrange whitelisted elements, never bring in another one.
//
// CSS is the part that is hard to whitelist, so it is cleaned rather than parsed: comments are
// removed and backslash escapes decoded (the forms used to hide "expression" or "url"), and a
// declaration, rule or selector that then contains anything that loads or runs is dropped. What
// is written is the cleaned text itself, so the browser sees exactly what was checked.
#include "core/mime/html_sanitizer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/text.h"
#include "core/mime/charset.h"
#include "core/mime/gumbo_document.h"
#include "core/mime/header_block.h"

namespace cairn::mime {
namespace {

using cairn::append_utf8;
using cairn::hex_digit_value;

// --- the lists ---

enum class ElementAction { Keep, Unwrap, Drop };

ElementAction element_action(GumboTag tag) {
    switch (tag) {
    case GUMBO_TAG_A: case GUMBO_TAG_ABBR: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_B: case GUMBO_TAG_BIG:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_BR: case GUMBO_TAG_CAPTION: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_CITE: case GUMBO_TAG_CODE: case GUMBO_TAG_COL: case GUMBO_TAG_COLGROUP: case GUMBO_TAG_DD:
    case GUMBO_TAG_DEL: case GUMBO_TAG_DFN: case GUMBO_TAG_DIV: case GUMBO_TAG_DL: case GUMBO_TAG_DT:
    case GUMBO_TAG_EM: case GUMBO_TAG_FONT: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HR: case GUMBO_TAG_I:
    case GUMBO_TAG_IMG: case GUMBO_TAG_INS: case GUMBO_TAG_KBD: case GUMBO_TAG_LI: case GUMBO_TAG_OL:
    case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_Q: case GUMBO_TAG_S: case GUMBO_TAG_SAMP:
    case GUMBO_TAG_SMALL: case GUMBO_TAG_SPAN: case GUMBO_TAG_STRIKE: case GUMBO_TAG_STRONG: case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP: case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_TD: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH: case GUMBO_TAG_THEAD: case GUMBO_TAG_TR: case GUMBO_TAG_TT: case GUMBO_TAG_U:
    case GUMBO_TAG_UL: case GUMBO_TAG_VAR:
        return ElementAction::Keep;
    // Script, active content, frames, forms and metadata: their content is code, markup for another
    // parser or values nobody reads, never text of the message. Style content is collected apart.
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_IFRAME: case GUMBO_TAG_FRAME:
    case GUMBO_TAG_FRAMESET: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED:
    case GUMBO_TAG_APPLET: case GUMBO_TAG_PARAM: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_SELECT: case GUMBO_TAG_OPTION: case GUMBO_TAG_OPTGROUP:
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_KEYGEN: case GUMBO_TAG_DATALIST: case GUMBO_TAG_OUTPUT:
    case GUMBO_TAG_META: case GUMBO_TAG_LINK: case GUMBO_TAG_BASE: case GUMBO_TAG_TITLE:
    case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO: case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK:
    case GUMBO_TAG_CANVAS: case GUMBO_TAG_MAP: case GUMBO_TAG_AREA: case GUMBO_TAG_BGSOUND:
    case GUMBO_TAG_ISINDEX: case GUMBO_TAG_MENUITEM:
        return ElementAction::Drop;
    default:
        return ElementAction::Unwrap;
    }
}

bool is_plain_attribute(std::string_view name) {
    static constexpr std::array<std::string_view, 33> names{
        "abbr", "align", "alt", "axis", "bgcolor", "border", "cellpadding", "cellspacing", "char",
        "charoff", "class", "clear", "color", "cols", "colspan", "compact", "datetime", "dir", "face",
        "frame", "headers", "height", "hspace", "lang", "noshade", "nowrap", "rowspan", "rules", "scope",
        "size", "span", "title", "valign"};
    static constexpr std::array<std::string_view, 5> more{"start", "summary", "type", "vspace", "width"};
    return std::find(names.begin(), names.end(), name) != names.end() ||
           std::find(more.begin(), more.end(), name) != more.end();
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && detail::equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

// --- URLs ---

/// An attribute URL as a browser reads it: tabs, line breaks and other controls removed
/// anywhere, blanks trimmed at the ends.
std::string clean_url(std::string_view value) {
    std::string result;
    for (const char character : value) {
        const auto byte = static_cast<unsigned char>(character);
        if (byte < 0x20 || byte == 0x7F)
            continue;
        result.push_back(character);
    }
    return std::string(detail::trim(result));
}

bool is_data_image(std::string_view url) {
    for (const std::string_view prefix : {"data:image/png;base64,", "data:image/gif;base64,",
                                          "data:image/jpeg;base64,", "data:image/webp;base64,"}) {
        if (starts_with_ignoring_case(url, prefix))
            return true;
    }
    return false;
}

bool is_remote(std::string_view url) {
    return starts_with_ignoring_case(url, "http:") || starts_with_ignoring_case(url, "https:") || url.starts_with("//");
}

/// A URL scheme with its colon ("cairn-part:"), as RFC 3986 spells them, and none of the ones
/// that run code or would widen the policy: nothing else may go into the Content-Security-Policy.
bool is_scheme(std::string_view scheme) {
    if (scheme.size() < 2 || scheme.back() != ':' || !std::isalpha(static_cast<unsigned char>(scheme.front())))
        return false;
    for (const char character : scheme.substr(0, scheme.size() - 1)) {
        const auto byte = static_cast<unsigned char>(character);
        if (!std::isalnum(byte) && character != '+' && character != '-' && character != '.')
            return false;
    }
    for (const std::string_view forbidden : {"javascript:", "vbscript:", "data:", "blob:", "filesystem:", "http:", "https:"}) {
        if (detail::equals_ignoring_case(scheme, forbidden))
            return false;
    }
    return true;
}

bool is_allowed_link(std::string_view url) {
    return starts_with_ignoring_case(url, "http:") || starts_with_ignoring_case(url, "https:") ||
           starts_with_ignoring_case(url, "mailto:");
}

std::string percent_decode(std::string_view text) {
    std::string result;
    for (std::size_t index = 0; index < text.size(); ++index) {
        if (text[index] == '%' && index + 2 < text.size() && hex_digit_value(text[index + 1]) >= 0 &&
            hex_digit_value(text[index + 2]) >= 0) {
            result.push_back(static_cast<char>(hex_digit_value(text[index + 1]) * 16 + hex_digit_value(text[index + 2])));
            index += 2;
        } else {
            result.push_back(text[index]);
        }
    }
    return result;
}

// --- CSS ---

/// CSS with comments removed and backslash escapes decoded, or nullopt when the result would
/// still be read differently by a browser (a decoded backslash or a comment opener left over)
/// or holds '<', which could end the <style> element it goes into.
std::optional<std::string> clean_css(std::string_view css) {
    std::string result;
    std::size_t index = 0;
    while (index < css.size()) {
        const char character = css[index];
        if (character == '/' && index + 1 < css.size() && css[index + 1] == '*') {
            const std::size_t end = css.find("*/", index + 2);
            index = end == std::string_view::npos ? css.size() : end + 2;
            continue;
        }
        if (character == '\\') {
            ++index;
            if (index >= css.size())
                break;
            char32_t code_point = 0;
            std::size_t digits = 0;
            while (digits < 6 && index < css.size() && hex_digit_value(css[index]) >= 0) {
                code_point = code_point * 16 + static_cast<char32_t>(hex_digit_value(css[index]));
                ++index;
                ++digits;
            }
            if (digits > 0) {
                if (index < css.size() && detail::is_html_space(css[index]))
                    ++index;  // one blank ends a hex escape and is part of it
                append_utf8(result, code_point == 0 ? char32_t{0xFFFD} : code_point);
            } else if (css[index] != '\n') {
                result.push_back(css[index++]);
            } else {
                ++index;  // an escaped line break continues a string
            }
            continue;
        }
        result.push_back(character);
        ++index;
    }
    if (result.find('\\') != std::string::npos || result.find("/*") != std::string::npos ||
        result.find('<') != std::string::npos)
        return std::nullopt;
    return result;
}

/// Lower case, blanks and controls removed: the form the dangerous words are looked for in, so
/// "Expression (" or "java\tscript:" cannot slip by.
std::string css_search_form(std::string_view css) {
    std::string result;
    for (const char character : css) {
        if (static_cast<unsigned char>(character) <= 0x20 || character == 0x7F)
            continue;
        result.push_back(detail::to_lower_ascii(character));
    }
    return result;
}

class CssFilter {
public:
    CssFilter(const SanitizeOptions& options, std::size_t& blocked) : m_options(options), m_blocked(blocked) {}

    /// Whether a cleaned piece of CSS (declaration, selector or at-rule prelude) loads or runs
    /// nothing; counts the remote resources it would have loaded.
    bool is_safe(std::string_view css) {
        const std::string search = css_search_form(css);
        for (const std::string_view word : {"expression(", "javascript:", "vbscript:", "behavior", "behaviour",
                                            "-moz-binding", "@import", "image-set(", "image(", "-o-link",
                                            "livescript:", "mocha:"}) {
            if (search.find(word) != std::string::npos)
                return false;
        }
        bool safe = true;
        for (std::size_t position = search.find("url("); position != std::string::npos;
             position = search.find("url(", position + 4)) {
            std::string_view argument = std::string_view(search).substr(position + 4);
            while (!argument.empty() && (argument.front() == '"' || argument.front() == '\''))
                argument.remove_prefix(1);
            if (is_data_image(argument))
                continue;
            if (is_remote(argument) && m_options.allow_remote_images)
                continue;
            if (is_remote(argument))
                ++m_blocked;
            safe = false;
        }
        return safe;
    }

    /// A style attribute or a rule's block: the safe declarations, joined by "; ".
    std::string declarations(std::string_view css) {
        std::string result;
        for (const std::string_view declaration : split_top_level(css, ';')) {
            const std::string_view trimmed = detail::trim(declaration);
            if (trimmed.empty() || trimmed.find_first_of("{}@") != std::string_view::npos || !is_safe(trimmed))
                continue;
            if (!result.empty())
                result += "; ";
            result += trimmed;
        }
        return result;
    }

    /// A style sheet: rules with safe selectors and their safe declarations, @media and
    /// @supports with their rules filtered the same way; every other at-rule (@import,
    /// @font-face, @namespace...) is dropped.
    std::string style_sheet(std::string_view css, int depth = 0) {
        std::string result;
        std::size_t position = 0;
        while (position < css.size()) {
            while (position < css.size() && detail::is_html_space(css[position]))
                ++position;
            if (position >= css.size())
                break;
            const std::size_t open = find_top_level(css, position, '{');
            const std::size_t semicolon = find_top_level(css, position, ';');
            if (css[position] == '@' && semicolon < open) {
                position = semicolon + 1;  // @import, @charset, @namespace: statements, all dropped
                continue;
            }
            if (open == std::string_view::npos)
                break;
            const std::size_t close = find_top_level(css, open, '}');
            const std::string_view prelude = detail::trim(css.substr(position, open - position));
            const std::string_view body =
                css.substr(open + 1, (close == std::string_view::npos ? css.size() : close) - open - 1);
            position = close == std::string_view::npos ? css.size() : close + 1;
            if (prelude.empty() || !is_safe(prelude))
                continue;
            if (prelude.front() == '@') {
                const std::string search = css_search_form(prelude);
                if ((search.starts_with("@media") || search.starts_with("@supports")) && depth < 8) {
                    const std::string inner = style_sheet(body, depth + 1);
                    if (!inner.empty())
                        result += std::string(prelude) + "{" + inner + "}\n";
                }
                continue;
            }
            if (prelude.find_first_of("{}") != std::string_view::npos)
                continue;
            const std::string kept = declarations(body);
            if (!kept.empty())
                result += std::string(prelude) + "{" + kept + "}\n";
        }
        return result;
    }

private:
    // The first `wanted` outside strings, parentheses and blocks: a data: URL holds ';', a string
    // may hold '{'. For '}' from a block's '{', the brace that closes that block.
    static std::size_t find_top_level(std::string_view css, std::size_t from, char wanted) {
        int parentheses = 0;
        int braces = 0;
        char quote = 0;
        for (std::size_t index = from; index < css.size(); ++index) {
            const char character = css[index];
            if (quote) {
                if (character == quote || character == '\n')
                    quote = 0;
            } else if (character == '"' || character == '\'') {
                quote = character;
            } else if (character == '(') {
                ++parentheses;
            } else if (character == ')' && parentheses > 0) {
                --parentheses;
            } else if (character == wanted && parentheses == 0 && braces == (wanted == '}' ? 1 : 0)) {
                return index;
            } else if (character == '{') {
                ++braces;
            } else if (character == '}' && braces > 0) {
                --braces;
            }
        }
        return std::string_view::npos;
    }

    static std::vector<std::string_view> split_top_level(std::string_view css, char separator) {
        std::vector<std::string_view> pieces;
        std::size_t position = 0;
        while (position <= css.size()) {
            const std::size_t end = find_top_level(css, position, separator);
            pieces.push_back(css.substr(position, (end == std::string_view::npos ? css.size() : end) - position));
            if (end == std::string_view::npos)
                break;
            position = end + 1;
        }
        return pieces;
    }

    const SanitizeOptions& m_options;
    std::size_t& m_blocked;
};

// --- output ---

void append_escaped(std::string& output, std::string_view text) {
    for (const char character : text) {
        switch (character) {
        case '&': output += "&amp;"; break;
        case '<': output += "&lt;"; break;
        case '>': output += "&gt;"; break;
        case '"': output += "&quot;"; break;
        case '\'': output += "&#39;"; break;
        case '\0': output += "\xEF\xBF\xBD"; break;
        default: output.push_back(character); break;
        }
    }
}

std::string_view attribute_value(const GumboElement& element, std::string_view name) {
    for (unsigned int index = 0; index < element.attributes.length; ++index) {
        const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[index]);
        if (attribute->attr_namespace == GUMBO_ATTR_NAMESPACE_NONE && name == attribute->name)
            return attribute->value;
    }
    return {};
}

std::string text_content(const GumboNode& node) {
    std::string result;
    if (node.type != GUMBO_NODE_ELEMENT)
        return result;
    for (unsigned int index = 0; index < node.v.element.children.length; ++index) {
        const auto* child = static_cast<const GumboNode*>(node.v.element.children.data[index]);
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE || child->type == GUMBO_NODE_CDATA)
            result += child->v.text.text;
    }
    return result;
}

class Serializer {
public:
    explicit Serializer(const SanitizeOptions& options) : m_options(options), m_css(options, m_blocked) {}

    SanitizedHtml run(const GumboNode* document) {
        std::string body_attributes;
        if (document)
            walk(document, body_attributes);
        SanitizedHtml result;
        std::string& html = result.html;
        html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" "
               "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:";
        for (const std::string& scheme : m_options.image_schemes) {
            if (is_scheme(scheme))
                html += " " + scheme;
        }
        if (m_options.allow_remote_images)
            html += " https: http:";
        html += "; base-uri 'none'; form-action 'none'\">";
        if (!m_styles.empty())
            html += "<style>\n" + m_styles + "</style>";
        html += "</head><body" + body_attributes + ">";
        html += m_body;
        html += "</body></html>";
        // Gumbo hands out valid UTF-8 (invalid input becomes U+FFFD); this guards the promise.
        if (!is_valid_utf8(html))
            html = replace_invalid_utf8(html);
        result.blocked_remote_resources = m_blocked;
        return result;
    }

private:
    struct Frame {
        const GumboNode* node;
        unsigned int next_child;
        bool written;  // whether its end tag is to be written
    };

    void walk(const GumboNode* document, std::string& body_attributes) {
        std::vector<Frame> stack;
        stack.push_back({document, 0, false});
        std::size_t written_depth = 0;
        while (!stack.empty()) {
            Frame& frame = stack.back();
            const GumboVector& children = frame.node->type == GUMBO_NODE_DOCUMENT ? frame.node->v.document.children
                                                                                  : frame.node->v.element.children;
            if (frame.next_child >= children.length) {
                if (frame.written) {
                    m_body += "</";
                    m_body += gumbo_normalized_tagname(frame.node->v.element.tag);
                    m_body += '>';
                    --written_depth;
                }
                stack.pop_back();
                continue;
            }
            const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
            if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) {
                append_escaped(m_body, child->v.text.text);
                continue;
            }
            if (child->type != GUMBO_NODE_ELEMENT)
                continue;  // comments, CDATA (foreign content only), template contents
            const GumboElement& element = child->v.element;
            if (element.tag_namespace != GUMBO_NAMESPACE_HTML)
                continue;  // svg and math content: another parser's rules, the mXSS playground
            if (element.tag == GUMBO_TAG_STYLE) {
                style_element(*child);
                continue;
            }
            if (element.tag == GUMBO_TAG_HTML || element.tag == GUMBO_TAG_HEAD || element.tag == GUMBO_TAG_BODY) {
                if (element.tag == GUMBO_TAG_BODY)
                    body_attributes = attributes(element);
                stack.push_back({child, 0, false});
                continue;
            }
            const ElementAction action = element_action(element.tag);
            if (action == ElementAction::Drop)
                continue;
            if (action == ElementAction::Unwrap || written_depth >= m_options.max_depth) {
                stack.push_back({child, 0, false});
                continue;
            }
            if (!start_tag(element))
                continue;
            if (detail::is_void_tag(element.tag))
                continue;
            ++written_depth;
            stack.push_back({child, 0, true});
        }
    }

    void style_element(const GumboNode& node) {
        // Mail wraps style sheets in <!-- -->, a leftover for browsers of the 1990s; CSS skips
        // those two tokens, and without them no '<' has any business in a style sheet.
        std::string css = text_content(node);
        for (const std::string_view token : {"<!--", "-->"}) {
            for (std::size_t position = css.find(token); position != std::string::npos; position = css.find(token, position))
                css.replace(position, token.size(), " ");
        }
        const std::optional<std::string> cleaned = clean_css(css);
        if (cleaned)
            m_styles += m_css.style_sheet(*cleaned);
    }

    /// Writes the start tag; false when the element is left out altogether (an image with no
    /// source one may show).
    bool start_tag(const GumboElement& element) {
        std::string written = "<";
        written += gumbo_normalized_tagname(element.tag);
        if (element.tag == GUMBO_TAG_IMG) {
            const std::string source = image_source(attribute_value(element, "src"));
            if (source.empty())
                return false;
            append_attribute(written, "src", source);
        }
        written += attributes(element);
        if (element.tag == GUMBO_TAG_A) {
            const std::string target = clean_url(attribute_value(element, "href"));
            if (is_allowed_link(target)) {
                append_attribute(written, "href", target);
                written += " rel=\"noopener noreferrer\" target=\"_blank\"";
            }
        }
        written += '>';
        m_body += written;
        return true;
    }

    /// The attributes every kept element may have; href and src are the callers'.
    std::string attributes(const GumboElement& element) {
        std::string written;
        for (unsigned int index = 0; index < element.attributes.length; ++index) {
            const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[index]);
            if (attribute->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE)
                continue;
            const std::string_view name = attribute->name;
            if (name == "style") {
                const std::optional<std::string> cleaned = clean_css(attribute->value);
                const std::string kept = cleaned ? m_css.declarations(*cleaned) : std::string();
                if (!kept.empty())
                    append_attribute(written, "style", kept);
            } else if (name == "background") {
                const std::string url = clean_url(attribute->value);
                if (is_data_image(url))
                    append_attribute(written, "background", url);
                else if (is_remote(url) && m_options.allow_remote_images)
                    append_attribute(written, "background", url);
                else if (is_remote(url))
                    ++m_blocked;
            } else if (is_plain_attribute(name)) {
                append_attribute(written, name, attribute->value);
            }
        }
        return written;
    }

    std::string image_source(std::string_view value) {
        const std::string url = clean_url(value);
        if (is_data_image(url))
            return url;
        if (starts_with_ignoring_case(url, "cid:")) {
            if (!m_options.resolve_content_id)
                return {};
            const std::string resolved = clean_url(m_options.resolve_content_id(percent_decode(std::string_view(url).substr(4))));
            // Only what the policy lets the document load: the resolver answers for the viewer,
            // but a mistake there must not become a javascript: source.
            const bool own_scheme = std::any_of(m_options.image_schemes.begin(), m_options.image_schemes.end(),
                                                [&](const std::string& scheme) {
                                                    return is_scheme(scheme) && starts_with_ignoring_case(resolved, scheme);
                                                });
            if (is_data_image(resolved) || starts_with_ignoring_case(resolved, "cid:") || own_scheme)
                return resolved;
            return {};
        }
        if (is_remote(url)) {
            if (m_options.allow_remote_images)
                return url;
            ++m_blocked;
        }
        return {};
    }

    static void append_attribute(std::string& output, std::string_view name, std::string_view value) {
        output += ' ';
        output += name;
        output += "=\"";
        append_escaped(output, value);
        output += '"';
    }

    const SanitizeOptions& m_options;
    std::size_t m_blocked = 0;
    CssFilter m_css;
    std::string m_body;
    std::string m_styles;
};

}  // namespace

SanitizedHtml sanitize_html(std::string_view html, const SanitizeOptions& options) {
    if (html.size() > options.max_input_bytes) {
        std::size_t keep = options.max_input_bytes;
        while (keep > 0 && (static_cast<unsigned char>(html[keep]) & 0xC0) == 0x80)
            --keep;
        html = html.substr(0, keep);
    }
    // Gumbo reads its input as UTF-8; invalid sequences are replaced so the output stays valid.
    const std::string input = is_valid_utf8(html) ? std::string(html) : replace_invalid_utf8(html);
    const detail::GumboDocument parsed(input, options.max_depth);
    return Serializer(options).run(parsed.document());
}

}  // namespace cairn::mime
