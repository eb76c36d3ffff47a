// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Exchange / Microsoft 365 envelope journal reports: a journaling mailbox receives, for every
/// message, a report from the Exchange server that carries the original message as an attached
/// message/rfc822 part and lists its envelope (sender, and every recipient including Bcc and
/// those expanded from distribution lists) in a text/plain part.
namespace cairn::mime {

struct EnvelopeRecipient {
    std::string address;
    /// How the report lists it: "to", "cc", "bcc", "recipient"; an Exchange note such as
    /// "Expanded: list@example.org" or "Forwarded: ..." is kept in `note`.
    std::string kind;
    std::string note;
};

struct JournalReport {
    /// The original message, exactly as carried (transfer encoding undone when the part was
    /// base64-encoded).
    std::string original_message;
    std::string sender;
    std::vector<EnvelopeRecipient> recipients;
};

/// The journal report in MESSAGE, when it is one: an X-MS-Journal-Report header and a
/// message/rfc822 part at the top level. Nothing for any other message (which a journal
/// mailbox archives as it is). Never throws; linear in the message size.
std::optional<JournalReport> parse_journal_report(std::string_view message);

}  // namespace cairn::mime
