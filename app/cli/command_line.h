// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What both programs of the command line share: `cairn` (search only, see search_main.cpp) and
// cairn-full (every command, main.cpp) must read the global options and `search` alike.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/cli/commands.h"

namespace cairn::cli {

/// The program's name, version flag, help footer (exit codes, passphrase, documentation) and
/// global options (--archive, --passphrase-file, --quiet, --json).
void describe_program(CLI::App& app, GlobalOptions& options);

/// The `search` subcommand; arguments() after parsing.
class SearchCommandLine {
public:
    explicit SearchCommandLine(CLI::App& app);
    bool given() const { return static_cast<bool>(*m_command); }
    SearchArguments arguments() const;

private:
    CLI::App* m_command = nullptr;
    CLI::Option* m_user_option = nullptr;
    std::string m_user;
    std::vector<std::string> m_words;
    SearchArguments m_arguments;
};

/// MAIN's exit code. Anything it throws is reported ("internal error") with exit code 3.
int run_reporting_exceptions(int (*main)(int, char**), int argc, char** argv);

/// Ctrl-C (and SIGTERM) cancel TOKEN's job at the next batch; a second one ends the process.
void install_signal_handlers(CancellationToken& token);

}  // namespace cairn::cli
