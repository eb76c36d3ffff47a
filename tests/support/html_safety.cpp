// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/html_safety.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include <gumbo.h>

namespace cairn::testing {
namespace {

const std::set<std::string, std::less<>>& allowed_elements() {
    static const std::set<std::string, std::less<>> names{
        "a", "abbr", "address", "b", "big", "blockquote", "br", "caption", "center", "cite", "code", "col",
        "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
        "html", "head", "body", "style", "meta"};
    return names;
}

const std::set<std::string, std::less<>>& allowed_attributes() {
    static const std::set<std::string, std::less<>> names{
        "abbr", "align", "alt", "axis", "bgcolor", "border", "cellpadding", "cellspacing", "char", "charoff",
        "class", "clear", "color", "cols", "colspan", "compact", "datetime", "dir", "face", "frame", "headers",
        "height", "hspace", "lang", "noshade", "nowrap", "rowspan", "rules", "scope", "size", "span", "title",
        "valign", "start", "summary", "type", "vspace", "width", "style", "href", "src", "background", "rel",
        "target"};
    return names;
}

std::string lowered(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char character) { return static_cast<char>(std::tolower(character)); });
    return result;
}

/// Lower case, without C0 controls, space and DEL anywhere (what browsers ignore in a scheme).
std::string squeezed(std::string_view text) {
    std::string result;
    for (const char character : text) {
        const auto byte = static_cast<unsigned char>(character);
        if (byte > 0x20 && byte != 0x7F)
            result.push_back(static_cast<char>(std::tolower(byte)));
    }
    return result;
}

bool has_prefix(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool is_data_image(std::string_view url) {
    return has_prefix(url, "data:image/png;base64,") || has_prefix(url, "data:image/gif;base64,") ||
           has_prefix(url, "data:image/jpeg;base64,") || has_prefix(url, "data:image/webp;base64,");
}

bool is_remote(std::string_view url) {
    return has_prefix(url, "http:") || has_prefix(url, "https:") || has_prefix(url, "//");
}

/// CSS as a browser tokenizes it for our purpose: comments out, escapes decoded (repeatedly, in
/// case one escape spells another), squeezed.
std::string css_words(std::string_view css) {
    std::string text(css);
    for (int round = 0; round < 3; ++round) {
        std::string next;
        for (std::size_t index = 0; index < text.size(); ++index) {
            if (text.compare(index, 2, "/*") == 0) {
                const std::size_t end = text.find("*/", index + 2);
                if (end == std::string::npos)
                    break;
                index = end + 1;
                continue;
            }
            if (text[index] == '\\' && index + 1 < text.size()) {
                std::size_t end = index + 1;
                unsigned value = 0;
                while (end < text.size() && end < index + 7 && std::isxdigit(static_cast<unsigned char>(text[end]))) {
                    value = value * 16 + static_cast<unsigned>(std::stoi(std::string(1, text[end]), nullptr, 16));
                    ++end;
                }
                if (end == index + 1) {
                    next.push_back(text[end]);
                    index = end;
                } else {
                    next.push_back(value < 128 ? static_cast<char>(value) : 'x');
                    index = end - 1;
                }
                continue;
            }
            next.push_back(text[index]);
        }
        text = next;
    }
    return squeezed(text);
}

std::string css_problem(std::string_view css, bool remote_allowed) {
    const std::string words = css_words(css);
    for (const char* forbidden : {"expression(", "@import", "behavior", "-moz-binding", "javascript:", "vbscript:"}) {
        if (words.find(forbidden) != std::string::npos)
            return std::string("CSS holds ") + forbidden + ": " + std::string(css);
    }
    for (std::size_t position = words.find("url("); position != std::string::npos;
         position = words.find("url(", position + 1)) {
        std::string_view argument = std::string_view(words).substr(position + 4);
        while (!argument.empty() && (argument.front() == '"' || argument.front() == '\''))
            argument.remove_prefix(1);
        if (!is_data_image(argument) && !(remote_allowed && is_remote(argument)))
            return "CSS url() of a forbidden kind: " + std::string(css);
    }
    return {};
}

std::string attribute_problem(std::string_view element, const GumboAttribute& attribute, bool remote_allowed) {
    const std::string name = lowered(attribute.name);
    const std::string value = squeezed(attribute.value);
    if (attribute.attr_namespace != GUMBO_ATTR_NAMESPACE_NONE)
        return "namespaced attribute " + name;
    if (name.starts_with("on"))
        return "event handler attribute " + name;
    if (!allowed_attributes().contains(name))
        return "attribute " + name + " on " + std::string(element);
    if (name == "href" && !(element == "a" && (is_remote(value) || has_prefix(value, "mailto:"))))
        return "href " + value;
    if (name == "src" &&
        !(element == "img" && (is_data_image(value) || has_prefix(value, "cid:") || (remote_allowed && is_remote(value)))))
        return "src " + value;
    if (name == "background" && !(is_data_image(value) || (remote_allowed && is_remote(value))))
        return "background " + value;
    if (name == "style")
        return css_problem(attribute.value, remote_allowed);
    return {};
}

std::string element_problem(const GumboNode& node, bool remote_allowed) {
    const GumboElement& element = node.v.element;
    if (node.type == GUMBO_NODE_TEMPLATE || element.tag_namespace != GUMBO_NAMESPACE_HTML)
        return "template or foreign element";
    const std::string name =
        element.tag == GUMBO_TAG_UNKNOWN ? "unknown" : std::string(gumbo_normalized_tagname(element.tag));
    if (!allowed_elements().contains(name))
        return "element " + name;
    if (name == "meta") {
        for (unsigned int index = 0; index < element.attributes.length; ++index) {
            const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[index]);
            const std::string attribute_name = lowered(attribute->name);
            const std::string value = lowered(attribute->value);
            const bool harmless = (attribute_name == "charset" && value == "utf-8") ||
                                  (attribute_name == "http-equiv" && value == "content-security-policy") ||
                                  attribute_name == "content";
            if (!harmless)
                return "meta " + attribute_name + "=" + value;
        }
        return {};
    }
    for (unsigned int index = 0; index < element.attributes.length; ++index) {
        const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[index]);
        std::string problem = attribute_problem(name, *attribute, remote_allowed);
        if (!problem.empty())
            return problem;
    }
    if (name == "style") {
        std::string css;
        for (unsigned int index = 0; index < element.children.length; ++index) {
            const auto* child = static_cast<const GumboNode*>(element.children.data[index]);
            if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE)
                css += child->v.text.text;
        }
        return css_problem(css, remote_allowed);
    }
    return {};
}

}  // namespace

std::string html_safety_problem(std::string_view html, bool remote_allowed) {
    GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
    if (!output)
        return "gumbo could not parse the output";
    std::string problem;
    std::vector<const GumboNode*> pending{output->document};
    while (!pending.empty() && problem.empty()) {
        const GumboNode* node = pending.back();
        pending.pop_back();
        const GumboVector* children = nullptr;
        if (node->type == GUMBO_NODE_DOCUMENT) {
            children = &node->v.document.children;
        } else if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
            problem = element_problem(*node, remote_allowed);
            children = &node->v.element.children;
        }
        for (unsigned int index = 0; children && index < children->length; ++index)
            pending.push_back(static_cast<const GumboNode*>(children->data[index]));
    }
    gumbo_destroy_output(&kGumboDefaultOptions, output);
    return problem;
}

}  // namespace cairn::testing
