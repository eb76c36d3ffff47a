// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/dovecot_server.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cairn::testing {
namespace {

std::filesystem::path find_dovecot() {
    for (const char* candidate : {"/usr/sbin/dovecot", "/usr/local/sbin/dovecot", "/sbin/dovecot"})
        if (::access(candidate, X_OK) == 0)
            return candidate;
    if (const char* path = std::getenv("PATH")) {
        std::string_view remaining = path;
        while (!remaining.empty()) {
            std::size_t colon = remaining.find(':');
            std::filesystem::path candidate = std::filesystem::path(remaining.substr(0, colon)) / "dovecot";
            if (::access(candidate.c_str(), X_OK) == 0)
                return candidate;
            remaining = colon == std::string_view::npos ? std::string_view{} : remaining.substr(colon + 1);
        }
    }
    throw std::runtime_error("dovecot not installed: run ./setup.sh --deps-only");
}

/// COUNT distinct ports free right now on 127.0.0.1. The kernel picks them; every socket stays
/// open until all are picked, or a port just released could be handed out twice (Dovecot then
/// refuses "duplicate listener"). A short race with other processes is accepted for tests.
std::vector<std::uint16_t> free_ports(std::size_t count) {
    std::vector<int> descriptors;
    std::vector<std::uint16_t> ports;
    auto close_all = [&] {
        for (int descriptor : descriptors)
            ::close(descriptor);
    };
    while (ports.size() < count) {
        int descriptor = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (descriptor < 0 || ::bind(descriptor, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::getsockname(descriptor, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            const std::string problem = std::strerror(errno);
            if (descriptor >= 0)
                ::close(descriptor);
            close_all();
            throw std::runtime_error("cannot find a free port: " + problem);
        }
        descriptors.push_back(descriptor);
        ports.push_back(ntohs(address.sin_port));
    }
    close_all();
    return ports;
}

bool port_accepts(std::uint16_t port) {
    int descriptor = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    bool connected = ::connect(descriptor, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(descriptor);
    return connected;
}

std::string run_and_capture(const std::string& command) {
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        throw std::runtime_error("cannot run: " + command);
    std::array<char, 4096> buffer{};
    while (std::size_t count = std::fread(buffer.data(), 1, buffer.size(), pipe))
        output.append(buffer.data(), count);
    int status = ::pclose(pipe);
    if (status != 0)
        throw std::runtime_error("command failed (" + std::to_string(status) + "): " + command + "\n" + output);
    return output;
}

}  // namespace

DovecotServer::DovecotServer() : DovecotServer(Options{}) {}

DovecotServer::DovecotServer(Options options) : m_options(std::move(options)) {
    find_dovecot();
    if (::geteuid() == 0) {
        // Dovecot refuses to access mail as root; "nobody" exists everywhere.
        passwd* nobody = ::getpwnam("nobody");
        if (nobody == nullptr)
            throw std::runtime_error("running as root needs a 'nobody' user for Dovecot's mail processes");
        m_mail_uid = nobody->pw_uid;
        m_mail_gid = nobody->pw_gid;
        ::chmod(m_directory.path().c_str(), 0755);
    } else {
        m_mail_uid = ::getuid();
        m_mail_gid = ::getgid();
    }
    std::filesystem::create_directories(m_directory.path() / "mail");
    own_for_mail(m_directory.path() / "mail");
    write_file(m_directory.path() / "users", "");
    make_certificate();
    // Another test may take a port between our picking it and Dovecot binding it: pick again.
    for (int attempt = 1;; ++attempt) {
        const auto ports = free_ports(4);
        m_imap_port = ports[0];
        m_imaps_port = ports[1];
        m_pop3_port = ports[2];
        m_pop3s_port = ports[3];
        write_configuration();
        try {
            start();
            return;
        } catch (const std::runtime_error& failure) {
            const std::string text = failure.what();
            const bool port_taken = text.find("Address already in use") != std::string::npos ||
                                    text.find("duplicate listener") != std::string::npos;
            if (!port_taken || attempt == 3)
                throw;
        }
    }
}

DovecotServer::~DovecotServer() {
    stop();
}

void DovecotServer::make_certificate() {
    m_certificate = m_directory.path() / "certificate.pem";
    m_key = m_directory.path() / "key.pem";
    run_and_capture("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout '" +
                    m_key.string() + "' -out '" + m_certificate.string() +
                    "' -days 7 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>&1");
    std::string output = run_and_capture("openssl x509 -in '" + m_certificate.string() + "' -noout -fingerprint -sha256");
    // "sha256 Fingerprint=AB:CD:...\n"
    std::size_t equals = output.find('=');
    if (equals == std::string::npos)
        throw std::runtime_error("unexpected openssl fingerprint output: " + output);
    m_certificate_sha256 = output.substr(equals + 1);
    while (!m_certificate_sha256.empty() && std::isspace(static_cast<unsigned char>(m_certificate_sha256.back())))
        m_certificate_sha256.pop_back();
}

void DovecotServer::write_configuration() {
    const std::string directory = m_directory.path().string();
    std::string capabilities;
    if (!m_options.removed_capabilities.empty()) {
        // Dovecot 2.3's post-login list; imap_capability replaces it as a whole.
        static constexpr const char* Defaults[] = {
            "IMAP4rev1", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE", "SORT", "SORT=DISPLAY",
            "THREAD=REFERENCES", "THREAD=REFS", "THREAD=ORDEREDSUBJECT", "MULTIAPPEND", "URL-PARTIAL", "CATENATE",
            "UNSELECT", "CHILDREN", "NAMESPACE", "UIDPLUS", "LIST-EXTENDED", "I18NLEVEL=1", "CONDSTORE", "QRESYNC",
            "ESEARCH", "ESORT", "SEARCHRES", "WITHIN", "CONTEXT=SEARCH", "LIST-STATUS", "BINARY", "MOVE",
            "SNIPPET=FUZZY", "PREVIEW=FUZZY", "PREVIEW", "STATUS=SIZE", "SAVEDATE", "LITERAL+", "NOTIFY",
            "SPECIAL-USE"};
        for (const char* capability : Defaults) {
            auto& removed = m_options.removed_capabilities;
            if (std::find(removed.begin(), removed.end(), capability) != removed.end())
                continue;
            capabilities += capabilities.empty() ? "" : " ";
            capabilities += capability;
        }
    }
    bool root = ::geteuid() == 0;
    std::string user_name;
    if (!root) {
        passwd* entry = ::getpwuid(::getuid());
        user_name = entry != nullptr ? entry->pw_name : std::to_string(::getuid());
    }
    std::string config;
    config += "base_dir = " + directory + "/run\n";
    config += "state_dir = " + directory + "/state\n";
    config += "log_path = " + directory + "/dovecot.log\n";
    config += "protocols = imap pop3\n";
    config += "listen = 127.0.0.1\n";
    config += "ssl = yes\n";
    config += "ssl_cert = <" + m_certificate.string() + "\n";
    config += "ssl_key = <" + m_key.string() + "\n";
    config += "disable_plaintext_auth = no\n";
    bool oauth2 = !m_options.oauth2_introspection_url.empty();
    config += oauth2 ? "auth_mechanisms = plain login xoauth2 oauthbearer\n" : "auth_mechanisms = plain login\n";
    config += "auth_failure_delay = 0\n";
    config += "first_valid_uid = 1\nfirst_valid_gid = 0\n";
    config += "mail_uid = " + std::to_string(m_mail_uid) + "\n";
    config += "mail_gid = " + std::to_string(m_mail_gid) + "\n";
    config += "mail_location = maildir:" + directory + "/mail/%u\n";
    if (!capabilities.empty())
        config += "imap_capability = " + capabilities + "\n";
    if (!root) {
        // Without root, Dovecot cannot switch users or chroot: everything runs as us.
        config += "default_login_user = " + user_name + "\n";
        config += "default_internal_user = " + user_name + "\n";
        config += "service anvil {\n  chroot =\n}\n";
        config += "service imap-login {\n  chroot =\n}\n";
        config += "service pop3-login {\n  chroot =\n}\n";
    }
    config += "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u " + directory + "/users\n" +
              (oauth2 ? "  mechanisms = plain login\n" : "") + "}\n";
    if (oauth2) {
        // Dovecot 2.3's oauth2 passdb (doc.dovecot.org, "Open Authentication v2.0 database"):
        // no tokeninfo URL, so every token goes to the introspection endpoint; the user must be
        // the one the token belongs to (username_attribute), and the token must be active.
        write_file(m_directory.path() / "dovecot-oauth2.conf.ext",
                   "introspection_mode = post\n"
                   "introspection_url = " + m_options.oauth2_introspection_url + "\n"
                   "username_attribute = email\n"
                   "active_attribute = active\n"
                   "active_value = true\n");
        config += "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = " + directory +
                  "/dovecot-oauth2.conf.ext\n}\n";
    }
    config += "userdb {\n  driver = passwd-file\n  args = username_format=%u " + directory + "/users\n}\n";
    config += "service imap-login {\n  inet_listener imap {\n    port = " + std::to_string(m_imap_port) +
              "\n  }\n  inet_listener imaps {\n    port = " + std::to_string(m_imaps_port) +
              "\n    ssl = yes\n  }\n}\n";
    config += "service pop3-login {\n  inet_listener pop3 {\n    port = " + std::to_string(m_pop3_port) +
              "\n  }\n  inet_listener pop3s {\n    port = " + std::to_string(m_pop3s_port) +
              "\n    ssl = yes\n  }\n}\n";
    config += std::string("namespace inbox {\n  inbox = yes\n") +
              (m_options.courier_namespace ? "  separator = .\n  prefix = INBOX.\n" : "  separator = /\n") +
              "  mailbox Drafts {\n    special_use = \\Drafts\n  }\n"
              "  mailbox Sent {\n    special_use = \\Sent\n  }\n"
              "  mailbox Trash {\n    special_use = \\Trash\n  }\n"
              "  mailbox Junk {\n    special_use = \\Junk\n  }\n"
              "  mailbox Archive {\n    special_use = \\Archive\n  }\n}\n";
    m_config = m_directory.path() / "dovecot.conf";
    write_file(m_config, config);
}

void DovecotServer::start() {
    if (m_pid > 0)
        return;
    std::filesystem::path binary = find_dovecot();
    pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        // Its own process group, so stop() can also end the mail processes it forked.
        ::setpgid(0, 0);
        int output = ::open((m_directory.path() / "dovecot.stderr").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (output >= 0) {
            ::dup2(output, STDOUT_FILENO);
            ::dup2(output, STDERR_FILENO);
        }
        ::execl(binary.c_str(), "dovecot", "-F", "-c", m_config.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    m_pid = pid;
    wait_until_listening();
}

void DovecotServer::wait_until_listening() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1;
            throw std::runtime_error("dovecot exited at start; its log:\n" + log());
        }
        if (port_accepts(m_imap_port) && port_accepts(m_imaps_port) && port_accepts(m_pop3_port))
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error("dovecot did not listen within 15 seconds; its log:\n" + log());
}

void DovecotServer::stop() {
    if (m_pid <= 0)
        return;
    ::kill(m_pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (::waitpid(m_pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Mail processes may outlive the master to finish a command; a stop is a hard drop for
    // the clients, as a crash or a network failure would be.
    ::kill(-m_pid, SIGKILL);
    m_pid = -1;
    // The master leaves master.pid behind only when killed; a stale one would stop a restart.
    std::error_code ignored;
    std::filesystem::remove(m_directory.path() / "run" / "master.pid", ignored);
}

void DovecotServer::restart() {
    stop();
    start();
}

std::string DovecotServer::log() const {
    std::string text;
    for (const char* name : {"dovecot.stderr", "dovecot.log"}) {
        std::filesystem::path path = m_directory.path() / name;
        if (std::filesystem::exists(path))
            text += read_file(path);
    }
    return text;
}

void DovecotServer::add_user(const std::string& user, const std::string& password) {
    std::ofstream users(m_directory.path() / "users", std::ios::app);
    users << user << ":{PLAIN}" << password << "::::" << (m_directory.path() / "home" / user).string() << "::\n";
    std::filesystem::create_directories(maildir(user));
    for (const char* sub : {"cur", "new", "tmp"})
        std::filesystem::create_directories(maildir(user) / sub);
    own_for_mail(maildir(user));
}

std::filesystem::path DovecotServer::maildir(const std::string& user) const {
    return m_directory.path() / "mail" / user;
}

std::filesystem::path DovecotServer::folder_directory(const std::string& user, const std::string& folder) const {
    if (folder.empty() || folder == "INBOX")
        return maildir(user);
    // Maildir++: ".Parent.Child", each level in modified UTF-7.
    std::string name;
    std::size_t start = 0;
    while (start <= folder.size()) {
        std::size_t slash = folder.find('/', start);
        std::string level = folder.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        name += "." + encode_modified_utf7(level);
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    return maildir(user) / name;
}

void DovecotServer::create_folder(const std::string& user, const std::string& folder) {
    std::filesystem::path directory = folder_directory(user, folder);
    for (const char* sub : {"cur", "new", "tmp"})
        std::filesystem::create_directories(directory / sub);
    if (directory != maildir(user))
        write_file(directory / "maildirfolder", "");
    own_for_mail(maildir(user));
}

std::filesystem::path DovecotServer::put_message(const std::string& user, const std::string& folder,
                                                 const std::string& bytes, const std::string& flags,
                                                 std::int64_t internal_date) {
    create_folder(user, folder);
    std::string sorted_flags = flags;
    std::sort(sorted_flags.begin(), sorted_flags.end());
    char name[64];
    // Dovecot gives new files UIDs in file-name order; a zero-padded counter keeps put order.
    std::snprintf(name, sizeof name, "%010llu.cairn:2,", static_cast<unsigned long long>(++m_message_counter));
    std::filesystem::path path = folder_directory(user, folder) / "cur" / (name + sorted_flags);
    write_file(path, bytes);
    if (internal_date != 0) {
        timespec times[2]{};
        times[0].tv_sec = static_cast<time_t>(internal_date);
        times[1].tv_sec = static_cast<time_t>(internal_date);
        ::utimensat(AT_FDCWD, path.c_str(), times, 0);
    }
    own_for_mail(path);
    return path;
}

void DovecotServer::own_for_mail(const std::filesystem::path& path) const {
    if (::geteuid() != 0)
        return;
    auto change = [&](const std::filesystem::path& one) {
        if (::lchown(one.c_str(), m_mail_uid, m_mail_gid) != 0)
            throw std::runtime_error("cannot chown " + one.string());
    };
    change(path);
    if (std::filesystem::is_directory(path))
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
            change(entry.path());
}

std::string DovecotServer::served_form(std::string_view bytes) {
    std::string served;
    served.reserve(bytes.size() + bytes.size() / 32);
    for (std::size_t index = 0; index < bytes.size(); ++index) {
        if (bytes[index] == '\n' && (index == 0 || bytes[index - 1] != '\r'))
            served += '\r';
        served += bytes[index] == '\0' ? '\x80' : bytes[index];
    }
    return served;
}

std::string DovecotServer::encode_modified_utf7(std::string_view utf8) {
    static constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
    std::string encoded;
    std::vector<std::uint16_t> pending;  // UTF-16 units of the current non-ASCII run
    auto flush = [&] {
        if (pending.empty())
            return;
        encoded += '&';
        std::uint32_t bits = 0;
        int bit_count = 0;
        for (std::uint16_t unit : pending) {
            bits = (bits << 16) | unit;
            bit_count += 16;
            while (bit_count >= 6) {
                encoded += Alphabet[(bits >> (bit_count - 6)) & 63];
                bit_count -= 6;
            }
        }
        if (bit_count > 0)
            encoded += Alphabet[(bits << (6 - bit_count)) & 63];
        encoded += '-';
        pending.clear();
    };
    for (std::size_t index = 0; index < utf8.size();) {
        auto byte = static_cast<unsigned char>(utf8[index]);
        if (byte >= 0x20 && byte < 0x7f) {
            flush();
            encoded += byte == '&' ? std::string("&-") : std::string(1, static_cast<char>(byte));
            ++index;
            continue;
        }
        std::uint32_t code_point = 0;
        int length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
        code_point = length == 1 ? byte : byte & (0x7F >> length);
        for (int continuation = 1; continuation < length && index + continuation < utf8.size(); ++continuation)
            code_point = (code_point << 6) | (static_cast<unsigned char>(utf8[index + continuation]) & 0x3F);
        index += static_cast<std::size_t>(length);
        if (code_point >= 0x10000) {
            code_point -= 0x10000;
            pending.push_back(static_cast<std::uint16_t>(0xD800 + (code_point >> 10)));
            pending.push_back(static_cast<std::uint16_t>(0xDC00 + (code_point & 0x3FF)));
        } else {
            pending.push_back(static_cast<std::uint16_t>(code_point));
        }
    }
    flush();
    return encoded;
}

}  // namespace cairn::testing
