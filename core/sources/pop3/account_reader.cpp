// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sources/pop3/account_reader.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace cairn::sources::pop3 {
namespace {

/// Reconnections in a row without a single message between them before the run gives up on a
/// server that accepts connections and then fails every command.
constexpr int MaximumFruitlessReconnections = 5;

Result<std::unique_ptr<Pop3Client>> connect_once(const AccountReadOptions& options, const ConnectOptions& connect) {
    auto client = CAIRN_TRY(Pop3Client::connect(connect));
    auto credentials = CAIRN_TRY(options.credentials());
    CAIRN_TRY_VOID(client->authenticate(credentials));
    return client;
}

}  // namespace

Result<std::unique_ptr<Pop3Client>> connect_and_sign_in(const AccountReadOptions& options) {
    return connect_once(options, options.connect);
}

AccountReadSummary read_pop3_account(const AccountReadOptions& options, MessageSink& sink,
                                     const CancellationToken* cancel) {
    AccountReadSummary summary;
    // Unique ids passed to the sink in this run: after a reconnection they are not fetched again.
    std::set<std::string> passed;
    bool announced = false;
    bool stopped = false;
    int fruitless = 0;
    for (;;) {
        if (cancel && cancel->is_cancelled())
            break;
        ConnectOptions connect = options.connect;
        connect.cancellation = cancel;
        auto client = connect_with_retries<std::unique_ptr<Pop3Client>>(
            [&] { return connect_once(options, connect); }, options.reconnect, cancel, options.source_name);
        if (!client) {
            if (client.error().code != ErrorCode::Cancelled)
                summary.error = client.error();
            break;
        }
        const auto messages_before = summary.messages;
        auto done = [&]() -> Result<void> {
            // Message numbers belong to one session: list them again after every reconnection.
            auto ids = CAIRN_TRY((*client)->unique_ids());
            std::map<std::uint32_t, std::string> unique_id_of;
            std::vector<std::uint32_t> numbers;
            std::uint64_t archived = 0;
            for (auto& id : ids) {
                if (options.archived_unique_ids.count(id.unique_id)) {
                    ++archived;
                    continue;
                }
                if (passed.count(id.unique_id))
                    continue;
                numbers.push_back(id.number);
                unique_id_of[id.number] = std::move(id.unique_id);
            }
            if (!announced) {
                sink.on_checkpoint(ExpectedMessages{numbers.size()});
                summary.already_archived = archived;
                announced = true;
            }
            auto report = CAIRN_TRY((*client)->retrieve(
                numbers,
                [&](RetrievedMessage&& message) {
                    const std::string& unique_id = unique_id_of[message.number];
                    sink.on_checkpoint(Pop3MessageFetched{message.number, unique_id});
                    RawMessage raw;
                    raw.bytes = std::move(message.bytes);
                    raw.folder = InboxFolder;
                    raw.source_path = options.source_name;
                    raw.offset = message.number;
                    if (!sink.on_message(std::move(raw))) {
                        stopped = true;
                        return false;
                    }
                    passed.insert(unique_id);
                    ++summary.messages;
                    return true;
                },
                options.retrieve));
            for (const auto& failure : report.failures)
                sink.on_failure({options.source_name, failure.number,
                                 fmt::format("message {} (UIDL {}): {}", failure.number, unique_id_of[failure.number],
                                             failure.reason)});
            return {};
        }();
        // The session ends without QUIT on purpose: the server then changes nothing (no
        // deletions, and no "read" flags that some servers set at QUIT for retrieved mail).
        client->reset();
        if (done)
            break;
        if (stopped || done.error().code == ErrorCode::Cancelled)
            break;
        if (done.error().code != ErrorCode::Unavailable) {
            summary.error = done.error();
            break;
        }
        ++summary.reconnections;
        fruitless = summary.messages > messages_before ? 0 : fruitless + 1;
        if (fruitless > MaximumFruitlessReconnections) {
            summary.error = Error{ErrorCode::Unavailable,
                                  fmt::format("the server kept failing ({}); run again later", done.error().message),
                                  options.source_name};
            break;
        }
    }
    return summary;
}

}  // namespace cairn::sources::pop3
