// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

#include "app/desktop/glue/ui_thread.h"

namespace cairn::desktop {

/// Runs short jobs (searches) one at a time on its own thread, where only the newest request
/// matters: a request that arrives while one runs replaces any still waiting, and the answer
/// to a request that was overtaken is dropped. So typing never waits for a search, and the list
/// shows the answer to what the box holds now, never an older one arriving late.
/// submit, busy and the deliveries all happen on the UI thread.
template <class Answer>
class LatestRequestWorker {
public:
    using Work = std::function<Answer()>;
    using Deliver = std::function<void(Answer answer)>;

    explicit LatestRequestWorker(UiPoster poster = application_poster())
        : m_state(std::make_shared<State>()), m_poster(std::move(poster)) {
        m_thread = std::jthread([state = m_state, poster = m_poster](std::stop_token stop) {
            for (;;) {
                Request request;
                {
                    std::unique_lock lock(state->mutex);
                    if (!state->wake.wait(lock, stop, [&] { return state->waiting.has_value(); }))
                        return;
                    request = std::move(*state->waiting);
                    state->waiting.reset();
                }
                auto answer = std::make_shared<Answer>(request.work());
                std::weak_ptr<State> weak = state;
                poster([weak, answer, generation = request.generation, deliver = std::move(request.deliver)] {
                    auto alive = weak.lock();
                    if (!alive || alive->stopped || generation != alive->latest)
                        return;
                    alive->delivered = generation;
                    deliver(std::move(*answer));
                });
            }
        });
    }

    ~LatestRequestWorker() {
        m_state->stopped = true;  // a posted answer that runs later is dropped
        m_thread.request_stop();
        if (m_thread.joinable())
            m_thread.join();
    }

    LatestRequestWorker(const LatestRequestWorker&) = delete;
    LatestRequestWorker& operator=(const LatestRequestWorker&) = delete;

    void submit(Work work, Deliver deliver) {
        const std::uint64_t generation = ++m_state->latest;
        {
            std::lock_guard lock(m_state->mutex);
            m_state->waiting = Request{generation, std::move(work), std::move(deliver)};
        }
        m_state->wake.notify_one();
    }

    /// The newest request's answer has not been delivered yet.
    bool busy() const { return m_state->delivered != m_state->latest; }

private:
    struct Request {
        std::uint64_t generation = 0;
        Work work;
        Deliver deliver;
    };
    struct State {
        std::mutex mutex;
        std::condition_variable_any wake;
        std::optional<Request> waiting;  ///< under mutex
        // UI thread only:
        std::uint64_t latest = 0;
        std::uint64_t delivered = 0;
        bool stopped = false;
    };

    std::shared_ptr<State> m_state;
    UiPoster m_poster;
    std::jthread m_thread;
};

}  // namespace cairn::desktop
