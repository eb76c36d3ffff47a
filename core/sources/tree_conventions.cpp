// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/tree_conventions.h"

#include "core/sources/apple_mail/mailbox_layout.h"
#include "core/sources/common/folder_path.h"
#include "core/sources/thunderbird/profile_layout.h"

namespace cairn::sources {

DirectoryRole classify_directory(TreeKind parent, std::string_view name) {
    DirectoryRole role;
    role.kind = parent;
    switch (parent) {
    case TreeKind::ThunderbirdAccount:
        role.skip_reason = thunderbird::skipped_account_directory_reason(name);
        role.folder_component = directory_folder_component(name);
        // Maildir "cur"/"new" stay "", everything else may be an IMAP modified UTF-7 name.
        if (!role.folder_component.empty())
            role.folder_component = thunderbird::folder_display_name(name);
        return role;
    case TreeKind::AppleMailbox:
        role.skip_reason = apple_mail::skipped_mailbox_directory_reason(name);
        if (!role.skip_reason)
            role.skip_reason = skipped_directory_reason(name);
        if (!apple_mail::is_storage_directory_name(name))
            role.folder_component = directory_folder_component(name);
        return role;
    case TreeKind::ThunderbirdInstallation:
        role.skip_reason = skipped_directory_reason(name);
        role.folder_component = std::string(name);
        return role;
    case TreeKind::Plain:
        break;
    }
    role.skip_reason = skipped_directory_reason(name);
    if (!role.skip_reason)
        role.skip_reason = apple_mail::skipped_store_directory_reason(name);
    role.folder_component = directory_folder_component(name);
    if (apple_mail::is_mailbox_directory_name(name))
        role.kind = TreeKind::AppleMailbox;
    return role;
}

FileRole classify_file(TreeKind parent, std::string_view name) {
    FileRole role;
    switch (parent) {
    case TreeKind::ThunderbirdAccount:
        role.skip_reason = thunderbird::skipped_account_file_reason(name);
        role.mbox_folder_component = thunderbird::folder_display_name(name);
        role.empty_is_empty_folder = true;
        return role;
    case TreeKind::AppleMailbox:
        role.skip_reason = apple_mail::skipped_mailbox_file_reason(name);
        if (!role.skip_reason)
            role.skip_reason = skipped_file_reason(name);
        if (!apple_mail::is_package_mbox_file_name(name))
            role.mbox_folder_component = mbox_folder_component(name);
        else
            role.empty_is_empty_folder = true;  // an exported mailbox with no message in it
        return role;
    case TreeKind::ThunderbirdInstallation:
        role.skip_reason = "not mail: a Thunderbird installation keeps mail only in its profiles";
        return role;
    case TreeKind::Plain:
        break;
    }
    role.skip_reason = skipped_file_reason(name);
    role.mbox_folder_component = mbox_folder_component(name);
    return role;
}

}  // namespace cairn::sources
