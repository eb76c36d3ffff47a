// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cairn::testing {

struct RunResult {
    int exit_code = -1;   ///< -1 when killed by a signal
    int signal = 0;
    std::string out;
    std::string err;
};

struct RunOptions {
    std::map<std::string, std::string> environment;  ///< added to (or replacing in) the test's environment
    std::optional<std::uint64_t> file_size_limit;     ///< RLIMIT_FSIZE for the child
    std::string standard_input;
    std::string working_directory;  ///< the child's, when not empty
};

/// Called with all of stderr so far whenever more arrives, while the child runs (to answer what
/// it prints, as a user would: open a sign-in address it shows).
using ErrorOutputWatcher = std::function<void(const std::string& error_output)>;

/// Runs the real cairn binary with the given arguments and waits for it.
RunResult run_cairn(const std::vector<std::string>& arguments, const RunOptions& options = {},
                    const ErrorOutputWatcher& on_error_output = {});

/// Starts cairn without waiting; its output goes to /dev/null. Returns the process id.
pid_t start_cairn(const std::vector<std::string>& arguments, const RunOptions& options = {});
/// Waits for a started process; returns its RunResult (without output).
RunResult wait_for(pid_t process);

/// An mbox of `count` distinct messages of about `body_bytes` each (deterministic content).
std::string generated_mbox(int count, std::size_t body_bytes, int seed = 0);

}  // namespace cairn::testing
