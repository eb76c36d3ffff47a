// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/loopback_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>

namespace cairn::testing {
namespace {

std::string lower(std::string text) {
    std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    return std::string(text);
}

// Reads a head and, with Content-Length, a body. Returns false on a connection that closed early.
bool read_message(int socket, std::string& start_line, std::map<std::string, std::string>& headers,
                  std::string& body) {
    std::string data;
    char buffer[4096];
    std::size_t head_end;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
        pollfd readable{socket, POLLIN, 0};
        if (::poll(&readable, 1, 5000) <= 0) return false;
        ssize_t received = ::recv(socket, buffer, sizeof buffer, 0);
        if (received <= 0) return false;
        data.append(buffer, static_cast<std::size_t>(received));
    }
    std::string_view head(data.data(), head_end);
    std::size_t line_end = head.find("\r\n");
    start_line = std::string(head.substr(0, line_end));
    while (line_end != std::string_view::npos) {
        head.remove_prefix(line_end + 2);
        line_end = head.find("\r\n");
        std::string_view line = head.substr(0, line_end);
        std::size_t colon = line.find(':');
        if (colon != std::string_view::npos)
            headers[lower(std::string(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    }
    body = data.substr(head_end + 4);
    std::size_t length = headers.contains("content-length") ? std::stoul(headers["content-length"]) : 0;
    while (body.size() < length) {
        pollfd readable{socket, POLLIN, 0};
        if (::poll(&readable, 1, 5000) <= 0) return false;
        ssize_t received = ::recv(socket, buffer, sizeof buffer, 0);
        if (received <= 0) break;
        body.append(buffer, static_cast<std::size_t>(received));
    }
    // Without Content-Length, a response runs to the end of the connection.
    if (!headers.contains("content-length") && start_line.starts_with("HTTP/")) {
        for (;;) {
            pollfd readable{socket, POLLIN, 0};
            if (::poll(&readable, 1, 5000) <= 0) break;
            ssize_t received = ::recv(socket, buffer, sizeof buffer, 0);
            if (received <= 0) break;
            body.append(buffer, static_cast<std::size_t>(received));
        }
    }
    return true;
}

void send_all(int socket, std::string_view data) {
    while (!data.empty()) {
        ssize_t sent = ::send(socket, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(sent));
    }
}

std::string_view reason_phrase(int status) {
    switch (status) {
        case 200: return "OK";
        case 302: return "Found";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 428: return "Precondition Required";
        default: return "Status";
    }
}

}  // namespace

LoopbackHttpServer::LoopbackHttpServer(Handler handler) : m_handler(std::move(handler)) {
    m_socket = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (m_socket < 0 || ::bind(m_socket, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(m_socket, 16) != 0 || ::getsockname(m_socket, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("the test HTTP server could not listen on 127.0.0.1");
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
    m_stopping = true;
    m_thread.join();
    ::close(m_socket);
}

std::string LoopbackHttpServer::base_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

void LoopbackHttpServer::serve() {
    while (!m_stopping) {
        pollfd readable{m_socket, POLLIN, 0};
        if (::poll(&readable, 1, 20) <= 0) continue;
        int connection = ::accept4(m_socket, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) continue;
        HttpRequest request;
        std::string request_line;
        if (read_message(connection, request_line, request.headers, request.body)) {
            std::size_t first_space = request_line.find(' ');
            std::size_t second_space = request_line.find(' ', first_space + 1);
            request.method = request_line.substr(0, first_space);
            std::string target = request_line.substr(first_space + 1, second_space - first_space - 1);
            std::size_t question_mark = target.find('?');
            request.path = target.substr(0, question_mark);
            if (question_mark != std::string::npos) request.query = target.substr(question_mark + 1);
            HttpResponse response = m_handler(request);
            std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                               std::string(reason_phrase(response.status)) + "\r\n";
            for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
            head += "Content-Length: " + std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n";
            send_all(connection, head + response.body);
        }
        ::close(connection);
    }
}

HttpResponse http_request(const std::string& method, const std::string& url, const std::string& body,
                          const std::string& content_type) {
    HttpResponse response;
    const std::string prefix = "http://127.0.0.1:";
    if (!url.starts_with(prefix)) return response;
    std::size_t path_start = url.find('/', prefix.size());
    std::uint16_t port = static_cast<std::uint16_t>(std::stoi(url.substr(prefix.size(), path_start - prefix.size())));
    std::string target = path_start == std::string::npos ? "/" : url.substr(path_start);

    int socket = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::connect(socket, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(socket);
        return response;
    }
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nUser-Agent: cairn-test-browser\r\nConnection: close\r\n";
    if (method == "POST")
        request += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    request += "\r\n" + body;
    send_all(socket, request);
    std::string status_line;
    if (read_message(socket, status_line, response.headers, response.body) && status_line.size() > 12)
        response.status = std::stoi(status_line.substr(9, 3));
    ::close(socket);
    return response;
}

HttpResponse browse(const std::string& url) {
    HttpResponse response = http_request("GET", url);
    for (int redirects = 0; redirects < 5 && response.status / 100 == 3 && response.headers.contains("location");
         ++redirects)
        response = http_request("GET", response.headers["location"]);
    return response;
}

}  // namespace cairn::testing
