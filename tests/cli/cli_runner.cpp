// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/cli/cli_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

extern char** environ;

namespace cairn::testing {
namespace {

std::vector<std::string> child_environment(const RunOptions& options) {
    std::map<std::string, std::string> merged;
    for (char** entry = environ; *entry; ++entry) {
        std::string text(*entry);
        auto equals = text.find('=');
        if (equals != std::string::npos)
            merged[text.substr(0, equals)] = text.substr(equals + 1);
    }
    for (const auto& [name, value] : options.environment)
        merged[name] = value;
    std::vector<std::string> out;
    for (const auto& [name, value] : merged)
        out.push_back(name + "=" + value);
    return out;
}

pid_t spawn(const std::vector<std::string>& arguments, const RunOptions& options, int stdin_fd, int stdout_fd,
            int stderr_fd) {
    std::vector<std::string> argv_storage{CAIRN_BINARY};
    argv_storage.insert(argv_storage.end(), arguments.begin(), arguments.end());
    auto environment_storage = child_environment(options);
    std::vector<char*> argv, envp;
    for (auto& argument : argv_storage)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    for (auto& entry : environment_storage)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    pid_t child = ::fork();
    if (child < 0)
        throw std::runtime_error("fork failed");
    if (child == 0) {
        ::dup2(stdin_fd, 0);
        ::dup2(stdout_fd, 1);
        ::dup2(stderr_fd, 2);
        ::setsid();  // no controlling terminal: the passphrase must come from the environment
        if (!options.working_directory.empty() && ::chdir(options.working_directory.c_str()) != 0)
            ::_exit(127);
        if (options.file_size_limit) {
            rlimit limit{*options.file_size_limit, *options.file_size_limit};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        }
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    return child;
}

RunResult status_to_result(int status) {
    RunResult result;
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.signal = WTERMSIG(status);
    return result;
}

}  // namespace

RunResult run_cairn(const std::vector<std::string>& arguments, const RunOptions& options,
                    const ErrorOutputWatcher& on_error_output) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (::pipe(in_pipe) || ::pipe(out_pipe) || ::pipe(err_pipe))
        throw std::runtime_error("pipe failed");
    pid_t child = spawn(arguments, options, in_pipe[0], out_pipe[1], err_pipe[1]);
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (!options.standard_input.empty())
        (void)!::write(in_pipe[1], options.standard_input.data(), options.standard_input.size());
    ::close(in_pipe[1]);
    std::string out, err;
    pollfd descriptors[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_count = 2;
    char buffer[65536];
    while (open_count > 0) {
        if (::poll(descriptors, 2, -1) < 0)
            break;
        for (int i = 0; i < 2; ++i) {
            if (descriptors[i].fd < 0 || !(descriptors[i].revents & (POLLIN | POLLHUP)))
                continue;
            ssize_t n = ::read(descriptors[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                ::close(descriptors[i].fd);
                descriptors[i].fd = -1;
                --open_count;
            } else {
                (i == 0 ? out : err).append(buffer, static_cast<std::size_t>(n));
                if (i == 1 && on_error_output)
                    on_error_output(err);
            }
        }
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    RunResult result = status_to_result(status);
    result.out = std::move(out);
    result.err = std::move(err);
    return result;
}

pid_t start_cairn(const std::vector<std::string>& arguments, const RunOptions& options) {
    int null_fd = ::open("/dev/null", O_RDWR);
    pid_t child = spawn(arguments, options, null_fd, null_fd, null_fd);
    ::close(null_fd);
    return child;
}

RunResult wait_for(pid_t process) {
    int status = 0;
    ::waitpid(process, &status, 0);
    return status_to_result(status);
}

std::string generated_mbox(int count, std::size_t body_bytes, int seed) {
    std::string out;
    unsigned state = 2166136261u ^ static_cast<unsigned>(seed);
    for (int i = 0; i < count; ++i) {
        out += "From sender@example.org Mon Jan  1 00:00:00 2024\n";
        out += "From: Sender " + std::to_string(i) + " <sender@example.org>\n";
        out += "To: receiver@example.org\n";
        out += "Subject: generated message " + std::to_string(seed) + "-" + std::to_string(i) + "\n";
        out += "Message-ID: <" + std::to_string(seed) + "." + std::to_string(i) + "@example.org>\n";
        out += "Date: Mon, 1 Jan 2024 00:00:00 +0000\n\n";
        std::string body;
        while (body.size() < body_bytes) {
            state = state * 16777619u + 12345u;
            body += "word" + std::to_string(state % 100000) + ((state >> 8) % 12 == 0 ? "\n" : " ");
        }
        out += body + "\n\n";
    }
    return out;
}

}  // namespace cairn::testing
