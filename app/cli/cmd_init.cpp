// SPDX-License-Identifier: GPL-3.0-or-later
#include <fmt/format.h>

#include "app/cli/commands.h"

namespace cairn::cli {

int run_init(const Context& context, const InitArguments& arguments) {
    CreateOptions options;
    if (!arguments.store_size.empty()) {
        auto size = parse_size(arguments.store_size);
        if (!size)
            return context.fail(size.error());
        options.store_byte_limit = *size;
    }
    options.store_message_limit = arguments.store_messages;
    options.use_key_cache = context.key_cache_enabled();
    auto directory = context.archive_directory();
    auto passphrase = context.passphrase(true);
    if (!passphrase)
        return context.fail(passphrase.error());
    auto created = Archive::create(directory, *passphrase, options);
    if (!created)
        return context.fail(created.error());
    if (context.options.json) {
        context.print_json({{"archive", created->archive.directory().string()}, {"recovery_key", created->recovery_key}});
    } else {
        fmt::print("Created an archive in {}\n\n", created->archive.directory().string());
        fmt::print("Recovery key (shown only now; keep it somewhere safe, away from this computer):\n\n    {}\n\n",
                   created->recovery_key);
        fmt::print("It opens the archive if the passphrase is ever lost. Next: cairn import PATH\n");
    }
    return ExitSuccess;
}

}  // namespace cairn::cli
