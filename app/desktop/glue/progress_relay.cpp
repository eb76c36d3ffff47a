// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/glue/progress_relay.h"

#include <algorithm>

namespace cairn::desktop {

ProgressEstimate estimate_progress(const Progress& progress, double elapsed_seconds) {
    ProgressEstimate estimate;
    if (elapsed_seconds > 0)
        estimate.messages_per_second = static_cast<double>(progress.done) / elapsed_seconds;
    if (progress.total > 0)
        estimate.fraction_done = static_cast<double>(progress.done) / static_cast<double>(progress.total);
    else if (progress.input_total > 0)
        estimate.fraction_done = static_cast<double>(progress.input_position) / static_cast<double>(progress.input_total);
    if (estimate.fraction_done)
        estimate.fraction_done = std::min(1.0, std::max(0.0, *estimate.fraction_done));
    // Too early a guess swings wildly; wait for a few percent and a second of work.
    if (estimate.fraction_done && *estimate.fraction_done > 0.02 && elapsed_seconds > 1.0)
        estimate.seconds_left = elapsed_seconds * (1.0 - *estimate.fraction_done) / *estimate.fraction_done;
    return estimate;
}

bool ProgressThrottle::should_pass(Clock::time_point now) {
    if (m_last_passed && now - *m_last_passed < m_interval)
        return false;
    m_last_passed = now;
    return true;
}

ProgressRelay::ProgressRelay(Handler on_update, Handler on_finish, UiPoster poster,
                             ProgressThrottle::Clock::duration interval)
    : m_on_update(std::move(on_update)), m_on_finish(std::move(on_finish)), m_poster(std::move(poster)),
      m_throttle(interval) {}

void ProgressRelay::update(const Progress& progress) {
    {
        std::lock_guard lock(m_mutex);
        if (!m_throttle.should_pass(ProgressThrottle::Clock::now()))
            return;
    }
    if (m_on_update)
        m_poster([handler = m_on_update, progress] { handler(progress); });
}

void ProgressRelay::finish(const Progress& progress) {
    if (m_on_finish)
        m_poster([handler = m_on_finish, progress] { handler(progress); });
}

}  // namespace cairn::desktop
