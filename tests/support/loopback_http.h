// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>

/// Plain HTTP/1.1 on 127.0.0.1 for tests: a one-request-per-connection server in a thread and a
/// client that plays a browser. Enough for OAuth's form posts and redirects, nothing more.
namespace cairn::testing {

struct HttpRequest {
    std::string method;
    std::string path;   ///< without the query
    std::string query;  ///< after '?', still encoded
    std::map<std::string, std::string> headers;  ///< names in lower case
    std::string body;
};

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  ///< names in lower case
    std::string body;
};

class LoopbackHttpServer {
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;
    /// Listens on 127.0.0.1 on a free port and serves `handler` on its own thread until destroyed.
    explicit LoopbackHttpServer(Handler handler);
    ~LoopbackHttpServer();
    LoopbackHttpServer(const LoopbackHttpServer&) = delete;
    LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

    std::uint16_t port() const { return m_port; }
    /// "http://127.0.0.1:PORT"
    std::string base_url() const;

private:
    void serve();
    Handler m_handler;
    int m_socket = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
};

/// One request to http://127.0.0.1:PORT/...; status 0 when the connection failed.
HttpResponse http_request(const std::string& method, const std::string& url, const std::string& body = {},
                          const std::string& content_type = "application/x-www-form-urlencoded");

/// GETs a URL and follows redirects (at most 5), as a browser would.
HttpResponse browse(const std::string& url);

}  // namespace cairn::testing
