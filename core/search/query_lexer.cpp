// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/search/query_lexer.h"

namespace cairn::search::detail {
namespace {

// Control characters count as spaces: a NUL or a tab pasted into a search box separates words
// rather than reaching SQLite inside a term.
bool is_separator(char character) {
    const auto byte = static_cast<unsigned char>(character);
    return byte <= 0x20 || byte == 0x7F;
}

bool ends_word(char character) {
    return is_separator(character) || character == '(' || character == ')' || character == '"';
}

bool is_ascii_letter(char character) {
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

char to_lower_ascii(char character) {
    return character >= 'A' && character <= 'Z' ? static_cast<char>(character - 'A' + 'a') : character;
}

std::string lower_ascii(std::string_view text) {
    std::string lowered(text);
    for (char& character : lowered)
        character = to_lower_ascii(character);
    return lowered;
}

// The length of `name` in `word = name:value`, or 0 when the word does not start with a field.
// A field name is ASCII letters; "http://..." is a word, not the field "http:".
std::size_t field_name_length(std::string_view word) {
    std::size_t length = 0;
    while (length < word.size() && is_ascii_letter(word[length]))
        ++length;
    if (length == 0 || length >= word.size() || word[length] != ':')
        return 0;
    if (word.substr(length + 1).starts_with("//"))
        return 0;
    return length;
}

}  // namespace

std::variant<std::vector<Token>, QuerySyntaxError> tokenize_query(std::string_view query) {
    std::vector<Token> tokens;
    std::size_t index = 0;
    bool value_expected = false;  // the previous token was a Field ending right here
    bool after_minus = false;     // the previous token was a '-' negation
    while (true) {
        if (value_expected && (index >= query.size() || is_separator(query[index])))
            value_expected = false;  // the parser reports the missing value
        while (index < query.size() && is_separator(query[index]))
            ++index;
        if (index >= query.size())
            break;

        Token token;
        token.position = index;
        token.field_value = value_expected;
        const char character = query[index];
        if (character == '(' || character == ')') {
            token.kind = character == '(' ? TokenKind::LeftParenthesis : TokenKind::RightParenthesis;
            token.length = 1;
            index += 1;
        } else if (character == '"') {
            const std::size_t closing = query.find('"', index + 1);
            if (closing == std::string_view::npos)
                return QuerySyntaxError{index, "unterminated quote: the \" at " + std::to_string(index) +
                                                   " has no closing \""};
            token.kind = TokenKind::Phrase;
            token.text = std::string(query.substr(index + 1, closing - index - 1));
            index = closing + 1;
            while (index < query.size() && query[index] == '*') {
                token.prefix = true;
                ++index;
            }
            token.length = index - token.position;
        } else if (character == '-' && !value_expected && index + 1 < query.size() &&
                   !is_separator(query[index + 1]) && query[index + 1] != ')') {
            token.kind = TokenKind::Minus;
            token.length = 1;
            index += 1;
        } else {
            std::size_t end = index;
            while (end < query.size() && !ends_word(query[end]))
                ++end;
            const std::string_view word = query.substr(index, end - index);
            const std::size_t name_length = value_expected ? 0 : field_name_length(word);
            if (name_length > 0) {
                token.kind = TokenKind::Field;
                token.text = lower_ascii(word.substr(0, name_length));
                token.length = name_length + 1;
                index += token.length;
                tokens.push_back(std::move(token));
                value_expected = true;
                after_minus = false;
                continue;
            }
            index = end;
            token.length = word.size();
            std::string_view text = word;
            while (!text.empty() && text.back() == '*') {
                text.remove_suffix(1);
                token.prefix = true;
            }
            token.kind = TokenKind::Word;
            token.text = std::string(text);
            if (!value_expected && !after_minus && !token.prefix) {
                const std::string keyword = lower_ascii(word);
                if (keyword == "and")
                    token.kind = TokenKind::And;
                else if (keyword == "or")
                    token.kind = TokenKind::Or;
                else if (keyword == "not")
                    token.kind = TokenKind::Not;
            }
        }
        after_minus = token.kind == TokenKind::Minus;
        value_expected = false;
        tokens.push_back(std::move(token));
    }
    Token end;
    end.kind = TokenKind::End;
    end.position = query.size();
    tokens.push_back(std::move(end));
    return tokens;
}

std::string describe_token(const Token& token, std::string_view query) {
    if (token.kind == TokenKind::End)
        return "the end of the query";
    return "'" + std::string(query.substr(token.position, token.length)) + "'";
}

}  // namespace cairn::search::detail
