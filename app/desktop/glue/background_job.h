// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <thread>

#include "app/desktop/glue/progress_relay.h"
#include "app/desktop/glue/ui_thread.h"
#include "core/archive/archive.h"

namespace cairn::desktop {

/// Runs a long core job (an import, an export) on its own thread with its own Archive, and
/// delivers progress and the result on the UI thread. Destroying it cancels the job and waits,
/// and nothing is delivered after that.
template <class Report>
class BackgroundJob {
public:
    using Work = std::function<Result<Report>(Archive& archive, ProgressObserver& observer,
                                              const CancellationToken& cancel)>;
    using ProgressHandler = std::function<void(const Progress& progress)>;
    using DoneHandler = std::function<void(Result<Report> result)>;

    BackgroundJob(Archive archive, Work work, ProgressHandler on_progress, DoneHandler on_done,
                  UiPoster poster = application_poster())
        : m_alive(std::make_shared<bool>(true)) {
        std::weak_ptr<bool> alive = m_alive;
        auto guarded_progress = [alive, on_progress](const Progress& progress) {
            if (alive.lock() && on_progress)
                on_progress(progress);
        };
        m_relay = std::make_unique<ProgressRelay>(guarded_progress, guarded_progress, poster);
        m_thread = std::jthread([this, alive, poster, archive = std::move(archive), work = std::move(work),
                                 on_done = std::move(on_done)](std::stop_token) mutable {
            auto result = std::make_shared<Result<Report>>(work(archive, *m_relay, m_cancel));
            // The archive closes (and its writer lock goes) before the UI hears the job ended,
            // so whatever the UI starts next finds the archive free.
            { Archive closing = std::move(archive); }
            poster([alive, on_done, result] {
                if (alive.lock() && on_done)
                    on_done(std::move(*result));
            });
        });
    }

    ~BackgroundJob() {
        m_alive.reset();
        m_cancel.cancel();
        if (m_thread.joinable())
            m_thread.join();
    }

    BackgroundJob(const BackgroundJob&) = delete;
    BackgroundJob& operator=(const BackgroundJob&) = delete;

    void cancel() { m_cancel.cancel(); }

private:
    std::shared_ptr<bool> m_alive;  ///< weak copies in posted work see the job is gone
    CancellationToken m_cancel;
    std::unique_ptr<ProgressRelay> m_relay;
    std::jthread m_thread;
};

}  // namespace cairn::desktop
