// SPDX-License-Identifier: GPL-3.0-or-later
// cairn: the program users run. It runs `cairn search` itself and hands every other command, a
// --help, a usage error and an index that needs repair to cairn-full (main.cpp), beside it, with
// the same arguments.
//
// Why two programs: most of a search's time was start-up. cairn-full loads about 40 shared
// libraries (GMime and GLib, libarchive, libpff, libxml2, ...), which costs more than the search
// itself; this program links only what a search needs (SQLite, ICU, OpenSSL, keyutils). The
// figures are in bench/README.md.

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "app/cli/command_line.h"

namespace cairn::cli {
namespace {

CancellationToken interrupt_token;
char** program_arguments = nullptr;

std::filesystem::path full_program() {
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    return (error ? std::filesystem::path(program_arguments[0]) : self).parent_path() / "cairn-full";
}

/// Runs cairn-full in this process's place; returns only when it cannot be started.
[[noreturn]] void hand_over() {
    const auto program = full_program();
    ::execv(program.c_str(), program_arguments);
    fmt::print(stderr, "cairn: cannot start {}: {}; reinstall Cairn\n", program.string(), std::strerror(errno));
    std::exit(ExitCannotRun);
}

int main_with_arguments(int argc, char** argv) {
    CLI::App app;
    Context context;
    context.cancel = &interrupt_token;
    describe_program(app, context.options);
    SearchCommandLine search(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError&) {
        // Another command, --help, --version or a mistake: cairn-full knows them all and says
        // so in the same words.
        hand_over();
    }
    if (!search.given())
        hand_over();
    install_signal_handlers(interrupt_token);
    return run_search(context, search.arguments());
}

}  // namespace

// Repairing needs the import side of core (reading and indexing messages), which this program
// does not link; nothing has been printed yet, so cairn-full can run the whole search again.
Result<void> repair_index_for_search(const Context&, const std::string&, const IndexHealth&) { hand_over(); }

}  // namespace cairn::cli

int main(int argc, char** argv) {
    cairn::cli::program_arguments = argv;
    return cairn::cli::run_reporting_exceptions(cairn::cli::main_with_arguments, argc, argv);
}
