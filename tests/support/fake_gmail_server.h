// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cairn::testing {

/// Gmail's IMAP service as Google documents it (developers.google.com/gmail/imap/imap-extensions),
/// for tests: Gmail itself cannot be reached from here and no packaged server speaks its
/// extensions. Plain TCP on 127.0.0.1 (the TLS layer is tested against Dovecot), one
/// connection at a time, on its own thread.
///
/// What it models: the X-GM-EXT-1 capability; the folder list with Gmail's special-use
/// attributes ("[Gmail]/All Mail" \All, "[Gmail]/Sent Mail" \Sent, Drafts, Important,
/// Starred \Flagged, Spam \Junk, Trash) and one folder per user label; every message once in
/// All Mail and again in the folder of each of its labels, each folder numbering its messages
/// with its own UIDs; Trash and Spam holding mail that is not in All Mail; FETCH of
/// X-GM-MSGID and X-GM-LABELS (system labels as \Inbox \Sent \Draft \Important \Starred, user
/// labels as their modified UTF-7 names); LOGIN and AUTHENTICATE PLAIN with SASL-IR; ID,
/// NAMESPACE, LIST, EXAMINE/SELECT, UID SEARCH UID n:*, UID FETCH, NOOP, LOGOUT.
/// Everything else is answered BAD, so a client relying on more is noticed.
class FakeGmailServer {
public:
    enum class Location { AllMail, Trash, Spam };

    struct Message {
        std::string bytes;  ///< CRLF line ends, as Gmail serves them
        std::vector<std::string> labels;  ///< "\\Inbox", "\\Sent", "Work/Projects" (modified UTF-7)
        std::vector<std::string> flags;   ///< "\\Seen", "\\Flagged"
        std::int64_t internal_date = 0;   ///< epoch seconds
        Location location = Location::AllMail;
    };

    FakeGmailServer(std::string user, std::string password);
    ~FakeGmailServer();
    FakeGmailServer(const FakeGmailServer&) = delete;
    FakeGmailServer& operator=(const FakeGmailServer&) = delete;

    std::uint16_t port() const { return m_port; }

    /// A user label shown as a folder (its name in modified UTF-7, '/' between levels).
    void add_label(const std::string& label);
    /// Adds a message; returns its X-GM-MSGID.
    std::uint64_t add_message(Message message);

    /// Moves message INDEX (in the order added) to LOCATION: thrown away into Trash, marked
    /// as spam, or back to All Mail. It keeps its X-GM-MSGID and gets a new UID there.
    void move_to(std::size_t index, Location location);
    /// Replaces the labels of message INDEX (in the order added).
    void set_labels(std::size_t index, std::vector<std::string> labels);
    /// Every folder gets a new UIDVALIDITY, as after Gmail renumbers a mailbox: a client must
    /// forget the UIDs it knew.
    void renumber();

    /// How many times each folder delivered a message body (BODY[]), by folder name.
    std::map<std::string, std::size_t> bodies_served() const;
    /// Every command received, without the tag (for failure messages).
    std::vector<std::string> commands() const;

private:
    struct Folder {
        std::string name;
        std::string attributes;
    };
    void serve();
    void handle_connection(int socket);
    std::vector<std::pair<std::uint32_t, std::size_t>> messages_in(const std::string& folder);
    std::vector<Folder> folders() const;

    std::string m_user;
    std::string m_password;
    int m_listen_socket = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stopping{false};
    mutable std::mutex m_mutex;
    std::vector<std::string> m_labels;
    std::vector<Message> m_messages;
    std::map<std::string, std::size_t> m_bodies_served;
    std::vector<std::string> m_commands;
    std::uint32_t m_uid_validity = 11;
    /// Folder -> message index -> its UID there; folder -> the next UID to give.
    std::map<std::string, std::map<std::size_t, std::uint32_t>> m_uids;
    std::map<std::string, std::uint32_t> m_next_uid;
    std::thread m_thread;
};

}  // namespace cairn::testing
