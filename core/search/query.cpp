// SPDX-License-Identifier: GPL-3.0-or-later
// The compiler: parsed query -> one SQL condition, with full-text parts as FTS5 MATCH strings.
#include "core/search/query.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "core/search/query_ast.h"

namespace cairn::search {
namespace {

using detail::Node;
using detail::NodeKind;

// FTS5's expression parser has a small fixed stack: about 33 nested, right-leaning levels of
// parentheses with operators overflow it ("fts5: parser stack overflow"). A MATCH string is
// kept to this many levels; deeper parts of a query become separate MATCH subqueries instead.
constexpr int MaxMatchDepth = 16;

// Documents are keyed by date, not by message id (document_key.h): a MATCH inside a condition
// is translated back to message ids. SQLite evaluates this uncorrelated IN once per statement.
constexpr std::string_view MatchCondition =
    "m.id IN (SELECT message_id FROM document_texts WHERE key IN (SELECT rowid FROM documents WHERE documents MATCH ?))";

/// An FTS5 expression and how deeply its parentheses nest.
struct MatchExpression {
    std::string text;
    int depth = 0;
    bool compound = false;  ///< needs parentheses when it is an operand
};

/// A piece of SQL and the values of its `?`, in order.
struct SqlPart {
    std::string text;
    std::vector<SqlValue> parameters;
    bool parenthesized = false;  ///< `text` is one parenthesised group: NOT needs no more
    bool compound = false;       ///< an AND or OR of parts (perhaps negated), not one condition
};

// Every term goes inside FTS5 double quotes with its own quotes doubled: whatever the user
// typed (*, :, ^, NEAR, AND, parentheses) is then text for the tokenizer, never FTS5 syntax.
std::string quoted(std::string_view text) {
    std::string quoted = "\"";
    for (const char character : text) {
        if (character == '"')
            quoted += '"';
        quoted += character;
    }
    quoted += '"';
    return quoted;
}

// A prefix as the terms it stands for, ORed. FTS5 reads an OR lazily, newest first, where it
// expands a prefix over the whole index before the first row: a page of init* (175 terms, 30%
// of a million messages) 115 -> 12 ms. FTS5 flattens nested ORs into one, and an OR compares
// all of its operands at every row it yields, so the terms go in groups of about the square
// root of their number, each closed by `NOT ""`: an empty phrase, which matches nothing, and
// a NOT, which is never flattened. The count of init* took 163 ms flat and 75 ms grouped.
// (Relevance and snippets then see each term as its own phrase, as if the words were typed
// out: a rare completion weighs more in bm25 than a common one, where FTS5's prefix is one.)
MatchExpression expanded_prefix(std::string_view columns, const std::vector<std::string>& terms) {
    MatchExpression expression;
    expression.compound = terms.size() > 1;
    if (terms.size() == 1) {
        expression.text = quoted(terms.front());
    } else {
        std::size_t group_size = 1;
        while (group_size * group_size < terms.size())
            ++group_size;
        constexpr std::size_t FlatTerms = 8;
        if (terms.size() <= FlatTerms)
            group_size = terms.size();
        for (std::size_t begin = 0; begin < terms.size(); begin += group_size) {
            std::string group;
            for (std::size_t index = begin; index < std::min(terms.size(), begin + group_size); ++index)
                group += (index > begin ? " OR " : "") + quoted(terms[index]);
            if (group_size < terms.size())
                group = "((" + group + ") NOT \"\")";
            expression.text += (begin > 0 ? " OR " : "") + group;
        }
        expression.depth = group_size < terms.size() ? 2 : 0;
    }
    if (!columns.empty()) {
        expression.text = "{" + std::string(columns) + "} : (" + expression.text + ")";
        ++expression.depth;
    }
    return expression;
}

MatchExpression text_expression(const Node& node, const QueryOptions& options) {
    if (node.prefix) {
        if (const auto expansion = options.prefix_expansions.find(node.text);
            expansion != options.prefix_expansions.end() && !expansion->second.empty())
            return expanded_prefix(node.columns, expansion->second);
    }
    std::string text;
    if (!node.columns.empty()) {
        text += '{';
        text += node.columns;
        text += "} : ";
    }
    text += quoted(node.text);
    if (node.prefix)
        text += " *";
    return {std::move(text), 0, false};
}

std::string operand(const MatchExpression& expression) {
    return expression.compound ? "(" + expression.text + ")" : expression.text;
}

int operand_depth(const MatchExpression& expression) { return expression.depth + (expression.compound ? 1 : 0); }

MatchExpression join_expressions(const std::vector<const MatchExpression*>& operands, std::string_view separator) {
    if (operands.size() == 1)
        return *operands.front();
    MatchExpression joined;
    joined.compound = true;
    for (const MatchExpression* expression : operands) {
        if (!joined.text.empty())
            joined.text += separator;
        joined.text += operand(*expression);
        joined.depth = std::max(joined.depth, operand_depth(*expression));
    }
    return joined;
}

// FTS5 has only a binary NOT: positives AND-ed, then NOT (the negatives OR-ed).
MatchExpression and_not_expression(const std::vector<const MatchExpression*>& positives,
                                   const std::vector<const MatchExpression*>& negatives) {
    MatchExpression result = join_expressions(positives, " AND ");
    if (negatives.empty())
        return result;
    const MatchExpression excluded = join_expressions(negatives, " OR ");
    MatchExpression combined;
    combined.compound = true;
    combined.text = operand(result) + " NOT " + operand(excluded);
    combined.depth = std::max(operand_depth(result), operand_depth(excluded));
    return combined;
}

class Compiler {
public:
    explicit Compiler(const QueryOptions& options) : m_options(options) {}

    CompiledQuery compile(const Node& root) {
        annotate(root);
        CompiledQuery compiled;
        SqlPart condition = compile_node(root);
        compiled.condition = std::move(condition.text);
        compiled.parameters = std::move(condition.parameters);
        compiled.uses_folder = compiled.condition.find("f.path") != std::string::npos;
        if (const std::optional<MatchExpression> relevance = relevance_of(root)) {
            compiled.relevance_match = relevance->text;
            set_driving_match(root, *relevance, compiled);
        }
        const MatchExpression* whole = expression_of(root);
        compiled.condition_is_relevance_match = whole != nullptr && whole->text == compiled.relevance_match;
        compiled.condition_has_match = compiled.condition.find(MatchCondition) != std::string::npos;
        compiled.residual_has_match = compiled.residual_condition.find(MatchCondition) != std::string::npos;
        compiled.has_prefix_terms = has_unexpanded_prefix(root);
        compiled.expanded_prefix_terms = expanded_terms(root);
        return compiled;
    }

private:
    // See CompiledQuery::driving_match. A pure full-text query is its own MATCH; a top-level
    // AND's MATCH is its full-text operands with its negated ones cut out, and the residual its
    // other operands; otherwise the relevance drives and the whole condition stays (correct, as
    // every hit satisfies the relevance, only slower).
    void set_driving_match(const Node& root, const MatchExpression& relevance, CompiledQuery& compiled) {
        compiled.driving_match = relevance.text;
        compiled.residual_condition = compiled.condition;
        compiled.residual_parameters = compiled.parameters;
        compiled.residual_uses_folder = compiled.uses_folder;
        if (const MatchExpression* whole = expression_of(root)) {
            compiled.driving_match = whole->text;
            compiled.residual_condition = "1";
            compiled.residual_parameters.clear();
            compiled.residual_uses_folder = false;
            return;
        }
        if (root.kind != NodeKind::And)
            return;
        // The full-text operands themselves, not their relevance: that leaves out their own
        // negations. With none, the relevance (implied by the other operands) narrows the MATCH.
        std::vector<const MatchExpression*> positives;
        std::vector<const MatchExpression*> negatives;
        std::vector<SqlPart> others;
        std::vector<const Node*> dates;
        for (const auto& child : root.children) {
            if (const MatchExpression* expression = expression_of(*child))
                positives.push_back(expression);
            else if (const MatchExpression* negated = negated_expression_of(*child))
                negatives.push_back(negated);
            else if (child->kind == NodeKind::Date)
                dates.push_back(child.get());
            else
                others.push_back(compile_node(*child));
        }
        if (positives.empty())
            positives.push_back(&relevance);
        const MatchExpression driving = and_not_expression(positives, negatives);
        if (driving.depth > MaxMatchDepth)
            return;
        compiled.driving_match = driving.text;
        for (const Node* date : dates) {
            compiled.driving_dated = true;
            if (date->date_from)
                compiled.driving_date_from = std::max(compiled.driving_date_from.value_or(*date->date_from), *date->date_from);
            if (date->date_until)
                compiled.driving_date_until =
                    std::min(compiled.driving_date_until.value_or(*date->date_until), *date->date_until);
        }
        if (others.empty()) {
            compiled.residual_condition = "1";
            compiled.residual_parameters.clear();
        } else {
            SqlPart residual = join_parts(std::move(others), " AND ");
            compiled.residual_condition = std::move(residual.text);
            compiled.residual_parameters = std::move(residual.parameters);
        }
        compiled.residual_uses_folder = compiled.residual_condition.find("f.path") != std::string::npos;
    }

    const std::vector<std::string>* expansion_of(const Node& node) const {
        if (node.kind != NodeKind::Text || !node.prefix)
            return nullptr;
        const auto expansion = m_options.prefix_expansions.find(node.text);
        return expansion == m_options.prefix_expansions.end() || expansion->second.empty() ? nullptr
                                                                                            : &expansion->second;
    }

    bool has_unexpanded_prefix(const Node& node) const {
        if (node.kind == NodeKind::Text && node.prefix && !expansion_of(node))
            return true;
        return std::any_of(node.children.begin(), node.children.end(),
                           [&](const auto& child) { return has_unexpanded_prefix(*child); });
    }

    std::size_t expanded_terms(const Node& node) const {
        const std::vector<std::string>* expansion = expansion_of(node);
        std::size_t terms = expansion ? expansion->size() : 0;
        for (const auto& child : node.children)
            terms += expanded_terms(*child);
        return terms;
    }

    // The whole node as one FTS5 expression, when it is pure full text with a positive part.
    const MatchExpression* expression_of(const Node& node) const {
        const auto found = m_expressions.find(&node);
        return found == m_expressions.end() ? nullptr : &found->second;
    }

    // The FTS5 expression of X for a node NOT X, when X has one.
    const MatchExpression* negated_expression_of(const Node& node) const {
        return node.kind == NodeKind::Not ? expression_of(*node.children.front()) : nullptr;
    }

    void remember(const Node& node, MatchExpression expression) {
        if (expression.depth <= MaxMatchDepth)
            m_expressions.emplace(&node, std::move(expression));
    }

    // Bottom-up, once: which subtrees are pure full text, and their FTS5 expressions.
    void annotate(const Node& node) {
        for (const auto& child : node.children)
            annotate(*child);
        switch (node.kind) {
            case NodeKind::Text:
                remember(node, text_expression(node, m_options));
                break;
            case NodeKind::Or: {
                std::vector<const MatchExpression*> operands;
                for (const auto& child : node.children) {
                    const MatchExpression* expression = expression_of(*child);
                    if (!expression)
                        return;
                    operands.push_back(expression);
                }
                remember(node, join_expressions(operands, " OR "));
                break;
            }
            case NodeKind::And: {
                std::vector<const MatchExpression*> positives;
                std::vector<const MatchExpression*> negatives;
                for (const auto& child : node.children) {
                    if (const MatchExpression* expression = expression_of(*child))
                        positives.push_back(expression);
                    else if (const MatchExpression* negated = negated_expression_of(*child))
                        negatives.push_back(negated);
                    else
                        return;
                }
                if (!positives.empty())
                    remember(node, and_not_expression(positives, negatives));
                break;
            }
            default:
                break;
        }
    }

    static SqlPart match_part(const MatchExpression& expression) {
        return {std::string(MatchCondition), {expression.text}, false, false};
    }

    // Parts joined in one flat chain, in parentheses. SQLite's parser has a fixed stack that
    // deeply nested parentheses overflow (about 25 levels), and its expression trees a depth
    // limit (1000) that a flat chain reaches at a thousand operands. So: chains are cut into
    // chains of chains beyond ChainLength operands (possible at no more than a few nodes of a
    // query within the length limit), and within a chain the nested operands come last,
    // where a left-leaning chain puts them nearest its root.
    static SqlPart join_parts(std::vector<SqlPart> parts, std::string_view separator) {
        constexpr std::size_t ChainLength = 256;
        std::stable_partition(parts.begin(), parts.end(), [](const SqlPart& part) { return !part.compound; });
        while (parts.size() > ChainLength) {
            std::vector<SqlPart> chains;
            for (std::size_t begin = 0; begin < parts.size(); begin += ChainLength) {
                const std::size_t end = std::min(parts.size(), begin + ChainLength);
                chains.push_back(join_chain(parts, begin, end, separator));
            }
            parts = std::move(chains);
        }
        return join_chain(parts, 0, parts.size(), separator);
    }

    static SqlPart join_chain(std::vector<SqlPart>& parts, std::size_t begin, std::size_t end, std::string_view separator) {
        if (end - begin == 1)
            return std::move(parts[begin]);
        SqlPart joined;
        joined.text = "(";
        for (std::size_t index = begin; index < end; ++index) {
            if (index > begin)
                joined.text += separator;
            joined.text += parts[index].text;
            for (SqlValue& value : parts[index].parameters)
                joined.parameters.push_back(std::move(value));
        }
        joined.text += ")";
        joined.parenthesized = true;
        joined.compound = true;
        return joined;
    }

    static SqlPart negate(SqlPart part) {
        part.text = part.parenthesized ? "NOT " + part.text : "NOT (" + part.text + ")";
        part.parenthesized = false;
        return part;
    }

    SqlPart compile_node(const Node& node) {
        if (const MatchExpression* expression = expression_of(node))
            return match_part(*expression);
        switch (node.kind) {
            case NodeKind::MatchAll:
                return {"1", {}};
            case NodeKind::Text:
                // Only reachable when annotate() refused it, which it never does for one term.
                return match_part(text_expression(node, m_options));
            case NodeKind::HasAttachment:
                return {"m.attachment_count > 0", {}};
            case NodeKind::Folder:
                return folder_part(node);
            case NodeKind::Date:
                return date_part(node);
            case NodeKind::Size:
                return {node.size_comparison == detail::SizeComparison::Larger ? "m.size > ?" : "m.size < ?",
                        {node.bytes},
                        false,
                        false};
            case NodeKind::Not:
                return negate(compile_node(*node.children.front()));
            case NodeKind::And:
                return compile_and(node);
            case NodeKind::Or:
                return compile_or(node);
        }
        return {"0", {}};
    }

    // The full-text children of an AND become one MATCH (negated ones inside it as FTS5 NOT, or
    // when there is no positive one, as one NOT IN); the rest are SQL conditions beside it.
    SqlPart compile_and(const Node& node) {
        std::vector<const MatchExpression*> positives;
        std::vector<const MatchExpression*> negatives;
        std::vector<const Node*> others;
        for (const auto& child : node.children) {
            if (const MatchExpression* expression = expression_of(*child))
                positives.push_back(expression);
            else if (const MatchExpression* negated = negated_expression_of(*child))
                negatives.push_back(negated);
            else
                others.push_back(child.get());
        }
        std::vector<SqlPart> parts;
        if (!positives.empty() || !negatives.empty()) {
            const MatchExpression combined = positives.empty() ? join_expressions(negatives, " OR ")
                                                               : and_not_expression(positives, negatives);
            if (combined.depth <= MaxMatchDepth) {
                parts.push_back(positives.empty() ? negate(match_part(combined)) : match_part(combined));
            } else {
                for (const MatchExpression* expression : positives)
                    parts.push_back(match_part(*expression));
                for (const MatchExpression* expression : negatives)
                    parts.push_back(negate(match_part(*expression)));
            }
        }
        for (const Node* other : others)
            parts.push_back(compile_node(*other));
        return join_parts(std::move(parts), " AND ");
    }

    SqlPart compile_or(const Node& node) {
        std::vector<const MatchExpression*> full_text;
        std::vector<const Node*> others;
        for (const auto& child : node.children) {
            if (const MatchExpression* expression = expression_of(*child))
                full_text.push_back(expression);
            else
                others.push_back(child.get());
        }
        std::vector<SqlPart> parts;
        if (!full_text.empty()) {
            const MatchExpression combined = join_expressions(full_text, " OR ");
            if (combined.depth <= MaxMatchDepth) {
                parts.push_back(match_part(combined));
            } else {
                for (const MatchExpression* expression : full_text)
                    parts.push_back(match_part(*expression));
            }
        }
        for (const Node* other : others)
            parts.push_back(compile_node(*other));
        return join_parts(std::move(parts), " OR ");
    }

    static SqlPart folder_part(const Node& node) {
        // LIKE's own wildcards in a folder name are escaped, so "100%_done" is only itself.
        std::string pattern;
        for (const char character : node.text) {
            if (character == '%' || character == '_' || character == '\\')
                pattern += '\\';
            pattern += character;
        }
        pattern += "/%";
        return {"(f.path = ? COLLATE NOCASE OR f.path LIKE ? ESCAPE '\\')", {node.text, std::move(pattern)}, true, false};
    }

    // "m.date IS NOT NULL" keeps the condition true or false, never NULL, for a message without
    // a date: so that NOT date:2019 includes it rather than dropping it as well.
    static SqlPart date_part(const Node& node) {
        SqlPart part;
        part.text = "(m.date IS NOT NULL";
        if (node.date_from) {
            part.text += " AND m.date >= ?";
            part.parameters.emplace_back(*node.date_from);
        }
        if (node.date_until) {
            part.text += " AND m.date < ?";
            part.parameters.emplace_back(*node.date_until);
        }
        part.text += ")";
        part.parenthesized = true;
        return part;
    }

    // A full-text expression that every hit satisfies, as narrow as the query allows: terms
    // under NOT and catalog conditions are left out, AND keeps what its operands have, and OR
    // only when each of its operands has one (a hit may have come through the one that hasn't).
    std::optional<MatchExpression> relevance_of(const Node& node) const {
        switch (node.kind) {
            case NodeKind::Text:
                return text_expression(node, m_options);
            case NodeKind::And: {
                std::vector<MatchExpression> operands;
                for (const auto& child : node.children) {
                    if (std::optional<MatchExpression> relevance = relevance_of(*child))
                        operands.push_back(std::move(*relevance));
                }
                return join_relevance(operands, " AND ");
            }
            case NodeKind::Or: {
                std::vector<MatchExpression> operands;
                for (const auto& child : node.children) {
                    std::optional<MatchExpression> relevance = relevance_of(*child);
                    if (!relevance)
                        return std::nullopt;
                    operands.push_back(std::move(*relevance));
                }
                return join_relevance(operands, " OR ");
            }
            default:
                return std::nullopt;
        }
    }

    static std::optional<MatchExpression> join_relevance(std::vector<MatchExpression>& operands, std::string_view separator) {
        if (operands.empty())
            return std::nullopt;
        std::vector<const MatchExpression*> pointers;
        for (const MatchExpression& expression : operands)
            pointers.push_back(&expression);
        MatchExpression joined = join_expressions(pointers, separator);
        // Too deep for FTS5: an AND can drop operands (what is left is still implied), an OR not.
        if (joined.depth > MaxMatchDepth) {
            if (separator != " AND ")
                return std::nullopt;
            pointers.erase(std::remove_if(pointers.begin(), pointers.end(),
                                          [](const MatchExpression* expression) {
                                              return operand_depth(*expression) > MaxMatchDepth;
                                          }),
                           pointers.end());
            if (pointers.empty())
                return std::nullopt;
            joined = join_expressions(pointers, separator);
        }
        return joined;
    }

    const QueryOptions& m_options;
    std::unordered_map<const Node*, MatchExpression> m_expressions;
};

void collect_prefixes(const Node& node, std::vector<std::string>& prefixes) {
    if (node.kind == NodeKind::Text && node.prefix &&
        std::find(prefixes.begin(), prefixes.end(), node.text) == prefixes.end())
        prefixes.push_back(node.text);
    for (const auto& child : node.children)
        collect_prefixes(*child, prefixes);
}

}  // namespace

std::vector<std::string> query_prefixes(std::string_view query, const QueryOptions& options) {
    std::vector<std::string> prefixes;
    if (query.size() > detail::MaxQueryLength)
        return prefixes;
    auto parsed = detail::parse_query(query, options);
    if (const auto* root = std::get_if<detail::NodePointer>(&parsed))
        collect_prefixes(**root, prefixes);
    return prefixes;
}

std::variant<CompiledQuery, QuerySyntaxError> compile_query(std::string_view query, const QueryOptions& options) {
    if (query.size() > detail::MaxQueryLength) {
        return QuerySyntaxError{detail::MaxQueryLength, "the query is " + std::to_string(query.size()) +
                                                            " bytes long; the limit is " +
                                                            std::to_string(detail::MaxQueryLength) + " bytes"};
    }
    auto parsed = detail::parse_query(query, options);
    if (auto* error = std::get_if<QuerySyntaxError>(&parsed))
        return std::move(*error);
    Compiler compiler(options);
    return compiler.compile(*std::get<detail::NodePointer>(parsed));
}

namespace {

bool is_ascii_space(char character) { return character == ' ' || character == '\t' || character == '\n' || character == '\r'; }

bool equals_ignoring_case(std::string_view text, std::string_view keyword) {
    return text.size() == keyword.size() &&
           std::equal(text.begin(), text.end(), keyword.begin(), [](char left, char right) {
               return std::tolower(static_cast<unsigned char>(left)) == std::tolower(static_cast<unsigned char>(right));
           });
}

}  // namespace

std::string quote_query_value(std::string_view value) {
    std::string text(value);
    std::replace(text.begin(), text.end(), '"', ' ');
    const bool plain =
        !text.empty() && text.front() != '-' &&
        std::none_of(text.begin(), text.end(),
                     [](char character) {
                         return is_ascii_space(character) || character == '(' || character == ')' ||
                                character == ':' || character == '*';
                     }) &&
        !equals_ignoring_case(text, "and") && !equals_ignoring_case(text, "or") && !equals_ignoring_case(text, "not");
    return plain ? text : "\"" + text + "\"";
}

std::string join_query_conditions(const std::vector<std::string>& conditions) {
    std::string joined;
    for (const std::string& condition : conditions) {
        const auto first = std::find_if_not(condition.begin(), condition.end(), is_ascii_space);
        if (first == condition.end())
            continue;
        // Split on spaces and parentheses, as the lexer does: is any word the OR operator?
        bool has_or = false;
        std::string word;
        for (char character : condition + " ") {
            if (is_ascii_space(character) || character == '(' || character == ')') {
                has_or = has_or || equals_ignoring_case(word, "or");
                word.clear();
            } else {
                word += character;
            }
        }
        if (!joined.empty())
            joined += ' ';
        joined += has_or ? "(" + condition + ")" : condition;
    }
    return joined;
}

}  // namespace cairn::search
