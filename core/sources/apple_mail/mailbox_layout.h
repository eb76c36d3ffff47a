// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::sources::apple_mail {

/// True for a directory named "Name.mbox": an Apple Mail mailbox, either in Mail's own store
/// (~/Library/Mail/Vn/<account>/Name.mbox/) or a package exported by Mailbox > Export.
bool is_mailbox_directory_name(std::string_view name);

/// Inside a mailbox directory, the directories Mail uses to spread messages out, which are not
/// folders: the store's UUID directory, "Data", the one-digit fan-out directories and
/// "Messages". Their folder component is empty.
bool is_storage_directory_name(std::string_view name);

/// Why a directory named NAME inside a mailbox is passed over ("Attachments": the parts of
/// partially downloaded messages, not messages), or nullopt.
std::optional<std::string> skipped_mailbox_directory_reason(std::string_view name);

/// Why a file named NAME inside a mailbox is passed over ("table_of_contents", Mail's binary
/// index of an exported package), or nullopt.
std::optional<std::string> skipped_mailbox_file_reason(std::string_view name);

/// Why a directory named NAME in Mail's store (~/Library/Mail/Vn) is passed over ("MailData":
/// Mail's indexes, signatures and settings), or nullopt.
std::optional<std::string> skipped_store_directory_reason(std::string_view name);

/// True for the "mbox" file of an exported package: its messages belong to the package's
/// folder itself ("Name.mbox/mbox" is folder "Name", not "Name/mbox").
bool is_package_mbox_file_name(std::string_view name);

}  // namespace cairn::sources::apple_mail
