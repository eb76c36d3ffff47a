// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the search query language: any input either compiles or gives an error
// that points inside the query; compiled SQL binds exactly its parameters, its parentheses
// balance (user text never reaches the SQL text), and every FTS5 string has its quotes paired
// (user text never escapes an FTS5 string).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/search/query.h"

namespace {

bool quotes_paired(const std::string& text) { return std::count(text.begin(), text.end(), '"') % 2 == 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view query(reinterpret_cast<const char*>(data), size);
    const auto result = cairn::search::compile_query(query);
    if (const auto* error = std::get_if<cairn::search::QuerySyntaxError>(&result)) {
        if (error->position > size || error->message.empty())
            std::abort();
        return 0;
    }
    const auto& compiled = std::get<cairn::search::CompiledQuery>(result);
    const auto placeholders = std::count(compiled.condition.begin(), compiled.condition.end(), '?');
    if (placeholders != static_cast<std::ptrdiff_t>(compiled.parameters.size()))
        std::abort();
    if (std::count(compiled.condition.begin(), compiled.condition.end(), '(') !=
        std::count(compiled.condition.begin(), compiled.condition.end(), ')'))
        std::abort();
    if (!quotes_paired(compiled.relevance_match))
        std::abort();
    for (const auto& value : compiled.parameters) {
        if (const auto* text = std::get_if<std::string>(&value); text && !quotes_paired(*text))
            std::abort();
    }
    return 0;
}
