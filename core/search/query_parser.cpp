// SPDX-License-Identifier: GPL-3.0-or-later
// Recursive descent over the tokens: or := and (OR and)*; and := unary ([AND] unary)*;
// unary := (NOT | '-') unary | primary; primary := '(' or ')' | field value | word | "phrase".
#include <algorithm>
#include <array>

#include "core/search/query_ast.h"
#include "core/search/query_lexer.h"

namespace cairn::search::detail {
namespace {

enum class FieldKind { Text, Has, Folder, Before, After, Date, Larger, Smaller };

struct FieldInfo {
    std::string_view name;
    FieldKind kind;
    std::string_view columns;  ///< FTS5 columns of a Text field, space-separated
};

// to: is the To header only, as the index schema documents; cc: and bcc: are their own fields.
constexpr std::array<FieldInfo, 15> Fields = {{
    {"from", FieldKind::Text, "sender"},
    {"to", FieldKind::Text, "recipients"},
    {"cc", FieldKind::Text, "cc"},
    {"bcc", FieldKind::Text, "bcc"},
    {"subject", FieldKind::Text, "subject"},
    {"body", FieldKind::Text, "body"},
    {"attachment", FieldKind::Text, "attachment"},
    {"filename", FieldKind::Text, "filename"},
    {"has", FieldKind::Has, ""},
    {"folder", FieldKind::Folder, ""},
    {"before", FieldKind::Before, ""},
    {"after", FieldKind::After, ""},
    {"date", FieldKind::Date, ""},
    {"larger", FieldKind::Larger, ""},
    {"smaller", FieldKind::Smaller, ""},
}};

// Names people bring from other search tools, mapped to what they mean here.
struct FieldAlias {
    std::string_view name;
    std::string_view suggestion;
};
constexpr std::array<FieldAlias, 10> Aliases = {{
    {"in", "folder:"},
    {"label", "folder:"},
    {"path", "folder:"},
    {"since", "after:"},
    {"until", "before:"},
    {"older", "before:"},
    {"newer", "after:"},
    {"size", "larger: or smaller:"},
    {"sender", "from:"},
    {"attach", "filename: or has:attachment"},
}};

const FieldInfo* find_field(std::string_view name) {
    for (const FieldInfo& field : Fields) {
        if (field.name == name)
            return &field;
    }
    return nullptr;
}

// Optimal string alignment distance: a swap of two neighbours ("form") counts as one edit.
std::size_t edit_distance(std::string_view left, std::string_view right) {
    std::vector<std::vector<std::size_t>> distance(left.size() + 1, std::vector<std::size_t>(right.size() + 1));
    for (std::size_t i = 0; i <= left.size(); ++i)
        distance[i][0] = i;
    for (std::size_t j = 0; j <= right.size(); ++j)
        distance[0][j] = j;
    for (std::size_t i = 1; i <= left.size(); ++i) {
        for (std::size_t j = 1; j <= right.size(); ++j) {
            const std::size_t cost = left[i - 1] == right[j - 1] ? 0 : 1;
            distance[i][j] = std::min({distance[i - 1][j] + 1, distance[i][j - 1] + 1, distance[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && left[i - 1] == right[j - 2] && left[i - 2] == right[j - 1])
                distance[i][j] = std::min(distance[i][j], distance[i - 2][j - 2] + 1);
        }
    }
    return distance[left.size()][right.size()];
}

std::string suggest_field(std::string_view name) {
    for (const FieldAlias& alias : Aliases) {
        if (alias.name == name)
            return std::string(alias.suggestion);
    }
    // Field names are short: allow one edit for the shortest, two otherwise.
    const std::size_t allowed = name.size() <= 3 ? 1 : 2;
    std::size_t best_distance = allowed + 1;
    std::string best;
    if (name.size() > 24)
        return best;  // no field name is anywhere near that long
    for (const FieldInfo& field : Fields) {
        const std::size_t distance = edit_distance(name, field.name);
        if (distance < best_distance) {
            best_distance = distance;
            best = std::string(field.name) + ":";
        }
    }
    return best;
}

// A term with nothing but punctuation ("@", "-") gives the tokenizer no token, and FTS5 then
// matches no document at all: refuse it with a reason instead of returning nothing.
bool has_searchable_character(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char character) {
        const auto byte = static_cast<unsigned char>(character);
        return byte >= 0x80 || (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
               (byte >= 'A' && byte <= 'Z') || byte == '_';
    });
}

std::string lower_ascii(std::string_view text) {
    std::string lowered(text);
    for (char& character : lowered) {
        if (character >= 'A' && character <= 'Z')
            character = static_cast<char>(character - 'A' + 'a');
    }
    return lowered;
}

std::string at(std::size_t position) { return " at " + std::to_string(position); }

class Parser {
public:
    Parser(std::string_view query, std::vector<Token> tokens, const QueryOptions& options)
        : m_query(query), m_tokens(std::move(tokens)), m_options(options) {}

    std::variant<NodePointer, QuerySyntaxError> run() {
        if (peek().kind == TokenKind::End) {
            auto everything = std::make_unique<Node>();
            everything->kind = NodeKind::MatchAll;
            return everything;
        }
        NodePointer root = parse_or(nullptr);
        if (root && peek().kind != TokenKind::End) {
            // parse_or stops only at the end or at a ')' it has no '(' for.
            fail(peek().position, "')'" + at(peek().position) + " has no matching '('");
            root.reset();
        }
        if (!root)
            return std::move(*m_error);
        return root;
    }

private:
    const Token& peek() const { return m_tokens[m_index]; }
    const Token& take() { return m_tokens[m_index++]; }

    NodePointer fail(std::size_t position, std::string message) {
        if (!m_error)
            m_error = QuerySyntaxError{position, std::move(message)};
        return nullptr;
    }

    static bool starts_term(const Token& token) {
        switch (token.kind) {
            case TokenKind::Word:
            case TokenKind::Phrase:
            case TokenKind::Field:
            case TokenKind::LeftParenthesis:
            case TokenKind::Not:
            case TokenKind::Minus:
                return true;
            default:
                return false;
        }
    }

    // What is wrong when `operator_token` is not followed by a term: the position is that of
    // what stands where the term should be ("OR OR" points at the second OR).
    NodePointer fail_missing_operand(const Token& operator_token) {
        const Token& next = peek();
        const std::string what = operator_token.kind == TokenKind::Minus ? "what to exclude" : "a term";
        const std::string written = describe_token(operator_token, m_query);
        if (next.kind == TokenKind::End) {
            return fail(operator_token.position, written + at(operator_token.position) + " must be followed by " + what +
                                                     ", but the query ends there");
        }
        return fail(next.position, "expected " + what + " after " + written + at(operator_token.position) + ", found " +
                                       describe_token(next, m_query) + at(next.position));
    }

    static NodePointer combine(NodeKind kind, std::vector<NodePointer> children) {
        if (children.size() == 1)
            return std::move(children.front());
        auto node = std::make_unique<Node>();
        node->kind = kind;
        node->position = children.front()->position;
        // (a b) c is a b c: flat lists let the compiler put more of a query into one MATCH.
        for (NodePointer& child : children) {
            if (child->kind == kind) {
                for (NodePointer& grandchild : child->children)
                    node->children.push_back(std::move(grandchild));
            } else {
                node->children.push_back(std::move(child));
            }
        }
        return node;
    }

    NodePointer parse_or(const FieldInfo* field) {
        std::vector<NodePointer> children;
        NodePointer first = parse_and(field);
        if (!first)
            return nullptr;
        children.push_back(std::move(first));
        while (peek().kind == TokenKind::Or) {
            const Token& operator_token = take();
            if (!starts_term(peek()))
                return fail_missing_operand(operator_token);
            NodePointer next = parse_and(field);
            if (!next)
                return nullptr;
            children.push_back(std::move(next));
        }
        return combine(NodeKind::Or, std::move(children));
    }

    NodePointer parse_and(const FieldInfo* field) {
        std::vector<NodePointer> children;
        NodePointer first = parse_unary(field);
        if (!first)
            return nullptr;
        children.push_back(std::move(first));
        while (true) {
            if (peek().kind == TokenKind::And) {
                const Token& operator_token = take();
                if (!starts_term(peek()))
                    return fail_missing_operand(operator_token);
            } else if (!starts_term(peek())) {
                break;
            }
            NodePointer next = parse_unary(field);
            if (!next)
                return nullptr;
            children.push_back(std::move(next));
        }
        return combine(NodeKind::And, std::move(children));
    }

    NodePointer parse_unary(const FieldInfo* field) {
        if (peek().kind != TokenKind::Not && peek().kind != TokenKind::Minus)
            return parse_primary(field);
        const Token& operator_token = take();
        if (!starts_term(peek()))
            return fail_missing_operand(operator_token);
        if (++m_depth > MaxNestingDepth)
            return fail_too_deep(operator_token.position);
        NodePointer operand = parse_unary(field);
        --m_depth;
        if (!operand)
            return nullptr;
        // NOT NOT x is x: one level less of nesting in the SQL, whose parser has little room.
        if (operand->kind == NodeKind::Not)
            return std::move(operand->children.front());
        auto node = std::make_unique<Node>();
        node->kind = NodeKind::Not;
        node->position = operator_token.position;
        node->children.push_back(std::move(operand));
        return node;
    }

    NodePointer fail_too_deep(std::size_t position) {
        return fail(position, "the query is nested too deeply" + at(position) + ": at most " +
                                  std::to_string(MaxNestingDepth) + " levels of parentheses and NOT");
    }

    NodePointer parse_group(const FieldInfo* field) {
        const Token& opening = take();
        if (++m_depth > MaxNestingDepth)
            return fail_too_deep(opening.position);
        if (peek().kind == TokenKind::RightParenthesis)
            return fail(opening.position, "empty parentheses" + at(opening.position));
        NodePointer inner = parse_or(field);
        if (!inner)
            return nullptr;
        if (peek().kind != TokenKind::RightParenthesis)
            return fail(opening.position, "missing closing parenthesis for the one" + at(opening.position));
        take();
        --m_depth;
        return inner;
    }

    NodePointer parse_primary(const FieldInfo* field) {
        const Token& token = peek();
        switch (token.kind) {
            case TokenKind::LeftParenthesis:
                return parse_group(field);
            case TokenKind::Field:
                return parse_field(field);
            case TokenKind::Word:
            case TokenKind::Phrase:
                return make_term(take(), field);
            case TokenKind::And:
            case TokenKind::Or:
                return fail(token.position, describe_token(token, m_query) + at(token.position) +
                                                " has no term before it");
            case TokenKind::RightParenthesis:
                if (m_depth == 0)
                    return fail(token.position, "')'" + at(token.position) + " has no matching '('");
                return fail(token.position, "a term is missing before ')'" + at(token.position));
            default:
                return fail(token.position, "a term is missing" + at(token.position));
        }
    }

    NodePointer parse_field(const FieldInfo* enclosing) {
        const Token& name_token = take();
        const std::string written(m_query.substr(name_token.position, name_token.length));
        const FieldInfo* field = find_field(name_token.text);
        if (!field) {
            std::string message = "unknown field '" + written + "'" + at(name_token.position);
            const std::string suggestion = suggest_field(name_token.text);
            if (!suggestion.empty())
                message += "; did you mean " + suggestion + "?";
            else
                message += "; put it in quotes to search for it as text";
            return fail(name_token.position, std::move(message));
        }
        if (enclosing) {
            return fail(name_token.position, "'" + written + "'" + at(name_token.position) + " cannot be used inside " +
                                                 std::string(enclosing->name) + ":(...)");
        }
        const Token& value = peek();
        const bool has_value = value.field_value &&
                               (value.kind == TokenKind::Word || value.kind == TokenKind::Phrase ||
                                value.kind == TokenKind::LeftParenthesis);
        if (!has_value) {
            return fail(name_token.position, "'" + written + "'" + at(name_token.position) +
                                                 " has no value; write it directly after the colon, as in " +
                                                 example_for(*field));
        }
        if (value.kind == TokenKind::LeftParenthesis)
            return parse_group(field);
        return make_term(take(), field);
    }

    static std::string example_for(const FieldInfo& field) {
        switch (field.kind) {
            case FieldKind::Text: return std::string(field.name) + ":word or " + std::string(field.name) + ":\"some words\"";
            case FieldKind::Has: return "has:attachment";
            case FieldKind::Folder: return "folder:INBOX or folder:\"Sent Items\"";
            case FieldKind::Before:
            case FieldKind::After: return std::string(field.name) + ":2019-03-01";
            case FieldKind::Date: return "date:2019-03 or date:2019..2020";
            case FieldKind::Larger:
            case FieldKind::Smaller: return std::string(field.name) + ":10K";
        }
        return {};
    }

    NodePointer make_term(const Token& token, const FieldInfo* field) {
        const std::string written(m_query.substr(token.position, token.length));
        // Where the value's characters start: inside the quotes of a phrase.
        const std::size_t text_position = token.position + (token.kind == TokenKind::Phrase ? 1 : 0);
        auto node = std::make_unique<Node>();
        node->position = token.position;
        if (!field || field->kind == FieldKind::Text) {
            if (token.text.empty() && token.prefix && token.kind == TokenKind::Word)
                return fail(token.position, "'*'" + at(token.position) + " needs the beginning of a word before it");
            if (token.text.empty())
                return fail(token.position, "empty quotes" + at(token.position));
            if (!has_searchable_character(token.text)) {
                return fail(token.position, "nothing to search for in '" + written + "'" + at(token.position) +
                                                ": it has no letters or digits");
            }
            node->kind = NodeKind::Text;
            node->text = token.text;
            node->prefix = token.prefix;
            node->columns = field ? field->columns : std::string_view{};
            return node;
        }
        if (token.prefix) {
            return fail(token.position, "'*' cannot be used with " + std::string(field->name) + ":" + at(token.position));
        }
        switch (field->kind) {
            case FieldKind::Has: {
                const std::string lowered = lower_ascii(token.text);
                if (lowered != "attachment" && lowered != "attachments") {
                    return fail(token.position, "unknown value '" + written + "'" + at(token.position) +
                                                    " for has:; has:attachment is the only one");
                }
                node->kind = NodeKind::HasAttachment;
                return node;
            }
            case FieldKind::Folder: {
                std::string_view name = token.text;
                while (!name.empty() && name.front() == '/')
                    name.remove_prefix(1);
                while (!name.empty() && name.back() == '/')
                    name.remove_suffix(1);
                if (name.empty())
                    return fail(token.position, "the folder name '" + written + "'" + at(token.position) + " is empty");
                node->kind = NodeKind::Folder;
                node->text = std::string(name);
                return node;
            }
            case FieldKind::Before:
            case FieldKind::After:
            case FieldKind::Date:
                return make_date(std::move(node), token.text, text_position, *field);
            case FieldKind::Larger:
            case FieldKind::Smaller: {
                const std::optional<std::int64_t> bytes = parse_size(token.text);
                if (!bytes) {
                    return fail(text_position, "bad size '" + token.text + "'" + at(text_position) +
                                                   "; use bytes, or a number with K, M or G (10K, 2M, 1G)");
                }
                node->kind = NodeKind::Size;
                node->bytes = *bytes;
                node->size_comparison = field->kind == FieldKind::Larger ? SizeComparison::Larger : SizeComparison::Smaller;
                return node;
            }
            case FieldKind::Text:
                break;
        }
        return nullptr;
    }

    // One side of a date value: the period, or a syntax error pointing into the value.
    std::optional<DatePeriod> read_period(std::string_view text, std::size_t position) {
        std::string problem;
        std::optional<DatePeriod> period = parse_date_period(text, m_options.utc_offset_minutes, &problem);
        if (!period) {
            std::string message = "bad date '" + std::string(text) + "'" + at(position);
            message += problem.empty() ? "; use YYYY-MM-DD, YYYY-MM or YYYY, or a range such as 2019..2020"
                                       : ": " + problem;
            fail(position, std::move(message));
        }
        return period;
    }

    NodePointer make_date(NodePointer node, std::string_view text, std::size_t position, const FieldInfo& field) {
        node->kind = NodeKind::Date;
        const std::size_t dots = text.find("..");
        if (dots == std::string_view::npos) {
            const std::optional<DatePeriod> period = read_period(text, position);
            if (!period)
                return nullptr;
            if (field.kind != FieldKind::After)
                node->date_until = field.kind == FieldKind::Before ? period->start : period->end;
            if (field.kind != FieldKind::Before)
                node->date_from = period->start;
            return node;
        }
        if (field.kind != FieldKind::Date) {
            return fail(position, std::string(field.name) + ":" + std::string(text) + at(position) +
                                      " takes one date; write a range with date:, as in date:2019..2020");
        }
        const std::string_view first = text.substr(0, dots);
        const std::string_view last = text.substr(dots + 2);
        if (first.empty() && last.empty())
            return fail(position, "the date range '..'" + at(position) + " needs a date on at least one side");
        if (!first.empty()) {
            const std::optional<DatePeriod> period = read_period(first, position);
            if (!period)
                return nullptr;
            node->date_from = period->start;
        }
        if (!last.empty()) {
            const std::optional<DatePeriod> period = read_period(last, position + dots + 2);
            if (!period)
                return nullptr;
            node->date_until = period->end;
        }
        if (node->date_from && node->date_until && *node->date_from >= *node->date_until) {
            return fail(position, "the date range '" + std::string(text) + "'" + at(position) +
                                      " ends before it begins");
        }
        return node;
    }

    std::string_view m_query;
    std::vector<Token> m_tokens;
    QueryOptions m_options;
    std::size_t m_index = 0;
    int m_depth = 0;
    std::optional<QuerySyntaxError> m_error;
};

}  // namespace

std::variant<NodePointer, QuerySyntaxError> parse_query(std::string_view query, const QueryOptions& options) {
    auto tokens = tokenize_query(query);
    if (auto* error = std::get_if<QuerySyntaxError>(&tokens))
        return std::move(*error);
    Parser parser(query, std::move(std::get<std::vector<Token>>(tokens)), options);
    return parser.run();
}

}  // namespace cairn::search::detail
