// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/temp_dir.h"

namespace cairn::testing {

/// A real Dovecot (IMAP and POP3) on 127.0.0.1 for one test, with a throwaway configuration,
/// certificate, users and maildirs in a temporary directory. It never reads or changes the
/// system's Dovecot configuration or service. Stopped (SIGTERM, then SIGKILL) by the destructor.
///
/// Throws std::runtime_error when it cannot start, with Dovecot's log in the message, and
/// "dovecot not installed: run ./setup.sh --deps-only" when the binary is missing, so a test
/// that needs it fails loudly instead of skipping.
///
/// Runs as the current user. As root, mail is owned by "nobody" (Dovecot refuses mail access
/// as root), so the temporary directory is made world-traversable and message files written
/// by put_message() are chown'ed; as another user, everything runs as that user.
///
/// Line endings: messages are written straight into maildir files. Dovecot serves a stored
/// bare LF as CRLF (and counts RFC822.SIZE that way) and a NUL byte as 0x80 (BODY[] may not
/// carry NULs); CRLF, a lone CR and other 8-bit bytes come back unchanged. served_form() gives
/// what the server sends for stored bytes: the IMAP client's fidelity is checked against that.
class DovecotServer {
public:
    struct Options {
        /// Capabilities to leave out of the post-login CAPABILITY list (e.g. "UIDPLUS", "MOVE"),
        /// to test clients against servers that lack them. The commands still work in Dovecot;
        /// only the advertisement changes, which is what a client goes by.
        std::vector<std::string> removed_capabilities;
        /// When set, Dovecot also accepts OAuth access tokens (SASL XOAUTH2 and OAUTHBEARER)
        /// through its oauth2 passdb, which asks this RFC 7662 introspection endpoint
        /// (form POST token=...) and signs in the user named by the answer's "email" when it
        /// says {"active": true}. Passwords keep working alongside.
        std::string oauth2_introspection_url;
        /// Courier-style folder names: every folder below the inbox, with '.' between levels
        /// ("INBOX.Sent", "INBOX.Archive.2024"), as Courier and many hosting providers show them.
        bool courier_namespace = false;
    };

    DovecotServer();
    explicit DovecotServer(Options options);
    ~DovecotServer();
    DovecotServer(const DovecotServer&) = delete;
    DovecotServer& operator=(const DovecotServer&) = delete;

    std::uint16_t imap_port() const { return m_imap_port; }   ///< plain, STARTTLS offered
    std::uint16_t imaps_port() const { return m_imaps_port; }  ///< TLS from the first byte
    std::uint16_t pop3_port() const { return m_pop3_port; }
    std::uint16_t pop3s_port() const { return m_pop3s_port; }
    /// SHA-256 of the self-signed certificate (CN=localhost, SAN localhost and 127.0.0.1), "AB:CD:...".
    const std::string& certificate_sha256() const { return m_certificate_sha256; }
    const std::filesystem::path& certificate_path() const { return m_certificate; }

    /// Adds a user (takes effect at once: the passwd-file is re-read per login).
    void add_user(const std::string& user, const std::string& password);
    /// The user's Maildir (Maildir++ layout, '/' as the IMAP hierarchy separator).
    std::filesystem::path maildir(const std::string& user) const;
    /// Creates a folder; FOLDER is a UTF-8 path with '/' between levels ("Archive/2024",
    /// "Entwürfe"). "INBOX" or "" is the inbox.
    void create_folder(const std::string& user, const std::string& folder);
    /// Writes BYTES as a new message in FOLDER (created if needed) with maildir FLAGS letters
    /// ("S" seen, "F" flagged, "D" draft, "R" answered, "T" deleted) and INTERNAL_DATE (epoch
    /// seconds, stored as the file's mtime; 0 keeps "now"). Messages get UIDs in the order they
    /// are put. Returns the file's path.
    std::filesystem::path put_message(const std::string& user, const std::string& folder, const std::string& bytes,
                                      const std::string& flags = "", std::int64_t internal_date = 0);

    /// Stops and starts again on the same ports and data (connections are dropped).
    void restart();
    void stop();
    void start();
    /// Dovecot's log so far.
    std::string log() const;

    /// What Dovecot sends for BYTES stored in a maildir file: bare LF becomes CRLF, NUL 0x80.
    static std::string served_form(std::string_view bytes);
    /// Modified UTF-7 (RFC 3501 §5.1.3) for a UTF-8 folder name, as Dovecot stores it.
    static std::string encode_modified_utf7(std::string_view utf8);

private:
    void write_configuration();
    void make_certificate();
    void wait_until_listening();
    void own_for_mail(const std::filesystem::path& path) const;
    std::filesystem::path folder_directory(const std::string& user, const std::string& folder) const;

    Options m_options;
    TempDir m_directory;
    std::filesystem::path m_config;
    std::filesystem::path m_certificate;
    std::filesystem::path m_key;
    std::string m_certificate_sha256;
    std::uint16_t m_imap_port = 0;
    std::uint16_t m_imaps_port = 0;
    std::uint16_t m_pop3_port = 0;
    std::uint16_t m_pop3s_port = 0;
    int m_pid = -1;
    unsigned m_mail_uid = 0;
    unsigned m_mail_gid = 0;
    std::uint64_t m_message_counter = 0;
};

}  // namespace cairn::testing
