// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/loopback_listener.h"

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/oauth/http_client.h"

namespace cairn::oauth::detail {
namespace {

// A request line and headers from a browser fit easily; more is not a browser.
constexpr std::size_t MaximumRequestBytes = 32 * 1024;
// Browsers open connections ahead of need and may never use them; more than a few at once is not
// a browser either.
constexpr std::size_t MaximumConnections = 16;
constexpr auto IdleConnectionLimit = std::chrono::seconds(10);
// How often cancellation is noticed while nothing happens.
constexpr int PollSliceMilliseconds = 50;

struct Connection {
    int socket = -1;
    std::string received;
    std::chrono::steady_clock::time_point opened;
};

void send_all(int socket, std::string_view data) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!data.empty() && std::chrono::steady_clock::now() < deadline) {
        ssize_t sent = ::send(socket, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            data.remove_prefix(static_cast<std::size_t>(sent));
        } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            pollfd writable{socket, POLLOUT, 0};
            ::poll(&writable, 1, 100);
        } else {
            return;
        }
    }
}

void answer_plain(int socket, std::string_view status_line) {
    send_all(socket, fmt::format("HTTP/1.1 {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status_line));
}

std::string html_escape(std::string_view text) {
    std::string out;
    for (char character : text) {
        switch (character) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            default: out.push_back(character);
        }
    }
    return out;
}

}  // namespace

BrowserRequest::BrowserRequest(int socket, std::map<std::string, std::string> query)
    : m_socket(socket), m_query(std::move(query)) {}

BrowserRequest::~BrowserRequest() {
    if (m_socket >= 0) ::close(m_socket);
}

BrowserRequest::BrowserRequest(BrowserRequest&& other) noexcept
    : m_socket(std::exchange(other.m_socket, -1)), m_query(std::move(other.m_query)) {}

BrowserRequest& BrowserRequest::operator=(BrowserRequest&& other) noexcept {
    if (this != &other) {
        if (m_socket >= 0) ::close(m_socket);
        m_socket = std::exchange(other.m_socket, -1);
        m_query = std::move(other.m_query);
    }
    return *this;
}

void BrowserRequest::answer(int status, std::string_view title, std::string_view text) {
    if (m_socket < 0) return;
    std::string page = fmt::format(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Cairn: {0}</title></head>\n"
        "<body style=\"font-family: sans-serif; margin: 3em\"><h1>{0}</h1><p>{1}</p></body></html>\n",
        html_escape(title), html_escape(text));
    std::string_view reason = status == 200 ? "OK" : status == 400 ? "Bad Request" : "Forbidden";
    send_all(m_socket, fmt::format("HTTP/1.1 {} {}\r\nContent-Type: text/html; charset=utf-8\r\n"
                                   "Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{}",
                                   status, reason, page.size(), page));
    ::close(m_socket);
    m_socket = -1;
}

Result<LoopbackListener> LoopbackListener::open() {
    int listening = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listening < 0) return make_errno_error(errno, "could not open a socket for the browser sign-in");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    // Loopback only (RFC 8252 §8.3): nothing else on the network can deliver a code here.
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(listening, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listening, 8) != 0 ||
        ::getsockname(listening, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        int error_number = errno;
        ::close(listening);
        return make_errno_error(error_number, "could not listen on 127.0.0.1 for the browser sign-in");
    }
    return LoopbackListener(listening, ntohs(address.sin_port));
}

LoopbackListener::~LoopbackListener() {
    if (m_socket >= 0) ::close(m_socket);
}

LoopbackListener::LoopbackListener(LoopbackListener&& other) noexcept
    : m_socket(std::exchange(other.m_socket, -1)), m_port(other.m_port) {}

LoopbackListener& LoopbackListener::operator=(LoopbackListener&& other) noexcept {
    if (this != &other) {
        if (m_socket >= 0) ::close(m_socket);
        m_socket = std::exchange(other.m_socket, -1);
        m_port = other.m_port;
    }
    return *this;
}

Result<BrowserRequest> LoopbackListener::wait_for_redirect(std::chrono::steady_clock::time_point deadline,
                                                           const CancellationToken* cancellation) {
    std::vector<Connection> connections;
    auto close_all = [&connections] {
        for (Connection& connection : connections) ::close(connection.socket);
        connections.clear();
    };
    for (;;) {
        if (cancellation != nullptr && cancellation->is_cancelled()) {
            close_all();
            return make_error(ErrorCode::Cancelled, "sign-in cancelled");
        }
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            close_all();
            return make_error(ErrorCode::LimitExceeded,
                              "the sign-in was not finished in the browser in time: start it again");
        }
        std::erase_if(connections, [now](const Connection& connection) {
            bool idle = now - connection.opened > IdleConnectionLimit;
            if (idle) ::close(connection.socket);
            return idle;
        });

        std::vector<pollfd> watched;
        watched.push_back({m_socket, POLLIN, 0});
        for (const Connection& connection : connections) watched.push_back({connection.socket, POLLIN, 0});
        int ready = ::poll(watched.data(), watched.size(), PollSliceMilliseconds);
        if (ready < 0 && errno != EINTR) {
            int error_number = errno;
            close_all();
            return make_errno_error(error_number, "waiting for the browser failed");
        }
        if (ready <= 0) continue;

        // Connections first: their indexes in `watched` are only valid before any is removed.
        for (std::size_t index = connections.size(); index-- > 0;) {
            if (watched[index + 1].revents == 0) continue;
            Connection& connection = connections[index];
            char buffer[4096];
            ssize_t received = ::recv(connection.socket, buffer, sizeof buffer, 0);
            if (received < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (received <= 0) {
                ::close(connection.socket);
                connections.erase(connections.begin() + static_cast<std::ptrdiff_t>(index));
                continue;
            }
            connection.received.append(buffer, static_cast<std::size_t>(received));
            std::size_t head_end = connection.received.find("\r\n\r\n");
            if (head_end == std::string::npos) {
                if (connection.received.size() > MaximumRequestBytes) {
                    answer_plain(connection.socket, "431 Request Header Fields Too Large");
                    ::close(connection.socket);
                    connections.erase(connections.begin() + static_cast<std::ptrdiff_t>(index));
                }
                continue;
            }
            // "GET /?code=...&state=... HTTP/1.1"
            std::string_view request_line = std::string_view(connection.received).substr(0, connection.received.find("\r\n"));
            std::size_t first_space = request_line.find(' ');
            std::size_t second_space = request_line.find(' ', first_space + 1);
            std::string_view method = request_line.substr(0, first_space);
            std::string_view target = first_space == std::string_view::npos || second_space == std::string_view::npos
                                          ? std::string_view{}
                                          : request_line.substr(first_space + 1, second_space - first_space - 1);
            std::size_t question_mark = target.find('?');
            std::string_view path = target.substr(0, question_mark);
            std::map<std::string, std::string> query;
            if (question_mark != std::string_view::npos) query = parse_form(target.substr(question_mark + 1));
            bool is_redirect = method == "GET" && path == "/" &&
                               (query.contains("code") || query.contains("state") || query.contains("error"));
            int socket = connection.socket;
            connections.erase(connections.begin() + static_cast<std::ptrdiff_t>(index));
            if (is_redirect) {
                close_all();
                return BrowserRequest(socket, std::move(query));
            }
            answer_plain(socket, "404 Not Found");
            ::close(socket);
        }

        if (watched[0].revents != 0) {
            int accepted = ::accept4(m_socket, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (accepted >= 0) {
                if (connections.size() >= MaximumConnections) {
                    ::close(accepted);
                } else {
                    connections.push_back({accepted, {}, std::chrono::steady_clock::now()});
                }
            }
        }
    }
}

}  // namespace cairn::oauth::detail
