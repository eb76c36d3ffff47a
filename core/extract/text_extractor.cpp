// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/extract/text_extractor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>

#include "core/extract/document_kind.h"
#include "core/extract/protocol.h"
#include "core/extract/utf8_text.h"

namespace cairn::extract {
namespace {

using Clock = std::chrono::steady_clock;

// Error messages from the worker are short; anything longer is a confused or hostile worker.
constexpr std::uint64_t MaxReasonBytes = 4096;

enum class IoOutcome { Done, TimedOut, Closed };

// Milliseconds until `deadline` for poll(), rounded up so we never spin at 0 before it passes.
int poll_timeout(Clock::time_point deadline) {
    const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(remaining, 0, 60'000));
}

bool wait_for(int socket, short events, Clock::time_point deadline) {
    for (;;) {
        if (Clock::now() >= deadline)
            return false;
        pollfd descriptor{socket, events, 0};
        const int ready = ::poll(&descriptor, 1, poll_timeout(deadline));
        if (ready > 0)
            return true;  // readable, writable, or an error/hang-up that the next call reports
        if (ready < 0 && errno != EINTR)
            return true;
    }
}

// MSG_NOSIGNAL: a dead worker gives EPIPE instead of SIGPIPE, without touching the process's
// signal dispositions.
IoOutcome send_all(int socket, std::string_view bytes, Clock::time_point deadline) {
    while (!bytes.empty()) {
        const ssize_t sent = ::send(socket, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_for(socket, POLLOUT, deadline))
                return IoOutcome::TimedOut;
            continue;
        }
        return IoOutcome::Closed;
    }
    return IoOutcome::Done;
}

IoOutcome receive_exact(int socket, char* buffer, std::size_t size, Clock::time_point deadline) {
    std::size_t received = 0;
    while (received < size) {
        const ssize_t count = ::recv(socket, buffer + received, size - received, MSG_DONTWAIT);
        if (count > 0) {
            received += static_cast<std::size_t>(count);
            continue;
        }
        if (count == 0)
            return IoOutcome::Closed;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!wait_for(socket, POLLIN, deadline))
                return IoOutcome::TimedOut;
            continue;
        }
        return IoOutcome::Closed;
    }
    return IoOutcome::Done;
}

ErrorCode error_code_of(protocol::Status status) {
    switch (status) {
    case protocol::Status::Unsupported:
        return ErrorCode::Unsupported;
    case protocol::Status::InvalidData:
        return ErrorCode::InvalidData;
    case protocol::Status::LimitExceeded:
        return ErrorCode::LimitExceeded;
    default:
        return ErrorCode::Internal;
    }
}

std::string format_seconds(double seconds) {
    std::string text = std::to_string(seconds);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.ends_with('.'))
        text.pop_back();
    return text;
}

}  // namespace

struct TextExtractor::Impl {
    std::filesystem::path worker_executable;
    ExtractionLimits limits;
    pid_t worker_pid = -1;
    int socket = -1;
    /// Requests the running worker has answered: a worker that has answered before may have
    /// exited since (retired between calls), which is worth one silent restart.
    int answered_requests = 0;

    ~Impl() { stop_worker(); }

    Result<void> start_worker();
    void stop_worker();
    /// After EOF from the worker: waits briefly for it to exit and describes how it ended.
    Error reap_crashed_worker(std::string_view filename);
    Result<std::string> run_request(std::string_view content_type, std::string_view filename,
                                    std::string_view data, bool& retry_on_fresh_worker);
};

Result<void> TextExtractor::Impl::start_worker() {
    int sockets[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0)
        return make_errno_error(errno, "socketpair for the extraction worker");
    int exec_error_pipe[2];
    if (::pipe2(exec_error_pipe, O_CLOEXEC) != 0) {
        const int error_number = errno;
        ::close(sockets[0]);
        ::close(sockets[1]);
        return make_errno_error(error_number, "pipe for the extraction worker");
    }

    // Everything the child needs is prepared here: between fork and exec in a multi-threaded
    // process only async-signal-safe calls are allowed (no allocation, no locks).
    std::string program = worker_executable.string();
    std::string memory_argument = std::to_string(limits.memory_bytes);
    char* arguments[] = {program.data(), memory_argument.data(), nullptr};
    const bool limit_memory = !BuiltWithAddressSanitizer && limits.memory_bytes > 0;
    const rlimit memory_limit{limits.memory_bytes, limits.memory_bytes};
    // RLIMIT_CPU counts the worker's whole life, not one request (the wall-clock limit does
    // that); it is a backstop for a worker whose parent stopped watching. The worker retires
    // itself after half of it, so a long-lived healthy worker never hits it.
    const rlim_t cpu_seconds = static_cast<rlim_t>(std::max(60.0, std::ceil(limits.seconds) * 20));
    const rlimit cpu_limit{cpu_seconds, cpu_seconds + 10};
    const rlimit no_core{0, 0};
    const rlimit no_file_writes{0, 0};
    const rlimit few_files{64, 64};

    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error_number = errno;
        for (int descriptor : {sockets[0], sockets[1], exec_error_pipe[0], exec_error_pipe[1]})
            ::close(descriptor);
        return make_errno_error(error_number, "fork of the extraction worker");
    }
    if (pid == 0) {
        // Child. Move the descriptors we keep above the range we are about to fill, then lay out
        // 0-2 = /dev/null (never the terminal), 3 = socket, 4 = exec error pipe (close-on-exec).
        sigset_t empty_set;
        ::sigemptyset(&empty_set);
        ::sigprocmask(SIG_SETMASK, &empty_set, nullptr);
        const int null_device = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        const int high_null = ::fcntl(null_device, F_DUPFD_CLOEXEC, 10);
        const int high_socket = ::fcntl(sockets[1], F_DUPFD_CLOEXEC, 10);
        const int high_error = ::fcntl(exec_error_pipe[1], F_DUPFD_CLOEXEC, 10);
        if (high_null < 0 || high_socket < 0 || high_error < 0)
            ::_exit(127);
        ::dup2(high_null, 0);
        ::dup2(high_null, 1);
        ::dup2(high_null, 2);
        ::dup2(high_socket, protocol::WorkerSocketDescriptor);
        ::dup3(high_error, 4, O_CLOEXEC);
        if (::close_range(5, ~0U, 0) != 0)
            for (int descriptor = 5; descriptor < 1024; ++descriptor)
                ::close(descriptor);
        if (limit_memory)
            ::setrlimit(RLIMIT_AS, &memory_limit);
        ::setrlimit(RLIMIT_CPU, &cpu_limit);
        ::setrlimit(RLIMIT_CORE, &no_core);
        ::setrlimit(RLIMIT_FSIZE, &no_file_writes);
        ::setrlimit(RLIMIT_NOFILE, &few_files);
        ::execv(arguments[0], arguments);
        const int error_number = errno;
        [[maybe_unused]] const ssize_t ignored = ::write(4, &error_number, sizeof error_number);
        ::_exit(127);
    }

    ::close(sockets[1]);
    ::close(exec_error_pipe[1]);
    // The pipe closes on a successful exec (close-on-exec) or carries errno when exec failed.
    int exec_error = 0;
    ssize_t read_count;
    do {
        read_count = ::read(exec_error_pipe[0], &exec_error, sizeof exec_error);
    } while (read_count < 0 && errno == EINTR);
    ::close(exec_error_pipe[0]);
    if (read_count == sizeof exec_error) {
        ::close(sockets[0]);
        int status = 0;
        ::waitpid(pid, &status, 0);
        return make_errno_error(exec_error, "cannot run the extraction worker", program);
    }
    worker_pid = pid;
    socket = sockets[0];
    answered_requests = 0;
    return {};
}

void TextExtractor::Impl::stop_worker() {
    if (socket >= 0) {
        ::close(socket);
        socket = -1;
    }
    if (worker_pid > 0) {
        // An idle worker would exit on EOF by itself; SIGKILL makes the wait certain.
        ::kill(worker_pid, SIGKILL);
        int status = 0;
        while (::waitpid(worker_pid, &status, 0) < 0 && errno == EINTR) {
        }
        worker_pid = -1;
    }
}

Error TextExtractor::Impl::reap_crashed_worker(std::string_view filename) {
    ::close(socket);
    socket = -1;
    int status = 0;
    pid_t reaped = 0;
    // The socket closes as the worker exits; give it a moment to become a zombie, then make sure.
    for (int attempt = 0; attempt < 500 && reaped == 0; ++attempt) {
        reaped = ::waitpid(worker_pid, &status, WNOHANG);
        if (reaped == 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (reaped == 0) {
        ::kill(worker_pid, SIGKILL);
        while (::waitpid(worker_pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    worker_pid = -1;
    if (reaped > 0 && WIFSIGNALED(status)) {
        const int signal_number = WTERMSIG(status);
        if (signal_number == SIGXCPU || signal_number == SIGKILL)
            return Error{ErrorCode::LimitExceeded, "the extraction worker ran out of CPU time", std::string(filename)};
        return Error{ErrorCode::Internal,
                     "the extraction worker crashed (signal " + std::to_string(signal_number) + ")",
                     std::string(filename)};
    }
    if (reaped > 0 && WIFEXITED(status))
        return Error{ErrorCode::Internal,
                     "the extraction worker exited with status " + std::to_string(WEXITSTATUS(status)),
                     std::string(filename)};
    return Error{ErrorCode::Internal, "the extraction worker stopped answering", std::string(filename)};
}

Result<std::string> TextExtractor::Impl::run_request(std::string_view content_type, std::string_view filename,
                                                     std::string_view data, bool& retry_on_fresh_worker) {
    retry_on_fresh_worker = false;
    if (worker_pid < 0)
        CAIRN_TRY_VOID(start_worker());

    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(limits.seconds));
    protocol::RequestHeader request;
    request.content_type_bytes = static_cast<std::uint32_t>(content_type.size());
    request.filename_bytes = static_cast<std::uint32_t>(filename.size());
    request.data_bytes = data.size();
    request.max_text_bytes = limits.max_text_bytes;
    std::string head = protocol::encode_header(request);
    head.append(content_type);
    head.append(filename);

    const auto time_out = [&]() -> Error {
        stop_worker();
        return Error{ErrorCode::LimitExceeded,
                     "attachment text extraction took longer than " + format_seconds(limits.seconds) + " s",
                     std::string(filename)};
    };

    IoOutcome outcome = send_all(socket, head, deadline);
    if (outcome == IoOutcome::Done)
        outcome = send_all(socket, data, deadline);
    if (outcome == IoOutcome::TimedOut)
        return std::unexpected(time_out());
    // On Closed, a worker that refused the request (out of memory for its data) has still sent
    // its answer before exiting, so read on; a crashed one gives EOF below.
    const bool send_failed = outcome == IoOutcome::Closed;

    std::string header_bytes(sizeof(protocol::ResponseHeader), '\0');
    outcome = receive_exact(socket, header_bytes.data(), header_bytes.size(), deadline);
    if (outcome == IoOutcome::TimedOut)
        return std::unexpected(time_out());
    if (outcome == IoOutcome::Closed) {
        // A worker that had already answered requests may simply have gone since; one retry on a
        // fresh worker tells that apart from an attachment that kills it.
        retry_on_fresh_worker = send_failed && answered_requests > 0;
        return std::unexpected(reap_crashed_worker(filename));
    }
    const auto response = protocol::decode_header<protocol::ResponseHeader>(header_bytes);
    const auto status = static_cast<protocol::Status>(response.status);
    const std::uint64_t allowed_bytes = status == protocol::Status::Ok ? limits.max_text_bytes : MaxReasonBytes;
    if (response.magic != protocol::ResponseMagic || response.status > 4 || response.text_bytes > allowed_bytes) {
        stop_worker();
        return make_error(ErrorCode::Internal, "the extraction worker sent a malformed answer", std::string(filename));
    }
    std::string text(response.text_bytes, '\0');
    outcome = receive_exact(socket, text.data(), text.size(), deadline);
    if (outcome == IoOutcome::TimedOut)
        return std::unexpected(time_out());
    if (outcome == IoOutcome::Closed)
        return std::unexpected(reap_crashed_worker(filename));

    ++answered_requests;
    if ((response.flags & protocol::FlagRetiring) != 0 || send_failed)
        stop_worker();
    // The worker is the less trusted side: keep our promise of valid UTF-8 whatever it sent.
    if (!is_valid_utf8(text))
        text = make_valid_utf8(text);
    truncate_utf8(text, limits.max_text_bytes);
    if (status != protocol::Status::Ok)
        return make_error(error_code_of(status), text.empty() ? "text extraction failed" : text, std::string(filename));
    return text;
}

bool can_extract(std::string_view content_type, std::string_view filename) {
    return classify_document(content_type, filename) != DocumentKind::Unsupported;
}

Result<TextExtractor> TextExtractor::create(const std::filesystem::path& worker_executable,
                                            const ExtractionLimits& limits) {
    if (::access(worker_executable.c_str(), X_OK) != 0)
        return make_errno_error(errno, "cannot run the extraction worker", worker_executable.string());
    if (!(limits.seconds > 0) || limits.max_text_bytes == 0)
        return make_error(ErrorCode::InvalidArgument, "extraction limits must be positive");
    auto impl = std::make_unique<Impl>();
    impl->worker_executable = worker_executable;
    impl->limits = limits;
    return TextExtractor(std::move(impl));
}

TextExtractor::TextExtractor(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TextExtractor::TextExtractor(TextExtractor&&) noexcept = default;
TextExtractor& TextExtractor::operator=(TextExtractor&&) noexcept = default;
TextExtractor::~TextExtractor() = default;

Result<std::string> TextExtractor::extract(std::string_view content_type, std::string_view filename,
                                           std::string_view data) {
    if (!can_extract(content_type, filename))
        return make_error(ErrorCode::Unsupported, "no text extraction for this kind of attachment", std::string(filename));
    if (content_type.size() > protocol::MaxTypeOrNameBytes)
        content_type = content_type.substr(0, protocol::MaxTypeOrNameBytes);
    if (filename.size() > protocol::MaxTypeOrNameBytes)
        filename = filename.substr(filename.size() - protocol::MaxTypeOrNameBytes);  // keep the extension
    // The worker holds the whole attachment in memory; one that cannot fit beside the parser's
    // own needs is refused here rather than sent to die.
    if (!BuiltWithAddressSanitizer && m_impl->limits.memory_bytes > 0 && data.size() > m_impl->limits.memory_bytes / 2)
        return make_error(ErrorCode::LimitExceeded, "attachment too large for text extraction", std::string(filename));
    bool retry = false;
    auto result = m_impl->run_request(content_type, filename, data, retry);
    if (!result && retry)
        result = m_impl->run_request(content_type, filename, data, retry);
    return result;
}

std::filesystem::path default_worker_path() {
    if (const char* configured = std::getenv("CAIRN_EXTRACT_WORKER"); configured != nullptr && *configured != '\0')
        return configured;
    std::error_code error;
    const auto executable = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error)
        return "cairn-extract-worker";
    return executable.parent_path() / "cairn-extract-worker";
}

}  // namespace cairn::extract
