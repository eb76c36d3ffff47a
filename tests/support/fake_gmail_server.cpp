// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/fake_gmail_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

#include "core/base/text.h"

namespace cairn::testing {
namespace {

constexpr const char* AllMail = "[Gmail]/All Mail";
constexpr std::uint64_t FirstMessageId = 1278455344230334865ull;  // the documentation's example

/// Reads one CRLF-terminated line; false when the peer closed or the server is stopping.
bool read_line(int socket, std::string& buffer, std::string& line, const std::atomic<bool>& stopping) {
    for (;;) {
        auto end = buffer.find("\r\n");
        if (end != std::string::npos) {
            line = buffer.substr(0, end);
            buffer.erase(0, end + 2);
            return true;
        }
        pollfd readable{socket, POLLIN, 0};
        int ready = ::poll(&readable, 1, 200);
        if (stopping)
            return false;
        if (ready <= 0)
            continue;
        char chunk[8192];
        ssize_t received = ::recv(socket, chunk, sizeof chunk, 0);
        if (received <= 0)
            return false;
        buffer.append(chunk, static_cast<std::size_t>(received));
    }
}

void send_all(int socket, std::string_view data) {
    while (!data.empty()) {
        ssize_t sent = ::send(socket, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent <= 0)
            return;
        data.remove_prefix(static_cast<std::size_t>(sent));
    }
}

/// The command's words; quoted strings unquoted (commands from our client carry no literals).
std::vector<std::string> split_arguments(std::string_view text) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < text.size()) {
        if (text[at] == ' ') {
            ++at;
            continue;
        }
        std::string word;
        if (text[at] == '"') {
            for (++at; at < text.size() && text[at] != '"'; ++at) {
                if (text[at] == '\\' && at + 1 < text.size())
                    ++at;
                word.push_back(text[at]);
            }
            ++at;
        } else if (text[at] == '(') {
            // A parenthesised list stays one word (FETCH items).
            auto close = text.find(')', at);
            close = close == std::string_view::npos ? text.size() : close + 1;
            word = std::string(text.substr(at, close - at));
            at = close;
        } else {
            while (at < text.size() && text[at] != ' ')
                word.push_back(text[at++]);
        }
        words.push_back(std::move(word));
    }
    return words;
}

std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (char character : text) {
        if (character == '"' || character == '\\')
            out.push_back('\\');
        out.push_back(character);
    }
    return out + "\"";
}

/// UIDs of SET ("1:5,9,12:*") among AVAILABLE (ascending).
std::vector<std::uint32_t> uids_in_set(std::string_view set, const std::vector<std::uint32_t>& available) {
    std::vector<std::uint32_t> chosen;
    const std::uint32_t highest = available.empty() ? 0 : available.back();
    auto number = [&](std::string_view text) -> std::uint32_t {
        return text == "*" ? highest : static_cast<std::uint32_t>(std::stoul(std::string(text)));
    };
    while (!set.empty()) {
        auto comma = set.find(',');
        auto range = set.substr(0, comma);
        set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
        auto colon = range.find(':');
        std::uint32_t low = number(range.substr(0, colon));
        std::uint32_t high = colon == std::string_view::npos ? low : number(range.substr(colon + 1));
        if (low > high)
            std::swap(low, high);
        for (auto uid : available)
            if (uid >= low && uid <= high && std::find(chosen.begin(), chosen.end(), uid) == chosen.end())
                chosen.push_back(uid);
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

std::string internal_date_text(std::int64_t seconds) {
    std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    ::gmtime_r(&time, &parts);
    char text[64];
    std::strftime(text, sizeof text, "%d-%b-%Y %H:%M:%S +0000", &parts);
    return text;
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : " ") + item;
    return text;
}

/// A label as X-GM-LABELS carries it. Google's example mixes forms
/// ("(\Inbox \Sent Important "Muy Importante")"), and Gmail also sends system labels as
/// quoted strings ("\\Important"): a client must read them all.
std::string label_item(const std::string& label) {
    if (label == "\\Important")
        return quoted(label);
    const bool atom = !label.empty() && std::all_of(label.begin(), label.end(), [](char character) {
        return std::isalnum(static_cast<unsigned char>(character)) || character == '\\' || character == '&' ||
               character == '-' || character == '/';
    });
    return atom ? label : quoted(label);
}

}  // namespace

FakeGmailServer::FakeGmailServer(std::string user, std::string password)
    : m_user(std::move(user)), m_password(std::move(password)) {
    m_listen_socket = ::socket(AF_INET, SOCK_STREAM, 0);
    if (m_listen_socket < 0)
        throw std::runtime_error("fake Gmail: socket() failed");
    int reuse = 1;
    ::setsockopt(m_listen_socket, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(m_listen_socket, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(m_listen_socket, 4) != 0 ||
        ::getsockname(m_listen_socket, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("fake Gmail: cannot listen on 127.0.0.1");
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
}

FakeGmailServer::~FakeGmailServer() {
    m_stopping = true;
    if (m_thread.joinable())
        m_thread.join();
    ::close(m_listen_socket);
}

void FakeGmailServer::add_label(const std::string& label) {
    std::lock_guard lock(m_mutex);
    m_labels.push_back(label);
}

std::uint64_t FakeGmailServer::add_message(Message message) {
    std::lock_guard lock(m_mutex);
    m_messages.push_back(std::move(message));
    return FirstMessageId + m_messages.size() - 1;
}

void FakeGmailServer::renumber() {
    std::lock_guard lock(m_mutex);
    ++m_uid_validity;
    m_uids.clear();
    m_next_uid.clear();
}

void FakeGmailServer::set_labels(std::size_t index, std::vector<std::string> labels) {
    std::lock_guard lock(m_mutex);
    m_messages.at(index).labels = std::move(labels);
}

void FakeGmailServer::move_to(std::size_t index, Location location) {
    std::lock_guard lock(m_mutex);
    m_messages.at(index).location = location;
}

std::map<std::string, std::size_t> FakeGmailServer::bodies_served() const {
    std::lock_guard lock(m_mutex);
    return m_bodies_served;
}

std::vector<std::string> FakeGmailServer::commands() const {
    std::lock_guard lock(m_mutex);
    return m_commands;
}

std::vector<FakeGmailServer::Folder> FakeGmailServer::folders() const {
    std::vector<Folder> list = {
        {"INBOX", "\\HasNoChildren"},
        {"[Gmail]", "\\Noselect \\HasChildren"},
        {AllMail, "\\HasNoChildren \\All"},
        {"[Gmail]/Drafts", "\\HasNoChildren \\Drafts"},
        {"[Gmail]/Important", "\\HasNoChildren \\Important"},
        {"[Gmail]/Sent Mail", "\\HasNoChildren \\Sent"},
        {"[Gmail]/Spam", "\\HasNoChildren \\Junk"},
        {"[Gmail]/Starred", "\\HasNoChildren \\Flagged"},
        {"[Gmail]/Trash", "\\HasNoChildren \\Trash"},
    };
    for (const auto& label : m_labels)
        list.push_back({label, "\\HasNoChildren"});
    return list;
}

/// FOLDER's messages as (UID, index into m_messages), in UID order. A message that enters the
/// folder gets the folder's next UID; one that leaves loses its UID there.
std::vector<std::pair<std::uint32_t, std::size_t>> FakeGmailServer::messages_in(const std::string& folder) {
    static const std::map<std::string, std::string> SystemLabels = {
        {"INBOX", "\\Inbox"},          {"[Gmail]/Drafts", "\\Draft"},     {"[Gmail]/Important", "\\Important"},
        {"[Gmail]/Sent Mail", "\\Sent"}, {"[Gmail]/Starred", "\\Starred"},
    };
    std::vector<std::size_t> found;
    for (std::size_t index = 0; index < m_messages.size(); ++index) {
        const auto& message = m_messages[index];
        bool in_folder = false;
        if (folder == "[Gmail]/Trash")
            in_folder = message.location == Location::Trash;
        else if (folder == "[Gmail]/Spam")
            in_folder = message.location == Location::Spam;
        else if (message.location != Location::AllMail)
            in_folder = false;
        else if (folder == AllMail)
            in_folder = true;
        else {
            auto system = SystemLabels.find(folder);
            const std::string label = system != SystemLabels.end() ? system->second : folder;
            in_folder = std::find(message.labels.begin(), message.labels.end(), label) != message.labels.end();
        }
        if (in_folder)
            found.push_back(index);
    }
    auto& uids = m_uids[folder];
    for (auto entry = uids.begin(); entry != uids.end();)
        entry = std::find(found.begin(), found.end(), entry->first) == found.end() ? uids.erase(entry) : std::next(entry);
    std::uint32_t& next_uid = m_next_uid.try_emplace(folder, 1).first->second;
    std::vector<std::pair<std::uint32_t, std::size_t>> numbered;
    for (auto index : found) {
        auto [entry, added] = uids.try_emplace(index, next_uid);
        if (added)
            ++next_uid;
        numbered.emplace_back(entry->second, index);
    }
    std::sort(numbered.begin(), numbered.end());
    return numbered;
}

void FakeGmailServer::serve() {
    while (!m_stopping) {
        pollfd readable{m_listen_socket, POLLIN, 0};
        if (::poll(&readable, 1, 200) <= 0)
            continue;
        int connection = ::accept(m_listen_socket, nullptr, nullptr);
        if (connection < 0)
            continue;
        handle_connection(connection);
        ::close(connection);
    }
}

void FakeGmailServer::handle_connection(int socket) {
    send_all(socket, "* OK Gimap ready for requests from 127.0.0.1 k2if6111336rvb.0\r\n");
    const std::string before_login =
        "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN "
        "AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER";
    const std::string after_login =
        "IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS COMPRESS=DEFLATE ENABLE MOVE "
        "CONDSTORE ESEARCH UTF8=ACCEPT LIST-EXTENDED LIST-STATUS LITERAL- SPECIAL-USE APPENDLIMIT=35651584";
    bool signed_in = false;
    std::string selected;
    std::string buffer, line;
    while (read_line(socket, buffer, line, m_stopping)) {
        auto space = line.find(' ');
        if (space == std::string::npos) {
            send_all(socket, "* BAD Could not parse command\r\n");
            continue;
        }
        const std::string tag = line.substr(0, space);
        auto words = split_arguments(std::string_view(line).substr(space + 1));
        {
            std::lock_guard lock(m_mutex);
            m_commands.push_back(line.substr(space + 1));
        }
        if (words.empty()) {
            send_all(socket, tag + " BAD Could not parse command\r\n");
            continue;
        }
        const std::string verb = lower_ascii(words[0]);
        auto reply = [&](std::string text) { send_all(socket, text); };
        if (verb == "capability") {
            reply(fmt::format("* CAPABILITY {}\r\n{} OK Success\r\n", signed_in ? after_login : before_login, tag));
        } else if (verb == "noop") {
            reply(tag + " OK Success\r\n");
        } else if (verb == "id") {
            reply(fmt::format("* ID (\"name\" \"GImap\" \"vendor\" \"Google, Inc.\" \"support-url\" "
                              "\"http://mail.google.com/support\")\r\n{} OK Success\r\n",
                              tag));
        } else if (verb == "login" && words.size() == 3) {
            signed_in = words[1] == m_user && words[2] == m_password;
            reply(signed_in ? fmt::format("* CAPABILITY {}\r\n{} OK {} authenticated (Success)\r\n", after_login, tag,
                                          m_user)
                            : tag + " NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n");
        } else if (verb == "authenticate" && words.size() == 3 && lower_ascii(words[1]) == "plain") {
            const std::string expected = std::string(1, '\0') + m_user + std::string(1, '\0') + m_password;
            signed_in = words[2] == base64_encode(expected);
            reply(signed_in ? fmt::format("* CAPABILITY {}\r\n{} OK {} authenticated (Success)\r\n", after_login, tag,
                                          m_user)
                            : tag + " NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n");
        } else if (verb == "logout") {
            reply(fmt::format("* BYE LOGOUT Requested\r\n{} OK 73 good day (Success)\r\n", tag));
            return;
        } else if (!signed_in) {
            reply(tag + " BAD Unknown command or not signed in\r\n");
        } else if (verb == "namespace") {
            reply(fmt::format("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n{} OK Success\r\n", tag));
        } else if (verb == "list" && words.size() >= 3) {
            std::lock_guard lock(m_mutex);
            std::string text;
            for (const auto& folder : folders())
                text += fmt::format("* LIST ({}) \"/\" {}\r\n", folder.attributes, quoted(folder.name));
            reply(text + tag + " OK Success\r\n");
        } else if ((verb == "examine" || verb == "select") && words.size() == 2) {
            std::lock_guard lock(m_mutex);
            auto all = folders();
            auto found = std::find_if(all.begin(), all.end(), [&](const Folder& folder) {
                return folder.name == words[1] && folder.attributes.find("\\Noselect") == std::string::npos;
            });
            if (found == all.end()) {
                reply(tag + " NO [NONEXISTENT] Unknown Mailbox: " + words[1] + " (Failure)\r\n");
                continue;
            }
            selected = words[1];
            const auto count = messages_in(selected).size();
            const auto uid_next = m_next_uid[selected];
            reply(fmt::format("* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing)\r\n"
                              "* OK [PERMANENTFLAGS ()] Flags permitted.\r\n* OK [UIDVALIDITY {}] UIDs valid.\r\n"
                              "* {} EXISTS\r\n* 0 RECENT\r\n* OK [UIDNEXT {}] Predicted next UID.\r\n"
                              "* OK [HIGHESTMODSEQ 4242]\r\n{} OK [{}] {} Success\r\n",
                              m_uid_validity, count, uid_next, tag, verb == "examine" ? "READ-ONLY" : "READ-WRITE",
                              words[1]));
        } else if (verb == "uid" && words.size() >= 3 && !selected.empty()) {
            std::lock_guard lock(m_mutex);
            const auto in_folder = messages_in(selected);
            std::vector<std::uint32_t> uids;
            std::map<std::uint32_t, std::pair<std::size_t, std::size_t>> position_and_index;  // by UID
            for (std::size_t position = 0; position < in_folder.size(); ++position) {
                uids.push_back(in_folder[position].first);
                position_and_index[in_folder[position].first] = {position + 1, in_folder[position].second};
            }
            const std::string command = lower_ascii(words[1]);
            if (command == "search" && words.size() == 4 && lower_ascii(words[2]) == "uid") {
                auto found = uids_in_set(words[3], uids);
                std::string text = "* SEARCH";
                for (auto uid : found)
                    text += " " + std::to_string(uid);
                reply(text + "\r\n" + tag + " OK SEARCH completed (Success)\r\n");
            } else if (command == "fetch" && words.size() == 4) {
                std::string text;
                // Only what was asked for, as a server does: a client that stops asking for
                // labels must not get them anyway.
                const std::string items = lower_ascii(words[3]);
                auto asked = [&](std::string_view item) { return items.find(item) != std::string::npos; };
                const bool with_body = asked("body");
                for (auto uid : uids_in_set(words[2], uids)) {
                    const auto [sequence_number, index] = position_and_index[uid];
                    const auto& message = m_messages[index];
                    std::vector<std::string> labels;
                    for (const auto& label : message.labels)
                        labels.push_back(label_item(label));
                    std::vector<std::string> attributes;
                    if (asked("x-gm-msgid"))
                        attributes.push_back(fmt::format("X-GM-MSGID {}", FirstMessageId + index));
                    if (asked("x-gm-labels"))
                        attributes.push_back(fmt::format("X-GM-LABELS ({})", joined(labels)));
                    attributes.push_back(fmt::format("UID {}", uid));
                    if (asked("rfc822.size"))
                        attributes.push_back(fmt::format("RFC822.SIZE {}", message.bytes.size()));
                    if (asked("internaldate"))
                        attributes.push_back(fmt::format("INTERNALDATE \"{}\"", internal_date_text(message.internal_date)));
                    if (asked("flags"))
                        attributes.push_back(fmt::format("FLAGS ({})", joined(message.flags)));
                    text += fmt::format("* {} FETCH ({}", sequence_number, joined(attributes));
                    if (with_body) {
                        text += fmt::format(" BODY[] {{{}}}\r\n", message.bytes.size()) + message.bytes;
                        ++m_bodies_served[selected];
                    }
                    text += ")\r\n";
                }
                reply(text + tag + " OK Success\r\n");
            } else {
                reply(tag + " BAD Could not parse command\r\n");
            }
        } else {
            reply(tag + " BAD Could not parse command\r\n");
        }
    }
}

}  // namespace cairn::testing
