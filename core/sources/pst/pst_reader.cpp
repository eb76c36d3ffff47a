// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/pst/pst_reader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include <fmt/core.h>
#include <libpff.h>

#include "core/sources/common/folder_path.h"
#include "core/sources/pst/mime_text.h"
#include "core/sources/pst/mime_writer.h"
#include "core/sources/pst/rtf_html.h"

namespace cairn::sources::pst {
namespace {

// MAPI property tags (MS-OXPROPS) that libpff has no name for, and those it has, in one place.
namespace tag {
constexpr std::uint32_t Importance = 0x0017;
constexpr std::uint32_t MessageClass = 0x001A;
constexpr std::uint32_t Subject = 0x0037;
constexpr std::uint32_t ClientSubmitTime = 0x0039;
constexpr std::uint32_t SentRepresentingName = 0x0042;
constexpr std::uint32_t SentRepresentingAddressType = 0x0064;
constexpr std::uint32_t SentRepresentingEmailAddress = 0x0065;
constexpr std::uint32_t TransportMessageHeaders = 0x007D;
constexpr std::uint32_t RecipientType = 0x0C15;
constexpr std::uint32_t SenderName = 0x0C1A;
constexpr std::uint32_t SenderAddressType = 0x0C1E;
constexpr std::uint32_t SenderEmailAddress = 0x0C1F;
constexpr std::uint32_t MessageDeliveryTime = 0x0E06;
constexpr std::uint32_t MessageFlags = 0x0E07;
constexpr std::uint32_t Body = 0x1000;
constexpr std::uint32_t Html = 0x1013;
constexpr std::uint32_t InternetMessageId = 0x1035;
constexpr std::uint32_t InternetReferences = 0x1039;
constexpr std::uint32_t InReplyToId = 0x1042;
constexpr std::uint32_t FlagStatus = 0x1090;
constexpr std::uint32_t DisplayName = 0x3001;
constexpr std::uint32_t AddressType = 0x3002;
constexpr std::uint32_t EmailAddress = 0x3003;
constexpr std::uint32_t CreationTime = 0x3007;
constexpr std::uint32_t IpmSubtreeEntryId = 0x35E0;
constexpr std::uint32_t AttachFileNameShort = 0x3704;
constexpr std::uint32_t AttachFileNameLong = 0x3707;
constexpr std::uint32_t AttachMimeTag = 0x370E;
constexpr std::uint32_t AttachContentId = 0x3712;
constexpr std::uint32_t SmtpAddress = 0x39FE;
constexpr std::uint32_t InternetCodepage = 0x3FDE;
constexpr std::uint32_t MessageCodepage = 0x3FFD;
constexpr std::uint32_t SenderSmtpAddress = 0x5D01;
constexpr std::uint32_t SentRepresentingSmtpAddress = 0x5D02;
}  // namespace tag

constexpr std::uint32_t ValueTypeString8 = 0x001E;
constexpr std::uint32_t ValueTypeUnicode = 0x001F;
constexpr std::uint32_t MessageFlagRead = 0x01;
constexpr std::uint32_t MessageFlagUnsent = 0x08;
constexpr std::uint32_t FlagStatusFlagged = 2;
constexpr std::uint32_t DefaultCodepage = 1252;
/// Embedded messages inside embedded messages: real mail nests a few levels at most.
constexpr int MaximumEmbeddingDepth = 8;
/// Folder nesting past this is a damaged (cyclic) tree, not a mailbox.
constexpr std::size_t MaximumFolderDepth = 64;
/// Larger attachments would not fit a message the archive accepts anyway.
constexpr std::uint64_t MaximumAttachmentBytes = std::uint64_t{1} << 30;

/// A libpff (libcerror) error, freed on every path.
class PffError {
public:
    PffError() = default;
    PffError(const PffError&) = delete;
    PffError& operator=(const PffError&) = delete;
    ~PffError() { clear(); }

    libpff_error_t** out() {
        clear();
        return &m_error;
    }
    /// libpff's message in one line: what failed, then the innermost cause.
    std::string text() const {
        if (m_error == nullptr)
            return "no reason given by libpff";
        std::array<char, 4096> buffer{};
        if (libpff_error_backtrace_sprint(m_error, buffer.data(), buffer.size()) <= 0)
            return "no reason given by libpff";
        // The backtrace lists the innermost cause first and the outermost failure last.
        std::vector<std::string> lines;
        std::string line;
        for (const char* character = buffer.data(); *character != '\0'; ++character) {
            if (*character == '\n' || *character == '\r') {
                if (!line.empty())
                    lines.push_back(std::move(line));
                line.clear();
            } else {
                line += *character;
            }
        }
        if (!line.empty())
            lines.push_back(std::move(line));
        if (lines.empty())
            return "no reason given by libpff";
        if (lines.size() == 1)
            return lines.front();
        return fmt::format("{} (cause: {})", lines.back(), lines.front());
    }

private:
    void clear() {
        if (m_error != nullptr)
            libpff_error_free(&m_error);
        m_error = nullptr;
    }
    libpff_error_t* m_error = nullptr;
};

struct ItemFree {
    void operator()(libpff_item_t* item) const { libpff_item_free(&item, nullptr); }
};
using ItemHandle = std::unique_ptr<libpff_item_t, ItemFree>;
struct RecordSetFree {
    void operator()(libpff_record_set_t* set) const { libpff_record_set_free(&set, nullptr); }
};
using RecordSetHandle = std::unique_ptr<libpff_record_set_t, RecordSetFree>;
struct RecordEntryFree {
    void operator()(libpff_record_entry_t* entry) const { libpff_record_entry_free(&entry, nullptr); }
};
using RecordEntryHandle = std::unique_ptr<libpff_record_entry_t, RecordEntryFree>;
struct FileFree {
    void operator()(libpff_file_t* file) const {
        libpff_file_close(file, nullptr);
        libpff_file_free(&file, nullptr);
    }
};
using FileHandle = std::unique_ptr<libpff_file_t, FileFree>;

struct PropertyValue {
    std::uint32_t value_type = 0;
    std::string bytes;
};

/// The properties of one record set of an item (set 0 of a message, one per recipient). Read
/// errors are kept so the item's report can name them; a missing property is not an error.
class Properties {
public:
    Properties(libpff_item_t* item, int set_index) {
        PffError error;
        libpff_record_set_t* set = nullptr;
        if (libpff_item_get_record_set_by_index(item, set_index, &set, error.out()) == 1)
            m_set.reset(set);
        else
            m_error = error.text();
    }

    std::optional<PropertyValue> value(std::uint32_t property_tag) {
        if (!m_set)
            return std::nullopt;
        PffError error;
        libpff_record_entry_t* entry = nullptr;
        int found = libpff_record_set_get_entry_by_type(m_set.get(), property_tag, 0, &entry,
                                                        LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE, error.out());
        if (found != 1) {
            if (found < 0)
                note_error(property_tag, error.text());
            return std::nullopt;
        }
        RecordEntryHandle handle(entry);
        PropertyValue value;
        std::size_t size = 0;
        if (libpff_record_entry_get_value_type(entry, &value.value_type, error.out()) != 1 ||
            libpff_record_entry_get_data_size(entry, &size, error.out()) != 1) {
            note_error(property_tag, error.text());
            return std::nullopt;
        }
        value.bytes.resize(size);
        if (size > 0 &&
            libpff_record_entry_get_data(entry, reinterpret_cast<std::uint8_t*>(value.bytes.data()), size,
                                         error.out()) != 1) {
            note_error(property_tag, error.text());
            return std::nullopt;
        }
        return value;
    }

    /// A string property as UTF-8 (8-bit strings read in CODEPAGE), without trailing NULs.
    std::optional<std::string> text(std::uint32_t property_tag, std::uint32_t codepage) {
        std::optional<PropertyValue> value = this->value(property_tag);
        if (!value)
            return std::nullopt;
        std::string text = value->value_type == ValueTypeUnicode ? utf16le_to_utf8(value->bytes)
                                                                 : codepage_to_utf8(value->bytes, codepage);
        while (!text.empty() && text.back() == '\0')
            text.pop_back();
        return text;
    }

    std::string text_or_empty(std::uint32_t property_tag, std::uint32_t codepage) {
        return text(property_tag, codepage).value_or(std::string());
    }

    std::optional<std::uint32_t> integer(std::uint32_t property_tag) {
        std::optional<PropertyValue> value = this->value(property_tag);
        if (!value || value->bytes.size() < 2)
            return std::nullopt;
        std::uint32_t number = 0;
        for (std::size_t index = std::min<std::size_t>(value->bytes.size(), 4); index-- > 0;)
            number = (number << 8) | static_cast<std::uint8_t>(value->bytes[index]);
        return number;
    }

    std::optional<std::int64_t> time(std::uint32_t property_tag) {
        std::optional<PropertyValue> value = this->value(property_tag);
        if (!value || value->bytes.size() != 8)
            return std::nullopt;
        std::uint64_t filetime = 0;
        for (std::size_t index = 8; index-- > 0;)
            filetime = (filetime << 8) | static_cast<std::uint8_t>(value->bytes[index]);
        if (filetime == 0)
            return std::nullopt;
        return filetime_to_unix(filetime);
    }

    /// The first read error, or empty.
    const std::string& error() const { return m_error; }

private:
    void note_error(std::uint32_t property_tag, const std::string& text) {
        if (m_error.empty())
            m_error = fmt::format("property 0x{:04X}: {}", property_tag, text);
    }

    RecordSetHandle m_set;
    std::string m_error;
};

std::string lower(std::string_view text) {
    std::string lowered(text);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](char character) { return static_cast<char>(std::tolower(static_cast<unsigned char>(character))); });
    return lowered;
}

/// Why an item of message class CLASS is not mail, or nullopt when it is mail.
std::optional<std::string> not_mail_reason(std::string_view message_class) {
    const std::string lowered = lower(message_class);
    struct Kind {
        std::string_view prefix;
        std::string_view description;
    };
    constexpr std::array<Kind, 8> NotMail{{
        {"ipm.appointment", "a calendar item (not mail)"},
        {"ipm.contact", "a contact (not mail)"},
        {"ipm.distlist", "a distribution list (not mail)"},
        {"ipm.task", "a task (not mail)"},
        {"ipm.stickynote", "a note (not mail)"},
        {"ipm.activity", "a journal entry (not mail)"},
        {"ipm.document", "a document (not mail)"},
        {"ipm.configuration", "an Outlook setting (not mail)"},
    }};
    for (const Kind& kind : NotMail) {
        if (lowered.starts_with(kind.prefix))
            return std::string(kind.description);
    }
    constexpr std::array<std::string_view, 6> Mail{"ipm.note", "ipm.schedule.meeting", "report.", "ipm.post",
                                                   "ipm.outlook.recall", "ipm.recall"};
    if (lowered.empty() || lowered == "ipm" ||
        std::any_of(Mail.begin(), Mail.end(), [&](std::string_view prefix) { return lowered.starts_with(prefix); }))
        return std::nullopt;
    return fmt::format("an Outlook item of class {} (not mail)", message_class);
}

/// Whether ATTACHMENTS of an item of class MESSAGE_CLASS are the S/MIME original Outlook keeps
/// as the one attachment of a signed or encrypted message.
bool is_smime_original(std::string_view message_class, const std::vector<OutlookAttachment>& attachments) {
    if (!lower(message_class).starts_with("ipm.note.smime") || attachments.size() != 1 ||
        attachments.front().is_embedded_message)
        return false;
    const std::string type = lower(attachments.front().mime_type);
    return type.starts_with("multipart/signed") || type.starts_with("application/pkcs7-mime") ||
           type.starts_with("application/x-pkcs7-mime") || lower(attachments.front().file_name) == "smime.p7m";
}

/// The SMTP address of a sender or recipient: the SMTP property, else the address when it is
/// an SMTP one (Exchange "EX" addresses are directory names, not mail addresses).
std::string smtp_address(Properties& properties, std::uint32_t smtp_tag, std::uint32_t address_tag,
                         std::uint32_t type_tag, std::uint32_t codepage) {
    std::string smtp = properties.text_or_empty(smtp_tag, codepage);
    if (!smtp.empty())
        return smtp;
    std::string address = properties.text_or_empty(address_tag, codepage);
    std::string type = lower(properties.text_or_empty(type_tag, codepage));
    if (type == "smtp" || address.find('@') != std::string::npos)
        return address;
    return {};
}

/// What went wrong while reading one item; reported once the item is passed on.
struct ItemProblems {
    std::vector<std::string> notes;
    void add(std::string note) { notes.push_back(std::move(note)); }
    void add_property_error(const Properties& properties, std::string_view where) {
        if (!properties.error().empty())
            notes.push_back(fmt::format("{}: {}", where, properties.error()));
    }
};

class PstReader {
public:
    PstReader(libpff_file_t* file, const PstOrigin& origin, const CancellationToken* cancel, MessageSink& sink)
        : m_file(file), m_origin(origin), m_cancel(cancel), m_sink(sink) {}

    PstOutcome run() {
        PffError error;
        int codepage = 0;
        if (libpff_file_get_ascii_codepage(m_file, &codepage, error.out()) == 1 && codepage > 0)
            m_file_codepage = static_cast<std::uint32_t>(codepage);

        libpff_item_t* root = nullptr;
        int found = libpff_file_get_root_folder(m_file, &root, error.out());
        if (found != 1) {
            fail(0, found == 0 ? std::string("the folder tree cannot be found: the file is truncated or its index is "
                                             "damaged; repair a copy with Outlook's Inbox Repair Tool (scanpst)")
                               : fmt::format("cannot read the folder tree: {}", error.text()));
            return PstOutcome::Unreadable;
        }
        ItemHandle root_handle(root);
        m_top_folder = top_folder_identifier(root, ipm_subtree_identifier());
        std::uint64_t file_size = 0;
        if (libpff_file_get_size(m_file, &file_size, error.out()) == 1)
            m_file_size = file_size;
        std::set<std::uint32_t> counted;
        m_item_total = count_items(root, counted, 0);
        std::vector<std::string> path;
        if (!walk_folder(root, path, false))
            return m_outcome;
        return m_failed ? PstOutcome::ItemsFailed : PstOutcome::Completed;
    }

private:
    /// The identifier of the folder holding the user's mail ("Top of Personal Folders") as the
    /// message store's PR_IPM_SUBTREE_ENTRYID names it; not usable in OSTs.
    std::optional<std::uint32_t> ipm_subtree_identifier() {
        PffError error;
        libpff_item_t* store = nullptr;
        if (libpff_file_get_message_store(m_file, &store, error.out()) != 1)
            return std::nullopt;
        ItemHandle store_handle(store);
        Properties properties(store, 0);
        std::optional<PropertyValue> entry_id = properties.value(tag::IpmSubtreeEntryId);
        // An entry ID is 4 flag bytes, a 16-byte store GUID, then the folder's node identifier.
        if (!entry_id || entry_id->bytes.size() < 24)
            return std::nullopt;
        std::uint32_t identifier = 0;
        for (std::size_t index = 24; index-- > 20;)
            identifier = (identifier << 8) | static_cast<std::uint8_t>(entry_id->bytes[index]);
        return identifier;
    }

    /// The sub-folder (or sub-sub-folder) of ROOT that holds the user's mail: the one the store
    /// names (PST), else the "IPM_SUBTREE" below the first-level folder with the most sub-folders
    /// (OST: "Root - Mailbox", not "Root - Public"), else that first-level folder itself ("Top of
    /// Personal Folders").
    std::optional<std::uint32_t> top_folder_identifier(libpff_item_t* root, std::optional<std::uint32_t> store_named) {
        std::optional<std::uint32_t> named_by_store;
        std::optional<std::uint32_t> most_folders;
        int most_folder_count = -1;
        std::optional<std::uint32_t> named_subtree;
        int named_subtree_siblings = -1;
        for_each_sub_folder(root, [&](libpff_item_t* child, std::uint32_t identifier) {
            if (store_named && identifier == *store_named) {
                named_by_store = identifier;
                return false;
            }
            PffError error;
            int grandchild_count = 0;
            if (libpff_folder_get_number_of_sub_folders(child, &grandchild_count, error.out()) != 1)
                return true;
            if (grandchild_count > most_folder_count) {
                most_folder_count = grandchild_count;
                most_folders = identifier;
            }
            for_each_sub_folder(child, [&](libpff_item_t* grandchild, std::uint32_t grandchild_identifier) {
                if (store_named && grandchild_identifier == *store_named) {
                    named_by_store = grandchild_identifier;
                    return false;
                }
                if (grandchild_count > named_subtree_siblings && folder_name(grandchild) == "IPM_SUBTREE") {
                    named_subtree = grandchild_identifier;
                    named_subtree_siblings = grandchild_count;
                }
                return true;
            });
            return !named_by_store;
        });
        if (named_by_store)
            return named_by_store;
        return named_subtree ? named_subtree : most_folders;
    }

    /// The items in FOLDER and below, for progress: folders' item counts are cheap to read.
    static std::uint64_t count_items(libpff_item_t* folder, std::set<std::uint32_t>& counted, std::size_t depth) {
        PffError error;
        int count = 0;
        std::uint64_t total = libpff_folder_get_number_of_sub_messages(folder, &count, error.out()) == 1 && count > 0
                                  ? static_cast<std::uint64_t>(count)
                                  : 0;
        if (depth < MaximumFolderDepth) {
            for_each_sub_folder(folder, [&](libpff_item_t* child, std::uint32_t identifier) {
                if (counted.insert(identifier).second)
                    total += count_items(child, counted, depth + 1);
                return true;
            });
        }
        return total;
    }

    /// Calls VISIT(sub_folder, identifier) for each sub-folder of FOLDER that can be read, until
    /// VISIT returns false. Only for finding the top: the walk itself reports unreadable folders.
    template <typename Visit>
    static void for_each_sub_folder(libpff_item_t* folder, Visit&& visit) {
        PffError error;
        int count = 0;
        if (libpff_folder_get_number_of_sub_folders(folder, &count, error.out()) != 1)
            return;
        for (int index = 0; index < count; ++index) {
            libpff_item_t* child = nullptr;
            if (libpff_folder_get_sub_folder(folder, index, &child, error.out()) != 1)
                continue;
            ItemHandle child_handle(child);
            std::uint32_t identifier = 0;
            if (libpff_item_get_identifier(child, &identifier, error.out()) != 1)
                continue;
            if (!visit(child, identifier))
                return;
        }
    }

    /// Walks FOLDER, whose names from the root are PATH; IN_MAIL_TREE when it is inside the top
    /// folder holding the user's mail. False when reading must stop (m_outcome says why).
    bool walk_folder(libpff_item_t* folder, std::vector<std::string>& path, bool in_mail_tree) {
        PffError error;
        std::uint32_t identifier = 0;
        if (libpff_item_get_identifier(folder, &identifier, error.out()) == 1) {
            if (!m_visited_folders.insert(identifier).second) {
                fail(identifier, fmt::format("folder {} appears twice in the folder tree (damaged file); read once",
                                             display_path(path)));
                return true;
            }
        }
        if (m_top_folder && identifier == *m_top_folder) {
            in_mail_tree = true;
            m_top_folder_depth = path.size();
        }
        const std::string archive_path = archive_folder(path, in_mail_tree);

        int message_count = 0;
        if (libpff_folder_get_number_of_sub_messages(folder, &message_count, error.out()) != 1) {
            fail(identifier, fmt::format("cannot list the items of folder {}: {}", display_path(path), error.text()));
            message_count = 0;
        }
        for (int index = 0; index < message_count; ++index) {
            if (m_cancel != nullptr && m_cancel->is_cancelled()) {
                m_outcome = PstOutcome::Cancelled;
                return false;
            }
            libpff_item_t* item = nullptr;
            if (libpff_folder_get_sub_message(folder, index, &item, error.out()) != 1) {
                fail(identifier, fmt::format("item {} of {} in folder {} cannot be read: {}", index + 1, message_count,
                                             display_path(path), error.text()));
                continue;
            }
            ItemHandle handle(item);
            ++m_items_done;
            if (!read_item(item, path, archive_path))
                return false;
        }

        int folder_count = 0;
        if (libpff_folder_get_number_of_sub_folders(folder, &folder_count, error.out()) != 1) {
            fail(identifier, fmt::format("cannot list the sub-folders of folder {}: {}", display_path(path),
                                         error.text()));
            return true;
        }
        if (path.size() >= MaximumFolderDepth) {
            fail(identifier, fmt::format("folder {} is nested too deeply (damaged file); its sub-folders are not read",
                                         display_path(path)));
            return true;
        }
        for (int index = 0; index < folder_count; ++index) {
            libpff_item_t* child = nullptr;
            if (libpff_folder_get_sub_folder(folder, index, &child, error.out()) != 1) {
                fail(identifier, fmt::format("sub-folder {} of folder {} cannot be read: {}", index + 1,
                                             display_path(path), error.text()));
                continue;
            }
            ItemHandle child_handle(child);
            path.push_back(folder_name(child));
            const bool keep_going = walk_folder(child, path, in_mail_tree);
            path.pop_back();
            if (!keep_going)
                return false;
        }
        return true;
    }

    std::string folder_name(libpff_item_t* folder) {
        PffError error;
        std::size_t size = 0;
        std::string name;
        if (libpff_folder_get_utf8_name_size(folder, &size, error.out()) == 1 && size > 1) {
            name.resize(size);
            if (libpff_folder_get_utf8_name(folder, reinterpret_cast<std::uint8_t*>(name.data()), size,
                                            error.out()) == 1)
                name.resize(std::min(name.size(), std::char_traits<char>::length(name.c_str())));
            else
                name.clear();
        }
        std::uint32_t identifier = 0;
        if (name.empty() && libpff_item_get_identifier(folder, &identifier, error.out()) == 1)
            name = fmt::format("Folder {}", identifier);
        // A '/' in an Outlook folder name is not a level of the hierarchy.
        std::replace(name.begin(), name.end(), '/', '-');
        return name;
    }

    /// The archive folder of PST folder PATH: below the top of the user's mail (so "Inbox", not
    /// "Top of Personal Folders/Inbox"), prefixed by the folder the file maps to.
    std::string archive_folder(const std::vector<std::string>& path, bool in_mail_tree) const {
        // Folders outside it (search folders, "Root - Public") keep their whole path.
        std::size_t skipped = in_mail_tree ? m_top_folder_depth : 0;
        std::string folder = m_origin.base_folder;
        for (std::size_t index = std::min(skipped, path.size()); index < path.size(); ++index)
            folder = join_folder(folder, path[index]);
        return folder;
    }

    static std::string display_path(const std::vector<std::string>& path) {
        if (path.empty())
            return "(root)";
        std::string joined;
        for (const std::string& name : path)
            joined = join_folder(joined, name);
        return joined;
    }

    bool read_item(libpff_item_t* item, const std::vector<std::string>& path, const std::string& archive_path) {
        PffError error;
        std::uint32_t identifier = 0;
        if (libpff_item_get_identifier(item, &identifier, error.out()) != 1) {
            fail(0, fmt::format("an item in folder {} has no readable identifier: {}", display_path(path),
                                error.text()));
            return true;
        }
        const std::string where = fmt::format("item id {} in folder {}", identifier, display_path(path));
        Properties properties(item, 0);
        if (!properties.error().empty()) {
            fail(identifier, fmt::format("{} cannot be read: {}", where, properties.error()));
            return true;
        }
        const std::string message_class = properties.text_or_empty(tag::MessageClass, m_file_codepage);
        if (std::optional<std::string> why = not_mail_reason(message_class)) {
            m_sink.on_skipped(fmt::format("{}#{}/item {}", m_origin.source_path, display_path(path), identifier),
                              *why);
            return true;
        }

        ItemProblems problems;
        OutlookMessage message = read_message(item, properties, identifier, 0, problems);
        RawMessage raw;
        raw.bytes = write_mime_message(message);
        raw.folder = archive_path;
        raw.source_path = m_origin.source_path;
        raw.offset = identifier;
        raw.received_time = properties.time(tag::MessageDeliveryTime);
        if (m_item_total > 0 && m_file_size > 0)
            raw.progress_position = m_file_size * std::min(m_items_done, m_item_total) / m_item_total;
        const std::uint32_t flags = properties.integer(tag::MessageFlags).value_or(0);
        if ((flags & MessageFlagRead) != 0)
            raw.flags.emplace_back("seen");
        if ((flags & MessageFlagUnsent) != 0)
            raw.flags.emplace_back("draft");
        if (properties.integer(tag::FlagStatus).value_or(0) == FlagStatusFlagged)
            raw.flags.emplace_back("flagged");
        for (const std::string& note : problems.notes)
            fail(identifier, fmt::format("{}: {} (the message was archived without it)", where, note));
        if (!m_sink.on_message(std::move(raw))) {
            m_outcome = PstOutcome::Stopped;
            return false;
        }
        return true;
    }

    /// Everything of mail ITEM (whose set-0 properties are PROPERTIES) that goes into its message.
    OutlookMessage read_message(libpff_item_t* item, Properties& properties, std::uint32_t identifier, int depth,
                                ItemProblems& problems) {
        OutlookMessage message;
        message.boundary_seed = (static_cast<std::uint64_t>(depth) << 32) | identifier;
        const std::uint32_t codepage = properties.integer(tag::MessageCodepage)
                                           .or_else([&] { return properties.integer(tag::InternetCodepage); })
                                           .value_or(m_file_codepage);
        const std::uint32_t html_codepage = properties.integer(tag::InternetCodepage).value_or(codepage);

        message.transport_headers = properties.text_or_empty(tag::TransportMessageHeaders, codepage);
        if (message.transport_headers.find(':') == std::string::npos)
            message.transport_headers.clear();
        if (message.transport_headers.empty())
            read_envelope(item, properties, codepage, message, problems);

        message.plain_text = properties.text(tag::Body, codepage);
        if (std::optional<PropertyValue> html = properties.value(tag::Html)) {
            message.html = html->value_type == ValueTypeUnicode ? utf16le_to_utf8(html->bytes)
                                                                : codepage_to_utf8(html->bytes, html_codepage);
            while (!message.html->empty() && message.html->back() == '\0')
                message.html->pop_back();
        }
        if (!message.html) {
            if (std::optional<std::string> rtf = rtf_body(item, problems)) {
                if (std::optional<std::string> html = html_from_encapsulating_rtf(*rtf))
                    message.html = std::move(html);
                else
                    message.rtf = std::move(rtf);
            }
        }
        if (message.plain_text && message.plain_text->empty() && message.html)
            message.plain_text.reset();
        read_attachments(item, identifier, depth, message, problems);
        if (is_smime_original(properties.text_or_empty(tag::MessageClass, codepage), message.attachments)) {
            message.smime_body = std::move(message.attachments.front());
            message.attachments.clear();
        }
        problems.add_property_error(properties, "properties");
        return message;
    }

    void read_envelope(libpff_item_t* item, Properties& properties, std::uint32_t codepage, OutlookMessage& message,
                       ItemProblems& problems) {
        MailAddress author{properties.text_or_empty(tag::SentRepresentingName, codepage),
                           smtp_address(properties, tag::SentRepresentingSmtpAddress,
                                        tag::SentRepresentingEmailAddress, tag::SentRepresentingAddressType,
                                        codepage)};
        MailAddress sender{properties.text_or_empty(tag::SenderName, codepage),
                           smtp_address(properties, tag::SenderSmtpAddress, tag::SenderEmailAddress,
                                        tag::SenderAddressType, codepage)};
        if (author.name.empty() && author.address.empty()) {
            author = sender;
        } else if ((!sender.address.empty() && lower(sender.address) != lower(author.address)) ||
                   (sender.address.empty() && !sender.name.empty() && sender.name != author.name)) {
            message.sender = sender;
        }
        if (!author.name.empty() || !author.address.empty())
            message.from = author;
        message.subject = properties.text(tag::Subject, codepage);
        // MS-OXCMSG: a subject starting with U+0001 has a length character next; both are markers.
        if (message.subject && message.subject->size() >= 2 && message.subject->front() == '\x01')
            message.subject->erase(0, 2);
        message.date = properties.time(tag::ClientSubmitTime)
                           .or_else([&] { return properties.time(tag::MessageDeliveryTime); })
                           .or_else([&] { return properties.time(tag::CreationTime); });
        message.message_id = properties.text_or_empty(tag::InternetMessageId, codepage);
        message.in_reply_to = properties.text_or_empty(tag::InReplyToId, codepage);
        message.references = properties.text_or_empty(tag::InternetReferences, codepage);
        message.importance = static_cast<int>(properties.integer(tag::Importance).value_or(1));

        PffError error;
        libpff_item_t* recipients = nullptr;
        int found = libpff_message_get_recipients(item, &recipients, error.out());
        if (found < 0) {
            problems.add(fmt::format("recipients: {}", error.text()));
            return;
        }
        if (found == 0)
            return;
        ItemHandle recipients_handle(recipients);
        int count = 0;
        if (libpff_item_get_number_of_record_sets(recipients, &count, error.out()) != 1) {
            problems.add(fmt::format("recipients: {}", error.text()));
            return;
        }
        for (int index = 0; index < count; ++index) {
            Properties recipient(recipients, index);
            MailAddress address{recipient.text_or_empty(tag::DisplayName, codepage),
                                smtp_address(recipient, tag::SmtpAddress, tag::EmailAddress, tag::AddressType,
                                             codepage)};
            switch (recipient.integer(tag::RecipientType).value_or(1) & 0x0F) {
            case 2: message.cc.push_back(std::move(address)); break;
            case 3: message.bcc.push_back(std::move(address)); break;
            default: message.to.push_back(std::move(address)); break;
            }
            problems.add_property_error(recipient, fmt::format("recipient {}", index + 1));
        }
    }

    std::optional<std::string> rtf_body(libpff_item_t* item, ItemProblems& problems) {
        PffError error;
        std::size_t size = 0;
        int found = libpff_message_get_rtf_body_size(item, &size, error.out());
        if (found < 0)
            problems.add(fmt::format("the RTF body: {}", error.text()));
        if (found != 1 || size == 0)
            return std::nullopt;
        std::string rtf(size, '\0');
        if (libpff_message_get_rtf_body(item, reinterpret_cast<std::uint8_t*>(rtf.data()), size, error.out()) != 1) {
            problems.add(fmt::format("the RTF body: {}", error.text()));
            return std::nullopt;
        }
        while (!rtf.empty() && rtf.back() == '\0')
            rtf.pop_back();
        return rtf;
    }

    void read_attachments(libpff_item_t* item, std::uint32_t identifier, int depth, OutlookMessage& message,
                          ItemProblems& problems) {
        PffError error;
        int count = 0;
        if (libpff_message_get_number_of_attachments(item, &count, error.out()) != 1) {
            problems.add(fmt::format("the attachments: {}", error.text()));
            return;
        }
        for (int index = 0; index < count; ++index) {
            const std::string what = fmt::format("attachment {}", index + 1);
            libpff_item_t* attachment = nullptr;
            if (libpff_message_get_attachment(item, index, &attachment, error.out()) != 1) {
                problems.add(fmt::format("{}: {}", what, error.text()));
                continue;
            }
            ItemHandle handle(attachment);
            if (std::optional<OutlookAttachment> read = read_attachment(attachment, identifier, depth, what, problems))
                message.attachments.push_back(std::move(*read));
        }
    }

    std::optional<OutlookAttachment> read_attachment(libpff_item_t* attachment, std::uint32_t identifier, int depth,
                                                     const std::string& what, ItemProblems& problems) {
        PffError error;
        Properties properties(attachment, 0);
        OutlookAttachment read;
        read.file_name = properties.text(tag::AttachFileNameLong, m_file_codepage)
                             .or_else([&] { return properties.text(tag::AttachFileNameShort, m_file_codepage); })
                             .or_else([&] { return properties.text(tag::DisplayName, m_file_codepage); })
                             .value_or(std::string());
        read.mime_type = properties.text_or_empty(tag::AttachMimeTag, m_file_codepage);
        read.content_id = properties.text_or_empty(tag::AttachContentId, m_file_codepage);
        if (read.content_id.size() > 2 && read.content_id.front() == '<' && read.content_id.back() == '>')
            read.content_id = read.content_id.substr(1, read.content_id.size() - 2);
        const std::string named = read.file_name.empty() ? what : fmt::format("{} ({})", what, read.file_name);

        int type = 0;
        if (libpff_attachment_get_type(attachment, &type, error.out()) != 1) {
            problems.add(fmt::format("{}: {}", named, error.text()));
            return std::nullopt;
        }
        if (type == LIBPFF_ATTACHMENT_TYPE_REFERENCE) {
            problems.add(fmt::format("{} is a link to a file outside the PST, which holds no copy of it", named));
            return std::nullopt;
        }
        if (type == LIBPFF_ATTACHMENT_TYPE_ITEM) {
            if (depth + 1 > MaximumEmbeddingDepth) {
                problems.add(fmt::format("{}: messages embedded more than {} deep are not read", named,
                                         MaximumEmbeddingDepth));
                return std::nullopt;
            }
            libpff_item_t* embedded = nullptr;
            if (libpff_attachment_get_item(attachment, &embedded, error.out()) != 1) {
                problems.add(fmt::format("{}: the embedded item cannot be read: {}", named, error.text()));
                return std::nullopt;
            }
            ItemHandle embedded_handle(embedded);
            Properties embedded_properties(embedded, 0);
            ItemProblems embedded_problems;
            OutlookMessage inner = read_message(embedded, embedded_properties, identifier, depth + 1, embedded_problems);
            for (const std::string& note : embedded_problems.notes)
                problems.add(fmt::format("{} (embedded message): {}", named, note));
            read.data = write_mime_message(inner);
            read.is_embedded_message = true;
            if (read.file_name.empty() && inner.subject)
                read.file_name = *inner.subject;
            return read;
        }
        std::uint64_t size = 0;
        if (libpff_attachment_get_data_size(attachment, &size, error.out()) != 1) {
            problems.add(fmt::format("{}: {}", named, error.text()));
            return std::nullopt;
        }
        if (size > MaximumAttachmentBytes) {
            problems.add(fmt::format("{} is {} bytes, more than the {} bytes read from one attachment", named, size,
                                     MaximumAttachmentBytes));
            return std::nullopt;
        }
        read.data.resize(static_cast<std::size_t>(size));
        std::size_t done = 0;
        if (size > 0 && libpff_attachment_data_seek_offset(attachment, 0, SEEK_SET, error.out()) < 0) {
            problems.add(fmt::format("{}: {}", named, error.text()));
            return std::nullopt;
        }
        while (done < read.data.size()) {
            ssize_t count = libpff_attachment_data_read_buffer(
                attachment, reinterpret_cast<std::uint8_t*>(read.data.data() + done), read.data.size() - done,
                error.out());
            if (count <= 0) {
                problems.add(fmt::format("{}: read {} of its {} bytes: {}", named, done, size,
                                         count < 0 ? error.text() : std::string("the data ends early")));
                return std::nullopt;
            }
            done += static_cast<std::size_t>(count);
        }
        problems.add_property_error(properties, named);
        return read;
    }

    void fail(std::uint64_t offset, std::string reason) {
        m_failed = true;
        m_sink.on_failure(ItemFailure{m_origin.source_path, offset, std::move(reason)});
    }

    libpff_file_t* m_file;
    const PstOrigin& m_origin;
    const CancellationToken* m_cancel;
    MessageSink& m_sink;
    std::uint32_t m_file_codepage = DefaultCodepage;
    std::optional<std::uint32_t> m_top_folder;
    std::size_t m_top_folder_depth = 0;
    std::set<std::uint32_t> m_visited_folders;
    std::uint64_t m_file_size = 0;
    std::uint64_t m_item_total = 0;  ///< items in every folder, counted before reading
    std::uint64_t m_items_done = 0;
    bool m_failed = false;
    PstOutcome m_outcome = PstOutcome::Completed;
};

}  // namespace

PstOutcome read_pst_file(const std::string& file_path, const PstOrigin& origin, const CancellationToken* cancel,
                         MessageSink& sink) {
    PffError error;
    libpff_file_t* file = nullptr;
    if (libpff_file_initialize(&file, error.out()) != 1) {
        sink.on_failure(ItemFailure{origin.source_path, 0,
                                    fmt::format("cannot set up the PST reader: {}", error.text())});
        return PstOutcome::Unreadable;
    }
    if (libpff_file_open(file, file_path.c_str(), LIBPFF_OPEN_READ, error.out()) != 1) {
        const std::string reason = error.text();
        libpff_file_free(&file, nullptr);
        sink.on_failure(ItemFailure{
            origin.source_path, 0,
            fmt::format("cannot open the Outlook PST/OST file (damaged or truncated?): {}; repair a copy with "
                        "Outlook's Inbox Repair Tool (scanpst) and import that",
                        reason)});
        return PstOutcome::Unreadable;
    }
    FileHandle handle(file);
    return PstReader(file, origin, cancel, sink).run();
}

}  // namespace cairn::sources::pst
