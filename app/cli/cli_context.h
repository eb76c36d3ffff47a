// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/archive/archive.h"
#include "core/base/progress.h"
#include "core/base/result.h"

namespace cairn::cli {

/// Exit codes: the contract documented in docs/cli.md.
enum ExitCode : int {
    ExitSuccess = 0,
    ExitSomeItemsFailed = 1,
    ExitUsage = 2,
    ExitCannotRun = 3,
    ExitInterrupted = 130,
};

/// The version of the --json output format (docs/cli.md says what each version holds).
inline constexpr int JsonVersion = 1;

struct GlobalOptions {
    std::string archive;  ///< empty: default_archive_directory()
    std::string passphrase_file;
    bool quiet = false;
    bool json = false;
};

/// What every command needs: the global options and the Ctrl-C token.
struct Context {
    GlobalOptions options;
    CancellationToken* cancel = nullptr;

    std::filesystem::path archive_directory() const;
    /// --passphrase-file, else $CAIRN_PASSPHRASE, else a prompt on the terminal (twice when confirm).
    Result<std::string> passphrase(bool confirm) const;
    /// Asks on the terminal only (twice when confirm); `what` names it ("New passphrase").
    Result<std::string> ask_passphrase(std::string_view what, bool confirm) const;
    /// Asks on the terminal without echo; nothing when there is no terminal.
    std::optional<std::string> ask_hidden(std::string_view prompt) const;
    /// The passphrase from --passphrase-file or $CAIRN_PASSPHRASE, if either is set.
    Result<std::optional<std::string>> given_passphrase() const;
    /// False when $CAIRN_KEY_CACHE is 0 or off.
    bool key_cache_enabled() const;
    Result<Archive> open_archive(Access access) const;
    /// Prints an error to stderr ("cairn: context: message") and returns the exit code it maps to.
    int fail(const Error& error) const;
    /// Prints a JSON document (with the format version) to stdout.
    void print_json(nlohmann::json document) const;
};

/// One exit code per error kind: the only place that decides it.
int exit_code_for(const Error& error);

/// Progress on stderr: a bar with count, rate and ETA on a terminal, a line every few seconds
/// otherwise, nothing with --quiet.
class ProgressPrinter final : public ProgressObserver {
public:
    ProgressPrinter(std::string label, bool quiet);
    void update(const Progress& progress) override;
    void finish(const Progress& progress) override;

private:
    void print(const Progress& progress, bool final_line);
    std::string m_label;
    bool m_quiet;
    bool m_terminal;
    double m_started;
    double m_last_print = 0;
};

std::string format_bytes(std::uint64_t bytes);
std::string format_duration(double seconds);
std::string format_date(std::optional<std::int64_t> seconds);

}  // namespace cairn::cli
