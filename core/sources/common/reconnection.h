// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "core/base/progress.h"
#include "core/base/result.h"

/// How the mail account readers (IMAP, POP3) keep trying when a server drops or refuses the
/// connection: growing pauses, a time limit, and cancellation honoured while waiting.
namespace cairn::sources {

struct ReconnectPolicy {
    /// Stop trying once this much time has passed since the first failure.
    double give_up_after_seconds = 60;
    /// The first pause; each following one doubles, up to longest_pause_seconds.
    double first_pause_seconds = 1;
    double longest_pause_seconds = 30;
};

/// Sleeps SECONDS in short steps; false as soon as CANCEL is set (then or during the wait).
inline bool pause_unless_cancelled(double seconds, const CancellationToken* cancel) {
    using Clock = std::chrono::steady_clock;
    auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    while (Clock::now() < until) {
        if (cancel && cancel->is_cancelled())
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return !(cancel && cancel->is_cancelled());
}

/// Runs CONNECT until it succeeds or fails with anything but Unavailable (a refused login or
/// an untrusted certificate: retrying would not help), pausing between tries as POLICY says.
/// Returns the last error when time runs out, Cancelled (naming SOURCE_NAME) when cancelled.
template <typename Connected>
Result<Connected> connect_with_retries(const std::function<Result<Connected>()>& connect, const ReconnectPolicy& policy,
                                       const CancellationToken* cancel, const std::string& source_name) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    double pause = policy.first_pause_seconds;
    for (;;) {
        auto connected = connect();
        if (connected)
            return connected;
        const double waited = std::chrono::duration<double>(Clock::now() - started).count();
        if (connected.error().code != ErrorCode::Unavailable || waited + pause > policy.give_up_after_seconds)
            return std::unexpected(connected.error());
        if (!pause_unless_cancelled(pause, cancel))
            return make_error(ErrorCode::Cancelled, "cancelled", source_name);
        pause = std::min(pause * 2, policy.longest_pause_seconds);
    }
}

}  // namespace cairn::sources
