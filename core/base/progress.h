// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace cairn {

/// Set from any thread (a signal handler, a Cancel button); long jobs poll it between batches.
class CancellationToken {
public:
    void cancel() noexcept { m_cancelled.store(true, std::memory_order_relaxed); }
    bool is_cancelled() const noexcept { return m_cancelled.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancelled{false};
};

/// A snapshot of a long job's progress. total is 0 when unknown.
struct Progress {
    std::uint64_t done = 0;
    std::uint64_t total = 0;
    std::uint64_t bytes_done = 0;
    /// Input to get through, where known up front (an import's file sizes): with
    /// input_position it gives a share done and an ETA when `total` is unknown.
    std::uint64_t input_total = 0;
    std::uint64_t input_position = 0;
    std::uint64_t failed = 0;
    std::string current;  ///< what is being worked on now (a file, a folder)
};

/// Observes a job; called on the job's thread, so an implementation must be quick
/// and hop to its own thread if it needs to (the desktop glue does).
class ProgressObserver {
public:
    virtual ~ProgressObserver() = default;
    virtual void update(const Progress& progress) = 0;
    virtual void finish(const Progress& progress) { (void)progress; }
};

}  // namespace cairn
