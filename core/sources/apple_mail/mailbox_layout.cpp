// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/apple_mail/mailbox_layout.h"

namespace cairn::sources::apple_mail {
namespace {

bool is_hex_digit(char character) {
    return (character >= '0' && character <= '9') || (character >= 'a' && character <= 'f') ||
           (character >= 'A' && character <= 'F');
}

/// "8-4-4-4-12" hexadecimal digits, as Mail names the directory that holds a mailbox's data.
bool is_uuid(std::string_view name) {
    if (name.size() != 36)
        return false;
    for (std::size_t index = 0; index < name.size(); ++index) {
        bool dash_position = index == 8 || index == 13 || index == 18 || index == 23;
        if (dash_position ? name[index] != '-' : !is_hex_digit(name[index]))
            return false;
    }
    return true;
}

}  // namespace

bool is_mailbox_directory_name(std::string_view name) { return name.size() > 5 && name.ends_with(".mbox"); }

bool is_storage_directory_name(std::string_view name) {
    if (name == "Data" || name == "Messages" || is_uuid(name))
        return true;
    return name.size() == 1 && name[0] >= '0' && name[0] <= '9';
}

std::optional<std::string> skipped_mailbox_directory_reason(std::string_view name) {
    if (name == "Attachments")
        return "Apple Mail's attachment parts of partially downloaded messages (their messages are read "
               "from the .partial.emlx files)";
    return std::nullopt;
}

std::optional<std::string> skipped_mailbox_file_reason(std::string_view name) {
    if (name == "table_of_contents")
        return "Apple Mail's mailbox index (table_of_contents)";
    return std::nullopt;
}

std::optional<std::string> skipped_store_directory_reason(std::string_view name) {
    if (name == "MailData")
        return "Apple Mail's indexes and settings (MailData)";
    return std::nullopt;
}

bool is_package_mbox_file_name(std::string_view name) { return name == "mbox"; }

}  // namespace cairn::sources::apple_mail
