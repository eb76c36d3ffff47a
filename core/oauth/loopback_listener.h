// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/base/progress.h"
#include "core/base/result.h"

/// Internal to core/oauth: the one-shot HTTP listener on 127.0.0.1 that receives the browser's
/// redirect (RFC 8252 §7.3). POSIX sockets.
// FIXME: Windows needs Winsock here; move it to core/net when that module exists.
namespace cairn::oauth::detail {

/// An accepted browser connection whose request is waiting for an answer. Closes on destruction.
class BrowserRequest {
public:
    BrowserRequest() = default;
    BrowserRequest(int socket, std::map<std::string, std::string> query);
    ~BrowserRequest();
    BrowserRequest(BrowserRequest&& other) noexcept;
    BrowserRequest& operator=(BrowserRequest&& other) noexcept;
    BrowserRequest(const BrowserRequest&) = delete;
    BrowserRequest& operator=(const BrowserRequest&) = delete;

    /// The decoded query parameters of the request.
    const std::map<std::string, std::string>& query() const { return m_query; }
    /// Sends an HTML page and closes the connection; a browser that went away is ignored.
    void answer(int status, std::string_view title, std::string_view text);

private:
    int m_socket = -1;
    std::map<std::string, std::string> m_query;
};

class LoopbackListener {
public:
    /// Listens on 127.0.0.1 on a port the system picks. Unavailable when that fails.
    [[nodiscard]] static Result<LoopbackListener> open();
    ~LoopbackListener();
    LoopbackListener(LoopbackListener&& other) noexcept;
    LoopbackListener& operator=(LoopbackListener&& other) noexcept;
    LoopbackListener(const LoopbackListener&) = delete;
    LoopbackListener& operator=(const LoopbackListener&) = delete;

    std::uint16_t port() const { return m_port; }

    /// Waits for a GET of "/" carrying any of `code`, `state` or `error`, and returns it
    /// unanswered. Other requests (a favicon, a browser's speculative connection that sends
    /// nothing) are answered with 404 or dropped, and waiting goes on.
    /// Errors: LimitExceeded when the deadline passes, Cancelled.
    [[nodiscard]] Result<BrowserRequest> wait_for_redirect(std::chrono::steady_clock::time_point deadline,
                                                           const CancellationToken* cancellation);

private:
    LoopbackListener(int socket, std::uint16_t port) : m_socket(socket), m_port(port) {}
    int m_socket = -1;
    std::uint16_t m_port = 0;
};

}  // namespace cairn::oauth::detail
