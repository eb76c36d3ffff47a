// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/imap/account_reader.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "core/base/text.h"
#include "core/sources/common/modified_utf7.h"

namespace cairn::sources::imap {
namespace {

/// A checkpoint every so many messages: a crash or a dropped connection then costs at most
/// this many messages fetched again (their content is deduplicated, only bandwidth is lost).
constexpr std::size_t MessagesPerPosition = 256;
/// Reconnections in a row without a single message between them before the run gives up on a
/// server that accepts connections and then fails every command.
constexpr int MaximumFruitlessReconnections = 5;

struct FolderPlan {
    Folder folder;
    std::uint32_t uid_validity = 0;
    /// Where the folder's position starts: the known highest UID, or 0 when the folder is new
    /// or its UIDVALIDITY changed.
    std::uint32_t base_uid = 0;
    std::vector<std::uint32_t> uids;  ///< ascending
    /// Gmail: those of `uids` the archive holds already by X-GM-MSGID (not fetched again).
    std::vector<ImapClient::GmailIdentity> archived_before;
    /// Those of `uids` archived by an earlier run after its last position (not fetched again).
    std::vector<std::uint32_t> archived_past_position;
    /// Gmail: those of `uids` whose labels put them only in folders the account leaves out.
    std::vector<std::uint32_t> left_out;
};

/// One signed-in connection, made again when the server drops it.
class Session {
public:
    Session(const AccountReadOptions& options, const CancellationToken* cancel) : m_options(options), m_cancel(cancel) {
        m_connect = options.connect;
        m_connect.cancellation = cancel;
    }

    /// The client, connecting and signing in when needed. Network failures are retried with
    /// growing pauses for options.reconnect; other failures (sign-in refused, an
    /// untrusted certificate) are returned at once: retrying would not help.
    Result<ImapClient*> client() {
        if (m_client)
            return m_client.get();
        auto connected = connect_with_retries<std::unique_ptr<ImapClient>>([this] { return connect_once(); },
                                                                            m_options.reconnect, m_cancel,
                                                                            m_options.source_name);
        if (!connected)
            return std::unexpected(connected.error());
        m_client = std::move(*connected);
        return m_client.get();
    }

    /// After a network failure: forget the connection; the next client() reconnects. False when
    /// the server failed too often without anything fetched in between.
    bool drop(bool made_progress) {
        m_client.reset();
        ++m_reconnections;
        m_fruitless = made_progress ? 0 : m_fruitless + 1;
        return m_fruitless <= MaximumFruitlessReconnections;
    }

    void close() {
        if (m_client)
            (void)m_client->logout();
        m_client.reset();
    }

    std::uint64_t reconnections() const { return m_reconnections; }

    Result<std::unique_ptr<ImapClient>> connect_once() {
        auto client = CAIRN_TRY(ImapClient::connect(m_connect));
        auto credentials = CAIRN_TRY(m_options.credentials());
        CAIRN_TRY_VOID(client->authenticate(credentials));
        return client;
    }

private:
    const AccountReadOptions& m_options;
    const CancellationToken* m_cancel;
    ConnectOptions m_connect;
    std::unique_ptr<ImapClient> m_client;
    std::uint64_t m_reconnections = 0;
    int m_fruitless = 0;
};

std::string folder_source_path(const AccountReadOptions& options, const FolderPlan& plan) {
    return fmt::format("{}/{};UIDVALIDITY={}", options.source_name, plan.folder.display_path, plan.uid_validity);
}

bool has_attribute(const Folder& folder, std::string_view attribute) {
    return std::any_of(folder.attributes.begin(), folder.attributes.end(),
                       [&](const std::string& each) { return lower_ascii(each) == lower_ascii(attribute); });
}

bool is_included(const AccountReadOptions& options, const Folder& folder) {
    return !options.include_folder || options.include_folder(folder);
}

/// Gmail (X-GM-EXT-1): every message is in All Mail, and each label is shown as a folder
/// holding its messages again. Reading every folder would fetch a message once per label, so
/// only All Mail is read and labels become placements.
class GmailLabels {
public:
    /// Null when the server is not Gmail-like (no X-GM-EXT-1, or no \All folder).
    static std::unique_ptr<GmailLabels> of_server(const ImapClient& client, const std::vector<Folder>& folders,
                                                  const AccountReadOptions& options) {
        if (!client.has_capability("X-GM-EXT-1"))
            return nullptr;
        auto all_mail = std::find_if(folders.begin(), folders.end(),
                                     [](const Folder& folder) { return folder.selectable && folder.special_use == "\\All"; });
        if (all_mail == folders.end())
            return nullptr;
        auto labels = std::make_unique<GmailLabels>();
        labels->m_options = &options;
        labels->m_all_mail = *all_mail;
        labels->m_all_mail_included = is_included(options, *all_mail);
        for (const auto& folder : folders) {
            if (!folder.selectable || folder.server_name == all_mail->server_name)
                continue;
            // Gmail names its system labels after the special use of their folders.
            std::string label = folder.server_name;
            if (lower_ascii(folder.server_name) == "inbox")
                label = "\\inbox";
            else if (folder.special_use == "\\Sent")
                label = "\\sent";
            else if (folder.special_use == "\\Drafts")
                label = "\\draft";
            else if (folder.special_use == "\\Flagged")
                label = "\\starred";
            else if (has_attribute(folder, "\\Important"))
                label = "\\important";
            labels->m_folders_by_label[label] = folder;
        }
        return labels;
    }

    /// Whether FOLDER is read as a folder of its own: All Mail, and Trash and Spam (whose mail
    /// Gmail keeps out of All Mail); the others are labels.
    bool is_read(const Folder& folder) const {
        return folder.server_name == m_all_mail.server_name || folder.special_use == "\\Trash" ||
               folder.special_use == "\\Junk";
    }

    bool is_all_mail(const Folder& folder) const { return folder.server_name == m_all_mail.server_name; }

    /// The archive folders (display paths) a message with LABELS belongs in, All Mail first,
    /// each once, only those the account includes.
    std::vector<std::string> placements(const std::vector<std::string>& labels) const {
        std::vector<std::string> folders;
        auto add = [&](const std::string& path) {
            if (std::find(folders.begin(), folders.end(), path) == folders.end())
                folders.push_back(path);
        };
        if (m_all_mail_included)
            add(m_all_mail.display_path);
        for (const auto& label : labels) {
            const bool system_label = !label.empty() && label.front() == '\\';
            auto found = m_folders_by_label.find(system_label ? lower_ascii(label) : label);
            if (found != m_folders_by_label.end()) {
                if (is_included(*m_options, found->second))
                    add(found->second.display_path);
                continue;
            }
            if (system_label)
                continue;  // \\Muted and the like: not folders
            // A label the folder list did not show: named as a folder would be.
            Folder folder;
            folder.server_name = label;
            folder.display_path = decode_modified_utf7(label).value_or(label);
            if (is_included(*m_options, folder))
                add(folder.display_path);
        }
        return folders;
    }

private:
    const AccountReadOptions* m_options = nullptr;
    Folder m_all_mail;
    bool m_all_mail_included = true;
    std::map<std::string, Folder> m_folders_by_label;
};

struct AccountPlan {
    std::vector<FolderPlan> folders;
    std::unique_ptr<GmailLabels> gmail;
};

/// Lists the folders and works out, for each archived one, which UIDs are new.
Result<AccountPlan> plan_folders(ImapClient& client, const AccountReadOptions& options) {
    AccountPlan account;
    auto folders = CAIRN_TRY(client.list_folders());
    account.gmail = GmailLabels::of_server(client, folders, options);
    auto& plans = account.folders;
    for (auto& folder : folders) {
        if (!folder.selectable)
            continue;
        if (account.gmail ? !account.gmail->is_read(folder) || (!account.gmail->is_all_mail(folder) && !is_included(options, folder))
                          : !is_included(options, folder))
            continue;
        auto status = CAIRN_TRY(client.examine(folder.server_name));
        FolderPlan plan;
        plan.uid_validity = status.uid_validity;
        auto known = options.known_folders.find(folder.server_name);
        // Same UIDVALIDITY: the UIDs up to the known highest are archived. Otherwise the
        // server renumbered the folder: read it all again; dedup finds what is archived.
        const bool same_numbering =
            known != options.known_folders.end() && known->second.uid_validity == status.uid_validity;
        if (same_numbering)
            plan.base_uid = known->second.highest_uid;
        if (status.exists > 0 && (!status.uid_next || *status.uid_next > plan.base_uid + 1))
            plan.uids = CAIRN_TRY(client.uids_from(plan.base_uid + 1));
        if (same_numbering)
            std::set_intersection(plan.uids.begin(), plan.uids.end(), known->second.archived_above.begin(),
                                  known->second.archived_above.end(), std::back_inserter(plan.archived_past_position));
        // On Gmail, the ids and labels of the new UIDs come first (cheap, no content): new UIDs
        // are not always new mail (a renumbered folder, mail back from Trash, Trash holding
        // mail archived from All Mail), and a message only in folders the account leaves out
        // need not be downloaded at all.
        if (account.gmail && !plan.uids.empty())
            for (auto& identity : CAIRN_TRY(client.gmail_identities(plan.uids))) {
                if (options.archived_gmail_message_ids.count(identity.gmail_message_id))
                    plan.archived_before.push_back(std::move(identity));
                else if (account.gmail->is_all_mail(folder) && account.gmail->placements(identity.gmail_labels).empty())
                    plan.left_out.push_back(identity.uid);
            }
        plan.folder = std::move(folder);
        plans.push_back(std::move(plan));
    }
    return account;
}

/// Tracks which of a folder's new UIDs went to the sink, and the position that allows.
class FolderProgress {
public:
    explicit FolderProgress(const FolderPlan& plan) : m_plan(plan), m_passed(plan.uids.size(), false) {
        for (const auto& known : plan.archived_before)
            mark_passed(known.uid);
        for (auto uid : plan.archived_past_position)
            mark_passed(uid);
        for (auto uid : plan.left_out)
            mark_passed(uid);
    }

    void mark_passed(std::uint32_t uid) {
        auto found = std::lower_bound(m_plan.uids.begin(), m_plan.uids.end(), uid);
        if (found != m_plan.uids.end() && *found == uid)
            m_passed[static_cast<std::size_t>(found - m_plan.uids.begin())] = true;
    }

    /// Every UID up to the returned one was passed (a failed one holds the position back, so
    /// the next run fetches it again).
    std::uint32_t position() {
        while (m_contiguous < m_passed.size() && m_passed[m_contiguous])
            ++m_contiguous;
        return m_contiguous == 0 ? m_plan.base_uid : m_plan.uids[m_contiguous - 1];
    }

    std::vector<std::uint32_t> remaining() const {
        std::vector<std::uint32_t> uids;
        for (std::size_t i = 0; i < m_passed.size(); ++i)
            if (!m_passed[i])
                uids.push_back(m_plan.uids[i]);
        return uids;
    }

private:
    const FolderPlan& m_plan;
    std::vector<bool> m_passed;
    std::size_t m_contiguous = 0;
};

}  // namespace

std::vector<std::string> normalised_flags(const std::vector<std::string>& imap_flags) {
    static const std::pair<const char*, const char*> Known[] = {
        {"\\seen", "seen"},       {"\\answered", "answered"}, {"\\flagged", "flagged"},
        {"\\draft", "draft"},     {"\\deleted", "deleted"},   {"$forwarded", "forwarded"},
    };
    std::vector<std::string> flags;
    for (const auto& flag : imap_flags) {
        const std::string lower = lower_ascii(flag);
        for (const auto& [imap, normal] : Known)
            if (lower == imap && std::find(flags.begin(), flags.end(), normal) == flags.end())
                flags.emplace_back(normal);
    }
    return flags;
}

Result<std::unique_ptr<ImapClient>> connect_and_sign_in(const AccountReadOptions& options) {
    Session session(options, options.connect.cancellation);
    return session.connect_once();
}

AccountReadSummary read_imap_account(const AccountReadOptions& options, MessageSink& sink,
                                     const CancellationToken* cancel) {
    AccountReadSummary summary;
    Session session(options, cancel);
    auto cancelled = [&] { return cancel && cancel->is_cancelled(); };

    // Runs STEP on a signed-in client; a dropped connection reconnects and runs it again.
    auto with_reconnection = [&](auto&& step, const std::uint64_t& progress_counter) -> Result<void> {
        for (;;) {
            auto client = session.client();
            if (!client)
                return std::unexpected(client.error());
            const auto before = progress_counter;
            auto done = step(**client);
            if (done || done.error().code != ErrorCode::Unavailable)
                return done;
            if (!session.drop(progress_counter > before))
                return make_error(ErrorCode::Unavailable,
                                  fmt::format("the server kept failing ({}); run again later", done.error().message),
                                  options.source_name);
        }
    };

    AccountPlan account;
    auto planned = with_reconnection(
        [&](ImapClient& client) -> Result<void> {
            account = CAIRN_TRY(plan_folders(client, options));
            return {};
        },
        summary.messages);
    const auto& plans = account.folders;
    if (!planned) {
        if (planned.error().code != ErrorCode::Cancelled)
            summary.error = planned.error();
        summary.reconnections = session.reconnections();
        return summary;
    }
    summary.folders = plans.size();
    std::uint64_t expected = 0;
    for (const auto& plan : plans)
        expected += FolderProgress(plan).remaining().size();
    sink.on_checkpoint(ExpectedMessages{expected});

    bool stopped = false;
    for (const auto& plan : plans) {
        if (stopped || cancelled())
            break;
        const std::string source_path = folder_source_path(options, plan);
        sink.on_checkpoint(FolderOpened{plan.folder.server_name, source_path, plan.uid_validity});
        const bool by_labels = account.gmail && account.gmail->is_all_mail(plan.folder);
        auto folders_of = [&](const std::vector<std::string>& labels) {
            return by_labels ? account.gmail->placements(labels) : std::vector<std::string>{plan.folder.display_path};
        };
        for (const auto& known : plan.archived_before)
            sink.on_checkpoint(GmailMessage{source_path, known.uid, known.gmail_message_id,
                                            folders_of(known.gmail_labels), true, normalised_flags(known.flags),
                                            known.internal_date});
        FolderProgress progress(plan);
        std::size_t since_position = 0;
        auto pass_position = [&] {
            sink.on_checkpoint(FolderPosition{plan.folder.server_name, plan.uid_validity, progress.position()});
        };
        std::vector<FetchFailure> refused;
        auto fetched = with_reconnection(
            [&](ImapClient& client) -> Result<void> {
                auto remaining = progress.remaining();
                if (remaining.empty())
                    return {};
                auto status = CAIRN_TRY(client.examine(plan.folder.server_name));
                if (status.uid_validity != plan.uid_validity)
                    return make_error(ErrorCode::InvalidData,
                                      "the server renumbered this folder (UIDVALIDITY changed) during the run; run "
                                      "again to read it anew",
                                      source_path);
                auto report = CAIRN_TRY(client.fetch_messages(
                    remaining,
                    [&](FetchedMessage&& message) {
                        RawMessage raw;
                        raw.bytes = std::move(message.bytes);
                        raw.folder = plan.folder.display_path;
                        raw.source_path = source_path;
                        raw.offset = message.uid;
                        raw.received_time = message.internal_date;
                        raw.flags = normalised_flags(message.flags);
                        const auto uid = message.uid;
                        std::vector<std::string> label_folders;
                        if (by_labels) {
                            label_folders = folders_of(message.gmail_labels);
                            if (label_folders.empty()) {
                                // Relabelled since planning into folders the account leaves out.
                                progress.mark_passed(uid);
                                return true;
                            }
                            raw.folder = label_folders.front();
                            label_folders.erase(label_folders.begin());
                        }
                        std::optional<mime::JournalReport> journal;
                        if (options.unwrap_journal_reports) {
                            journal = mime::parse_journal_report(raw.bytes);
                            if (journal)
                                raw.bytes = std::move(journal->original_message);
                        }
                        // Before the message, so the archive records them in the same step as
                        // the message: a commit in between must not leave it without them.
                        if (account.gmail)
                            sink.on_checkpoint(GmailMessage{source_path, uid, message.gmail_message_id.value_or(0),
                                                            std::move(label_folders), false, {}, std::nullopt});
                        if (journal)
                            sink.on_checkpoint(JournalEnvelope{source_path, uid, std::move(journal->sender),
                                                               std::move(journal->recipients)});
                        if (!sink.on_message(std::move(raw))) {
                            stopped = true;
                            return false;
                        }
                        progress.mark_passed(uid);
                        ++summary.messages;
                        if (++since_position >= MessagesPerPosition) {
                            since_position = 0;
                            pass_position();
                        }
                        return true;
                    },
                    options.fetch));
                refused = std::move(report.failures);
                return {};
            },
            summary.messages);
        pass_position();
        if (!fetched) {
            if (fetched.error().code == ErrorCode::Cancelled || stopped)
                break;
            if (fetched.error().code == ErrorCode::InvalidData || fetched.error().code == ErrorCode::NotFound) {
                // This folder only (renumbered, or deleted since the listing): the others go on.
                sink.on_failure({source_path, 0, fetched.error().describe()});
                continue;
            }
            summary.error = fetched.error();
            break;
        }
        if (refused.empty())
            continue;
        std::sort(refused.begin(), refused.end(),
                  [](const FetchFailure& left, const FetchFailure& right) { return left.uid < right.uid; });
        // A UID the server did not deliver may simply have been expunged since the search: only
        // those still there are failures (and are fetched again next time).
        std::vector<std::uint32_t> still_there;
        auto checked = with_reconnection(
            [&](ImapClient& client) -> Result<void> {
                CAIRN_TRY(client.examine(plan.folder.server_name));
                still_there = CAIRN_TRY(client.uids_from(refused.front().uid));
                return {};
            },
            summary.messages);
        for (const auto& failure : refused)
            if (!checked || std::binary_search(still_there.begin(), still_there.end(), failure.uid))
                sink.on_failure({source_path, failure.uid, fmt::format("UID {}: {}", failure.uid, failure.reason)});
    }
    session.close();
    summary.reconnections = session.reconnections();
    return summary;
}

}  // namespace cairn::sources::imap
