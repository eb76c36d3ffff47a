// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/command_line.h"

#include <pwd.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include <fmt/format.h>

namespace cairn::cli {
namespace {

CancellationToken* interrupt_token = nullptr;

extern "C" void on_interrupt(int signal_number) {
    // The first Ctrl-C asks the job to stop at the next batch; a second one ends the process.
    if (interrupt_token)
        interrupt_token->cancel();
    std::signal(signal_number, SIG_DFL);
}

}  // namespace

void install_signal_handlers(CancellationToken& token) {
    interrupt_token = &token;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    // With a file size limit (ulimit -f), a write past it must fail with EFBIG and be reported,
    // not kill the process halfway through a batch.
    std::signal(SIGXFSZ, SIG_IGN);
}

int run_reporting_exceptions(int (*main)(int, char**), int argc, char** argv) {
    // Core reports failures as Results; anything thrown is a bug or an exhausted machine. Say so
    // instead of aborting: what was committed before is consistent either way.
    try {
        return main(argc, argv);
    } catch (const std::exception& error) {
        fmt::print(stderr, "cairn: internal error: {}\n", error.what());
    } catch (...) {
        fmt::print(stderr, "cairn: internal error\n");
    }
    return ExitCannotRun;
}

void describe_program(CLI::App& app, GlobalOptions& options) {
    app.name("cairn");
    app.description("Cairn keeps a complete, searchable, encrypted copy of your email on your own disk.");
    app.set_version_flag("--version", std::string("cairn 0.1.0"));
    app.require_subcommand(1);
    app.fallthrough();
    app.footer("Exit codes: 0 all good; 1 finished, but some items failed (each is listed); 2 usage error;\n"
               "3 could not run (wrong passphrase, archive locked or damaged, disk full); 130 interrupted.\n"
               "The passphrase comes from --passphrase-file, else CAIRN_PASSPHRASE, else a prompt; once\n"
               "unlocked, the key is kept for 10 minutes in your kernel keyring (CAIRN_KEY_CACHE=0: never).\n"
               "Documentation: docs/cli.md");
    app.add_option("--archive", options.archive,
                   "Archive directory (default: $CAIRN_ARCHIVE, else $XDG_DATA_HOME/cairn/archive)")
        ->type_name("DIR");
    app.add_option("--passphrase-file", options.passphrase_file, "Read the passphrase from the first line of FILE")->type_name("FILE");
    app.add_flag("-q,--quiet", options.quiet, "No progress and no summary; errors only");
    app.add_flag("--json", options.json, "Machine-readable output (versioned; see docs/cli.md)");
}

SearchCommandLine::SearchCommandLine(CLI::App& app) {
    m_command = app.add_subcommand("search", "Find messages: words, \"phrases\", from:, subject:, date:, ...");
    m_command->add_option("query", m_words, "The query (see docs/cli.md); several words are joined")
        ->required()
        ->type_name("QUERY");
    m_user_option =
        m_command->add_option("--user", m_user, "Search this user's mail (default: yours)")->type_name("NAME");
    m_command->add_flag("--all-users", m_arguments.all_users, "Search every user's mail (eDiscovery)");
    m_command->add_option("--sort", m_arguments.sort, "date (newest first, default) or relevance")
        ->check(CLI::IsMember({"date", "relevance"}))
        ->type_name("ORDER");
    m_command->add_option("--limit", m_arguments.limit, "At most N hits (default 50)")->type_name("N");
    m_command->add_option("--offset", m_arguments.offset, "Skip the first N hits")->type_name("N");
    m_command->add_flag("--count", m_arguments.count_only, "Print only the number of matching messages");
    m_command->add_flag("--timing", m_arguments.timing,
                        "Also print on stderr how long the search itself took (without start-up and unlocking)");
}

SearchArguments SearchCommandLine::arguments() const {
    SearchArguments arguments = m_arguments;
    for (const auto& word : m_words)
        arguments.query += (arguments.query.empty() ? "" : " ") + word;
    if (*m_user_option)
        arguments.user = m_user;
    return arguments;
}

Result<std::uint64_t> parse_size(const std::string& text) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        return make_error(ErrorCode::InvalidArgument, "not a size (examples: 500M, 50G)", text);
    }
    std::string unit = text.substr(used);
    std::uint64_t multiplier = 1;
    if (unit == "K" || unit == "k" || unit == "KiB") multiplier = 1ull << 10;
    else if (unit == "M" || unit == "MiB") multiplier = 1ull << 20;
    else if (unit == "G" || unit == "GiB") multiplier = 1ull << 30;
    else if (unit == "T" || unit == "TiB") multiplier = 1ull << 40;
    else if (!unit.empty() && unit != "B")
        return make_error(ErrorCode::InvalidArgument, "not a size (examples: 500M, 50G)", text);
    if (value < 0)
        return make_error(ErrorCode::InvalidArgument, "a size cannot be negative", text);
    return static_cast<std::uint64_t>(value * static_cast<double>(multiplier));
}

std::string operating_system_user() {
    if (passwd* entry = ::getpwuid(::geteuid()); entry && entry->pw_name)
        return entry->pw_name;
    if (const char* user = std::getenv("USER"); user && *user)
        return user;
    return "user";
}

}  // namespace cairn::cli
