// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/mime/journal_report.h"
#include "core/sources/common/raw_message.h"
#include "core/sources/common/reconnection.h"
#include "core/sources/imap/imap_client.h"

/// Incremental archiving of an IMAP account: which folders, which messages are new, and
/// carrying on when the connection drops. Messages and sync positions go to a MessageSink.
namespace cairn::sources::imap {

/// What the archive knows of a server folder from earlier runs: every message up to
/// highest_uid under uid_validity is archived.
struct KnownFolder {
    std::uint32_t uid_validity = 0;
    std::uint32_t highest_uid = 0;
    /// UIDs above highest_uid that are archived too (a run stopped between two position
    /// checkpoints): not fetched again.
    std::vector<std::uint32_t> archived_above;
};

/// Checkpoint (MessageSink::on_checkpoint), passed before a folder's messages: the messages
/// that follow, until the next FolderOpened, come from this folder (RawMessage::offset is the
/// UID; RawMessage::source_path is source_path here).
struct FolderOpened {
    std::string server_name;
    std::string source_path;
    std::uint32_t uid_validity = 0;
};

/// Checkpoint: every message of the folder up to highest_uid was passed to the sink before.
struct FolderPosition {
    std::string server_name;
    std::uint32_t uid_validity = 0;
    std::uint32_t highest_uid = 0;
};

/// Checkpoint, right before a message that was unwrapped from an Exchange journal report: the
/// envelope the report gave for it (sender, every recipient including Bcc), recorded with it.
struct JournalEnvelope {
    std::string source_path;
    std::uint32_t uid = 0;
    std::string sender;
    std::vector<mime::EnvelopeRecipient> recipients;
};

/// Checkpoint for Gmail (X-GM-EXT-1), where X-GM-MSGID names a message for good, across
/// folders and UIDVALIDITY changes. Passed right BEFORE each message read from a Gmail folder
/// (the archive keeps it until the message is placed, and records both in one step), and, with
/// archived_before, for each new UID whose message the archive already holds by that id (a
/// renumbered folder, mail back from Trash): such messages are not fetched again, and their new
/// UID is recorded.
struct GmailMessage {
    std::string source_path;
    std::uint32_t uid = 0;
    std::uint64_t gmail_message_id = 0;  ///< 0 when the server gave none
    /// Archive folders (display paths) its labels put it in: besides the RawMessage's own
    /// folder for a message about to be passed; all of them for one archived before.
    std::vector<std::string> folders;
    bool archived_before = false;
    /// For one archived before (no RawMessage carries them): normalised flags, INTERNALDATE.
    std::vector<std::string> flags;
    std::optional<std::int64_t> received_time;
};

struct AccountReadOptions {
    ConnectOptions connect;
    /// Asked at every (re)connection, so an OAuth access token can be refreshed in between.
    std::function<Result<Credentials>()> credentials;
    /// Whether a folder is archived (the account's include/exclude rules).
    std::function<bool(const Folder& folder)> include_folder;
    /// By server name.
    std::map<std::string, KnownFolder> known_folders;
    /// Names the account in source paths and messages ("imap://login@host").
    std::string source_name;
    /// How long to keep reconnecting, and with what pauses, after the server dropped the
    /// connection (tests shorten the pauses).
    ReconnectPolicy reconnect;
    FetchOptions fetch;
    /// Gmail: the X-GM-MSGIDs archived from this account before. The ids and labels of a
    /// folder's new UIDs are asked for first; these, and messages only in folders the account
    /// leaves out, are not downloaded.
    std::unordered_set<std::uint64_t> archived_gmail_message_ids;
    /// A journal mailbox: journal reports are replaced by the message they carry (preceded by a
    /// JournalEnvelope checkpoint); other messages are archived as they are.
    bool unwrap_journal_reports = false;
};

struct AccountReadSummary {
    std::uint64_t folders = 0;
    std::uint64_t messages = 0;
    std::uint64_t reconnections = 0;
    /// Why reading stopped before the end (cannot connect or sign in, the server kept failing);
    /// what was passed to the sink before is good.
    std::optional<Error> error;
};

/// Reads the account's new mail into SINK: lists the folders, compares each with what the
/// archive knows (a changed UIDVALIDITY reads the folder again; content dedup keeps that from
/// storing anything twice), announces the count (ExpectedMessages), then fetches the new UIDs
/// folder by folder, passing FolderOpened and FolderPosition checkpoints. A message the server
/// refuses is reported to the sink as a failure and fetched again on the next run.
/// On Gmail only All Mail (and Trash and Spam, whose mail is not in All Mail, when included) is
/// read; each message goes to All Mail and, by a GmailMessage checkpoint, to the folders of its
/// labels that the account includes. A message none of whose folders is included is not
/// archived.
AccountReadSummary read_imap_account(const AccountReadOptions& options, MessageSink& sink,
                                     const CancellationToken* cancel);

/// Normalised flag names (RawMessage::flags) for IMAP system flags and $Forwarded.
std::vector<std::string> normalised_flags(const std::vector<std::string>& imap_flags);

/// Connects and signs in with the same retry policy read_imap_account uses (for cleanup rules).
Result<std::unique_ptr<ImapClient>> connect_and_sign_in(const AccountReadOptions& options);

}  // namespace cairn::sources::imap
