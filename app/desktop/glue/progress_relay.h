// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

#include "app/desktop/glue/ui_thread.h"
#include "core/base/progress.h"

namespace cairn::desktop {

/// Lets through at most one update per interval: a fast import reports thousands of messages a
/// second, and repainting a gauge for each would starve the event loop.
class ProgressThrottle {
public:
    using Clock = std::chrono::steady_clock;
    explicit ProgressThrottle(Clock::duration interval) : m_interval(interval) {}
    /// Whether an update arriving at NOW should be shown (and, if so, starts a new interval).
    bool should_pass(Clock::time_point now);

private:
    Clock::duration m_interval;
    std::optional<Clock::time_point> m_last_passed;
};

/// What a progress display shows beyond the counts.
struct ProgressEstimate {
    double messages_per_second = 0;
    std::optional<double> fraction_done;    ///< 0..1, when the total or the input size is known
    std::optional<double> seconds_left;     ///< when there is a fraction and a rate
};
ProgressEstimate estimate_progress(const Progress& progress, double elapsed_seconds);

/// A core ProgressObserver whose updates arrive on the UI thread, coalesced to about ten a
/// second; the final one always arrives.
class ProgressRelay : public ProgressObserver {
public:
    using Handler = std::function<void(const Progress& progress)>;
    ProgressRelay(Handler on_update, Handler on_finish, UiPoster poster = application_poster(),
                  ProgressThrottle::Clock::duration interval = std::chrono::milliseconds(100));

    void update(const Progress& progress) override;
    void finish(const Progress& progress) override;

private:
    Handler m_on_update;
    Handler m_on_finish;
    UiPoster m_poster;
    std::mutex m_mutex;  ///< core may report from several of its workers
    ProgressThrottle m_throttle;
};

}  // namespace cairn::desktop
