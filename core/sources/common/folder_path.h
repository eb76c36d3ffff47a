// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::sources {

/// The folder path a directory named NAME contributes below its parent's folder:
/// "" for a Maildir's "cur"/"new" (not folders), "a/b" for a Maildir++ folder ".a.b",
/// "Inbox" for Thunderbird's "Inbox.sbd" and Apple Mail's "Inbox.mbox", otherwise NAME.
std::string directory_folder_component(std::string_view name);

/// The folder name of an mbox (or Outlook PST/OST) file named NAME: NAME without a ".mbox",
/// ".mbx", ".pst" or ".ost" extension.
std::string mbox_folder_component(std::string_view name);

/// PARENT/CHILD, with empty parts left out.
std::string join_folder(std::string_view parent, std::string_view child);

/// Why a file named NAME is passed over (index, notes, dot-files, licences, mail client
/// companion files), or nullopt when it is read.
std::optional<std::string> skipped_file_reason(std::string_view name);

/// Why a directory named NAME is passed over (a Maildir "tmp", Thunderbird ".mozmsgs"),
/// or nullopt when it is walked.
std::optional<std::string> skipped_directory_reason(std::string_view name);

}  // namespace cairn::sources
