// SPDX-License-Identifier: GPL-3.0-or-later
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "app/cli/commands.h"

namespace cairn::cli {
namespace {

Result<std::string> new_passphrase(const Context& context, const ChangePassphraseArguments& arguments) {
    if (!arguments.new_passphrase_file.empty()) {
        std::ifstream in(arguments.new_passphrase_file, std::ios::binary);
        if (!in)
            return make_error(ErrorCode::NotFound, "cannot read the new passphrase file", arguments.new_passphrase_file);
        std::string text(std::istreambuf_iterator<char>(in), {});
        text = text.substr(0, text.find('\n'));
        if (!text.empty() && text.back() == '\r')
            text.pop_back();
        return text;
    }
    if (const char* from_environment = std::getenv("CAIRN_NEW_PASSPHRASE"); from_environment && *from_environment)
        return std::string(from_environment);
    return context.ask_passphrase("New passphrase", true);
}

}  // namespace

int run_change_passphrase(const Context& context, const ChangePassphraseArguments& arguments) {
    std::string current;
    if (arguments.recovery_key) {
        current = *arguments.recovery_key;
    } else {
        auto given = context.passphrase(false);
        if (!given)
            return context.fail(given.error());
        current = *given;
    }
    auto replacement = new_passphrase(context, arguments);
    if (!replacement)
        return context.fail(replacement.error());
    auto changed = Archive::change_passphrase(context.archive_directory(), current, arguments.recovery_key.has_value(),
                                              *replacement);
    if (!changed)
        return context.fail(changed.error());
    if (context.options.json)
        context.print_json({{"changed", true}});
    else if (!context.options.quiet)
        fmt::print("The passphrase is changed. The recovery key stays valid.\n");
    return ExitSuccess;
}

}  // namespace cairn::cli
