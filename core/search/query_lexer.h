// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/search/query.h"

/// Internal to core/search: the query language's tokens. See query.h for the language.
namespace cairn::search::detail {

enum class TokenKind {
    Word,              ///< a bare word; `text` without trailing '*', `prefix` when there was one
    Phrase,            ///< "quoted text"; `text` is what is between the quotes
    Field,             ///< `name:` directly followed by its value; `text` is the name, lower-cased
    LeftParenthesis,
    RightParenthesis,
    And,
    Or,
    Not,               ///< the keyword NOT
    Minus,             ///< a '-' at the start of a term: exclude what follows
    End,
};

struct Token {
    TokenKind kind = TokenKind::End;
    std::size_t position = 0;  ///< byte offset of the token's first character in the query
    std::size_t length = 0;    ///< bytes of the query the token covers
    std::string text;
    bool prefix = false;       ///< Word or Phrase followed by '*'
    /// The token directly follows a Field token (no space between): it is that field's value,
    /// so it is never a keyword, a field or a negation.
    bool field_value = false;
};

/// Splits a query into tokens, ending with one End token. Fails only on an unterminated quote.
std::variant<std::vector<Token>, QuerySyntaxError> tokenize_query(std::string_view query);

/// What a token looked like in the query, for messages: 'OR', '(', 'from:'.
std::string describe_token(const Token& token, std::string_view query);

}  // namespace cairn::search::detail
