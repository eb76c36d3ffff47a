// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/cli_context.h"

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

namespace cairn::cli {
namespace {

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::optional<std::string> prompt_hidden(const char* prompt) {
    FILE* terminal = std::fopen("/dev/tty", "r+");
    if (!terminal)
        return std::nullopt;
    int descriptor = fileno(terminal);
    termios saved{};
    bool restore = tcgetattr(descriptor, &saved) == 0;
    if (restore) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(descriptor, TCSAFLUSH, &quiet);
    }
    std::fputs(prompt, terminal);
    std::fflush(terminal);
    std::string line;
    int c;
    while ((c = std::fgetc(terminal)) != EOF && c != '\n')
        line.push_back(static_cast<char>(c));
    if (restore)
        tcsetattr(descriptor, TCSAFLUSH, &saved);
    std::fputs("\n", terminal);
    std::fclose(terminal);
    return line;
}

}  // namespace

std::filesystem::path Context::archive_directory() const {
    return options.archive.empty() ? default_archive_directory() : std::filesystem::path(options.archive);
}

bool Context::key_cache_enabled() const {
    const char* setting = std::getenv("CAIRN_KEY_CACHE");
    return !(setting && (std::string_view(setting) == "0" || std::string_view(setting) == "off"));
}

Result<std::optional<std::string>> Context::given_passphrase() const {
    if (!options.passphrase_file.empty() ||
        (std::getenv("CAIRN_PASSPHRASE") && *std::getenv("CAIRN_PASSPHRASE")))
        return std::optional<std::string>(CAIRN_TRY(passphrase(false)));
    return std::optional<std::string>();
}

Result<std::string> Context::passphrase(bool confirm) const {
    if (!options.passphrase_file.empty()) {
        std::ifstream in(options.passphrase_file, std::ios::binary);
        if (!in)
            return make_error(ErrorCode::NotFound, "cannot read the passphrase file", options.passphrase_file);
        std::string text(std::istreambuf_iterator<char>(in), {});
        // The first line is the passphrase; a trailing line break is not part of it.
        text = text.substr(0, text.find('\n'));
        if (!text.empty() && text.back() == '\r')
            text.pop_back();
        if (text.empty())
            return make_error(ErrorCode::PermissionDenied, "the passphrase file is empty", options.passphrase_file);
        return text;
    }
    if (const char* from_environment = std::getenv("CAIRN_PASSPHRASE"); from_environment && *from_environment)
        return std::string(from_environment);
    return ask_passphrase("Archive passphrase", confirm);
}

std::optional<std::string> Context::ask_hidden(std::string_view prompt) const {
    return prompt_hidden(std::string(prompt).c_str());
}

Result<std::string> Context::ask_passphrase(std::string_view what, bool confirm) const {
    auto first = prompt_hidden(fmt::format("{}: ", what).c_str());
    if (!first)
        return make_error(ErrorCode::PermissionDenied,
                          "no passphrase: use --passphrase-file FILE or CAIRN_PASSPHRASE, or run on a terminal");
    if (first->empty())
        return make_error(ErrorCode::PermissionDenied, "the passphrase must not be empty");
    if (confirm) {
        auto second = prompt_hidden("Repeat it: ");
        if (!second || *second != *first)
            return make_error(ErrorCode::PermissionDenied, "the two passphrases differ; nothing was changed");
    }
    return *first;
}

Result<Archive> Context::open_archive(Access access) const {
    auto directory = archive_directory();
    std::error_code error;
    if (!std::filesystem::exists(directory / "cairn.archive", error))
        return make_error(ErrorCode::NotFound,
                          "no Cairn archive here; create one with `cairn init` or name another with --archive",
                          directory.string());
    Unlock unlock;
    unlock.passphrase = CAIRN_TRY(given_passphrase());
    unlock.ask = [this] { return passphrase(false); };
    unlock.use_key_cache = key_cache_enabled();
    return Archive::open(directory, unlock, access);
}

int exit_code_for(const Error& error) {
    switch (error.code) {
    case ErrorCode::InvalidArgument: return ExitUsage;
    case ErrorCode::Cancelled: return ExitInterrupted;
    default: return ExitCannotRun;
    }
}

int Context::fail(const Error& error) const {
    if (options.json) {
        print_json({{"error", {{"code", std::string(error_code_name(error.code))},
                               {"message", error.message},
                               {"context", error.context}}}});
    }
    fmt::print(stderr, "cairn: {}\n", error.describe());
    return exit_code_for(error);
}

void Context::print_json(nlohmann::json document) const {
    document["cairn_json"] = JsonVersion;
    std::cout << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

ProgressPrinter::ProgressPrinter(std::string label, bool quiet)
    : m_label(std::move(label)), m_quiet(quiet), m_terminal(::isatty(STDERR_FILENO) == 1), m_started(now_seconds()) {
    // In a log, the first line comes after the first interval; short jobs print only the summary.
    if (!m_terminal)
        m_last_print = m_started;
}

void ProgressPrinter::update(const Progress& progress) {
    if (m_quiet)
        return;
    double now = now_seconds();
    double interval = m_terminal ? 0.2 : 5.0;
    if (now - m_last_print < interval)
        return;
    m_last_print = now;
    print(progress, false);
}

void ProgressPrinter::finish(const Progress& progress) {
    if (m_quiet)
        return;
    if (m_terminal || m_last_print > m_started)
        print(progress, true);
}

void ProgressPrinter::print(const Progress& progress, bool final_line) {
    double elapsed = std::max(1e-6, now_seconds() - m_started);
    double rate = static_cast<double>(progress.done) / elapsed;
    std::string counts = progress.total ? fmt::format("{}/{}", progress.done, progress.total)
                                        : fmt::format("{}", progress.done);
    // The share done: by items when their total is known, else by input bytes.
    double share = -1;
    if (progress.total)
        share = static_cast<double>(progress.done) / static_cast<double>(progress.total);
    else if (progress.input_total)
        share = static_cast<double>(progress.input_position) / static_cast<double>(progress.input_total);
    std::string eta;
    if (share > 0.01 && share < 1)
        eta = fmt::format(" ETA {}", format_duration(elapsed * (1 - share) / share));
    std::string failed = progress.failed ? fmt::format(", {} failed", progress.failed) : "";
    std::string bytes = progress.bytes_done ? fmt::format(", {}", format_bytes(progress.bytes_done)) : "";
    if (m_terminal) {
        std::string bar;
        if (share >= 0) {
            int width = 24;
            int filled = static_cast<int>(width * std::min(1.0, share));
            bar = "[" + std::string(static_cast<std::size_t>(std::min(filled, width)), '#') +
                  std::string(static_cast<std::size_t>(width - std::min(filled, width)), '.') + "] ";
        }
        fmt::print(stderr, "\r\033[K{}: {}{}{}{}, {:.0f}/s{}", m_label, bar, counts, bytes, failed, rate, eta);
        if (final_line)
            fmt::print(stderr, "\n");
    } else {
        std::string percent = share >= 0 && !final_line ? fmt::format(" ({:.0f}%)", 100 * std::min(1.0, share)) : "";
        fmt::print(stderr, "{}: {}{}{}{}, {:.0f}/s{}{}\n", m_label, counts, percent, bytes, failed, rate, eta,
                   final_line ? " (done)" : "");
    }
    std::fflush(stderr);
}

std::string format_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

std::string format_duration(double seconds) {
    auto whole = static_cast<long long>(seconds + 0.5);
    if (whole < 60)
        return fmt::format("{}s", whole);
    if (whole < 3600)
        return fmt::format("{}m{:02}s", whole / 60, whole % 60);
    return fmt::format("{}h{:02}m", whole / 3600, (whole % 3600) / 60);
}

std::string format_date(std::optional<std::int64_t> seconds) {
    if (!seconds)
        return "-";
    std::time_t when = *seconds;
    std::tm utc{};
    gmtime_r(&when, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &utc);
    return text;
}

}  // namespace cairn::cli
