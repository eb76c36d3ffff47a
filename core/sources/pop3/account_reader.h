// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/base/progress.h"
#include "core/base/result.h"
#include "core/sources/common/raw_message.h"
#include "core/sources/common/reconnection.h"
#include "core/sources/pop3/pop3_client.h"

/// Incremental archiving of a POP3 maildrop: which messages are new (by their UIDL), and
/// carrying on when the connection drops. Messages and their unique ids go to a MessageSink.
/// The reader never deletes anything (see core/archive for delete-after-archive).
namespace cairn::sources::pop3 {

/// The archive folder POP3 messages go to: POP3 has only the one maildrop.
inline constexpr const char* InboxFolder = "INBOX";

/// Checkpoint (MessageSink::on_checkpoint) passed right before each message: the message that
/// follows, RawMessage::offset == number, has this unique id. The importer records the pair
/// with the archived message, so the next run skips it and cleanup can find it.
struct Pop3MessageFetched {
    std::uint32_t number = 0;
    std::string unique_id;
};

struct AccountReadOptions {
    ConnectOptions connect;
    /// Asked at every (re)connection, so an OAuth access token can be refreshed in between.
    std::function<Result<Credentials>()> credentials;
    /// Unique ids already archived from this account: not fetched again.
    std::set<std::string> archived_unique_ids;
    /// Names the account in source paths and messages ("pop3://login@host").
    std::string source_name;
    /// How long to keep reconnecting, and with what pauses, after the server dropped the
    /// connection (tests shorten the pauses).
    ReconnectPolicy reconnect;
    RetrieveOptions retrieve;
};

struct AccountReadSummary {
    std::uint64_t messages = 0;          ///< passed to the sink
    std::uint64_t already_archived = 0;  ///< on the server, skipped by unique id
    std::uint64_t reconnections = 0;
    /// Why reading stopped before the end (cannot connect or sign in, the server kept failing);
    /// what was passed to the sink before is good.
    std::optional<Error> error;
};

/// Reads the maildrop's new mail into SINK: lists the unique ids (UIDL), leaves out those
/// archived, announces the count (ExpectedMessages), then retrieves the rest (pipelined when
/// the server allows), each preceded by a Pop3MessageFetched checkpoint. Messages go to folder
/// "INBOX" with source_path options.source_name and offset the message number. After a dropped
/// connection it reconnects, lists the unique ids again (numbers may have changed) and goes on
/// with those not passed yet. A message the server refuses is reported to the sink as a
/// failure and retrieved again on the next run. Ends the session without QUIT's deletions: it
/// marks nothing deleted.
AccountReadSummary read_pop3_account(const AccountReadOptions& options, MessageSink& sink,
                                     const CancellationToken* cancel);

/// Connects and signs in once, with the same credentials callback (for cleanup rules).
Result<std::unique_ptr<Pop3Client>> connect_and_sign_in(const AccountReadOptions& options);

}  // namespace cairn::sources::pop3
