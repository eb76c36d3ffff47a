// SPDX-License-Identifier: GPL-3.0-or-later
// The ingest pipeline (DESIGN.md §4): one reader thread runs the sources, a pool of workers
// hashes, splits and compresses, and the calling thread is the single writer that seals records
// into packs and commits catalog batches. Items reach the writer in source order, so a file is
// marked imported only after all its messages.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <variant>

#include <fmt/format.h>

#include "core/archive/archive_impl.h"
#include "core/archive/indexing.h"
#include "core/search/search_index.h"
#include "core/sources/input_estimate.h"
#include "core/sources/mail_files.h"

namespace cairn {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t MaximumMessageBytes = std::size_t{1} << 30;

/// What a worker makes of a message: the store's half and, for new content, the index's half.
struct WorkResult {
    store::PreparedMessage prepared;
    std::optional<IndexedMessage> indexed;
};

struct MessageItem {
    sources::RawMessage origin;  // bytes moved out to the worker
    std::uint64_t size = 0;
    std::future<WorkResult> result;
};
struct FileCompleteItem {
    sources::FileIdentity identity;
};
struct FailureItem {
    ItemFailure failure;
};
struct PassedOverItem {
    bool unchanged = false;  // imported before (otherwise: not mail by name)
    std::uint64_t size = 0;
};
struct WarningItem {
    std::string text;
};
struct CheckpointItem {
    std::any position;
};
using Item = std::variant<MessageItem, FileCompleteItem, FailureItem, PassedOverItem, WarningItem, CheckpointItem>;

/// A bounded FIFO between the reader and the writer. Bounded in items and in bytes, so memory
/// stays flat whatever the mailbox size.
class ItemQueue {
public:
    ItemQueue(std::size_t item_limit, std::uint64_t byte_limit) : m_item_limit(item_limit), m_byte_limit(byte_limit) {}

    /// False when the queue was closed (the writer stopped).
    bool push(Item item, std::uint64_t bytes) {
        std::unique_lock lock(m_mutex);
        m_space.wait(lock, [&] {
            return m_closed || m_items.empty() || (m_items.size() < m_item_limit && m_bytes + bytes <= m_byte_limit);
        });
        if (m_closed)
            return false;
        m_items.emplace_back(std::move(item), bytes);
        m_bytes += bytes;
        m_ready.notify_one();
        return true;
    }

    enum class Popped { Item, TimedOut, Finished };

    /// Waits at most `wait` for an item; Finished when the reader is done and all was taken.
    Popped pop(Item& out, std::chrono::milliseconds wait) {
        std::unique_lock lock(m_mutex);
        if (!m_ready.wait_for(lock, wait, [&] { return !m_items.empty() || m_finished || m_closed; }))
            return Popped::TimedOut;
        if (m_items.empty())
            return Popped::Finished;
        auto [item, bytes] = std::move(m_items.front());
        m_items.pop_front();
        m_bytes -= bytes;
        m_space.notify_one();
        out = std::move(item);
        return Popped::Item;
    }

    void finish() {
        std::lock_guard lock(m_mutex);
        m_finished = true;
        m_ready.notify_all();
    }

    void close() {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_space.notify_all();
        m_ready.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_space, m_ready;
    std::deque<std::pair<Item, std::uint64_t>> m_items;
    std::size_t m_item_limit;
    std::uint64_t m_byte_limit;
    std::uint64_t m_bytes = 0;
    bool m_finished = false;
    bool m_closed = false;
};

/// What each worker thread owns: a preparer (with its own read-only catalog connection) and a
/// document builder (with its own attachment extraction process).
struct Worker {
    store::MessagePreparer preparer;
    DocumentBuilder builder;
};

/// Worker threads, each owning a Worker.
class PreparerPool {
public:
    using Task = std::function<void(Worker&)>;

    explicit PreparerPool(std::vector<Worker> workers) {
        for (auto& worker : workers)
            m_threads.emplace_back([this, worker = std::move(worker)]() mutable { run(worker); });
    }

    ~PreparerPool() {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_all();
        for (auto& thread : m_threads)
            thread.join();
    }

    std::future<WorkResult> submit(std::string bytes) {
        auto task = std::make_shared<std::packaged_task<WorkResult(Worker&)>>(
            [bytes = std::move(bytes)](Worker& worker) {
                WorkResult result;
                result.prepared = worker.preparer.prepare(bytes);
                // Known content is indexed already (or is caught up from the store by the writer).
                if (!result.prepared.known) {
                    result.indexed = worker.builder.build(bytes);
                    result.prepared.attachment_count = result.indexed->attachment_count;
                    result.prepared.attachment_names = result.indexed->attachment_names;
                }
                return result;
            });
        auto future = task->get_future();
        {
            std::lock_guard lock(m_mutex);
            m_tasks.emplace_back([task](Worker& worker) { (*task)(worker); });
        }
        m_wake.notify_one();
        return future;
    }

private:
    void run(Worker& worker) {
        for (;;) {
            Task task;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [&] { return m_stopping || !m_tasks.empty(); });
                if (m_stopping)
                    return;  // queued tasks are dropped: nobody waits for them any more
                task = std::move(m_tasks.front());
                m_tasks.pop_front();
            }
            task(worker);
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task> m_tasks;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

/// Runs on the reader thread: turns what the sources produce into queue items.
class QueueingSink final : public sources::MessageSink {
public:
    QueueingSink(ItemQueue& queue, PreparerPool& pool, store::Catalog& catalog, const ImportOptions& options,
                 const CancellationToken* cancel)
        : m_queue(queue), m_pool(pool), m_catalog(catalog), m_options(options), m_cancel(cancel) {}

    bool on_message(sources::RawMessage&& message) override {
        if (m_cancel && m_cancel->is_cancelled())
            return false;
        if (message.bytes.size() > MaximumMessageBytes) {
            // Larger than any real mail; it would not fit a block's 32-bit sizes either.
            on_failure({message.source_path, message.offset,
                        fmt::format("message of {} bytes is larger than the {} bytes Cairn accepts",
                                    message.bytes.size(), MaximumMessageBytes)});
            return true;
        }
        MessageItem item;
        item.size = message.bytes.size();
        item.result = m_pool.submit(std::move(message.bytes));
        item.origin = std::move(message);
        auto size = item.size;
        return m_queue.push(std::move(item), size);
    }

    void on_failure(sources::ItemFailure&& failure) override {
        m_queue.push(FailureItem{{std::move(failure.source_path), failure.offset, std::move(failure.reason)}}, 0);
    }

    bool should_read(const sources::FileIdentity& identity) override {
        auto imported = m_catalog.is_file_imported(m_options.user, m_options.folder_prefix, identity.path,
                                                   identity.size, identity.modified_ns);
        // When the lookup fails the file is simply read again: dedup makes that safe.
        if (imported && *imported) {
            m_queue.push(PassedOverItem{true, identity.size}, 0);
            return false;
        }
        return true;
    }

    void on_file_complete(const sources::FileIdentity& identity) override {
        m_queue.push(FileCompleteItem{identity}, 0);
    }

    void on_skipped(const std::string&, const std::string&) override { m_queue.push(PassedOverItem{false, 0}, 0); }

    void on_warning(const std::string& path, const std::string& text) override {
        m_queue.push(WarningItem{path + ": " + text}, 0);
    }

    void on_checkpoint(std::any position) override { m_queue.push(CheckpointItem{std::move(position)}, 0); }

private:
    ItemQueue& m_queue;
    PreparerPool& m_pool;
    store::Catalog& m_catalog;
    const ImportOptions& m_options;
    const CancellationToken* m_cancel;
};


/// About the bytes the sources will read under the paths: the import's progress is measured against it.
std::uint64_t input_size(const std::vector<std::filesystem::path>& paths) {
    std::uint64_t total = 0;
    for (const auto& path : paths)
        total += sources::estimate_input_bytes(path);
    return total;
}

/// The catalog commits first: the index may lag behind it (and catches up on the next run) but
/// must never hold a document for a message id the catalog rolled back and may hand out again.
/// Each batch advances the user's index generation with the catalog; the index records it too
/// when it holds every document so far, so a crash between the commits shows as a lag.
Result<void> commit_both(store::Catalog& catalog, store::MessageWriter& writer, search::SearchIndex& index,
                         bool index_complete, bool continue_after) {
    const std::int64_t generation = CAIRN_TRY(catalog.advance_index_generation(index.user()));
    CAIRN_TRY_VOID(writer.commit());
    if (index_complete)
        CAIRN_TRY_VOID(index.set_catalog_generation(generation));
    CAIRN_TRY_VOID(index.commit());
    if (continue_after)
        CAIRN_TRY_VOID(index.begin());
    return {};
}

/// Puts a newly placed message into the user's index, unless it is there already. False when it
/// had to be left for later (see below).
Result<bool> index_added(search::SearchIndex& index, store::MessageReader& reader, DocumentBuilder& builder,
                         const store::Added& added, const std::optional<IndexedMessage>& indexed) {
    if (added.outcome == store::AddOutcome::AlreadyInFolder)
        return true;
    if (indexed) {
        CAIRN_TRY_VOID(index.add(added.message_id, added.date, indexed->document));
        return true;
    }
    if (CAIRN_TRY(index.contains(added.message_id)))
        return true;
    // Content archived before for someone else: read it back to index it for this user. If it
    // cannot be read yet (its block is still being written), it is indexed after the last commit.
    auto bytes = reader.read(added.message_id);
    if (!bytes)
        return false;
    CAIRN_TRY_VOID(index.add(added.message_id, added.date, builder.build(*bytes).document));
    return true;
}


}  // namespace

std::string join_folder(const std::string& prefix, const std::string& folder) {
    if (prefix.empty())
        return folder;
    if (folder.empty())
        return prefix;
    return prefix + "/" + folder;
}

std::string flags_text(const std::vector<std::string>& flags) {
    std::string text;
    for (const auto& flag : flags) {
        if (!text.empty())
            text += ' ';
        text += flag;
    }
    return text;
}

Result<ImportReport> run_file_import(Archive::Impl& archive, const std::vector<std::filesystem::path>& paths,
                                     const ImportOptions& options, ProgressObserver* observer,
                                     const CancellationToken* cancel) {
    for (const auto& path : paths) {
        std::error_code error;
        if (!std::filesystem::exists(path, error))
            return make_error(ErrorCode::NotFound, "no such file or directory", path.string());
    }
    ImportSource source;
    source.input_total = input_size(paths);
    source.read = [&paths](sources::MessageSink& sink, const CancellationToken* stop) {
        for (const auto& path : paths) {
            if (stop->is_cancelled())
                break;
            sources::ReadOptions read_options;
            read_options.cancel = stop;
            auto result = sources::read_mail_path(path, read_options, sink);
            if (!result && result.error().code != ErrorCode::Cancelled)
                sink.on_failure({path.string(), 0, result.error().describe()});
        }
    };
    return run_import(archive, source, options, observer, cancel);
}

Result<ImportReport> run_import(Archive::Impl& archive, const ImportSource& source, const ImportOptions& options,
                                ProgressObserver* observer, const CancellationToken* cancel) {
    if (options.user.empty())
        return make_error(ErrorCode::InvalidArgument, "the user name must not be empty");
    const auto started = Clock::now();
    auto writer = CAIRN_TRY(store::MessageWriter::open(*archive.catalog, archive.directory, archive.keys,
                                                       archive.store_options));
    // Whatever a crashed run left past the committed end is cut off now; make that durable
    // before new records go in.
    CAIRN_TRY_VOID(writer.commit());

    unsigned worker_count = options.worker_threads ? options.worker_threads : std::thread::hardware_concurrency();
    worker_count = std::max(1u, worker_count);
    std::vector<Worker> workers;
    for (unsigned i = 0; i < worker_count; ++i)
        workers.push_back(Worker{CAIRN_TRY(store::MessagePreparer::open(archive.directory, archive.keys,
                                                                         archive.store_options)),
                                 DocumentBuilder(extract::default_worker_path())});

    // The user's index catches up first with what the catalog has and it lacks (a crash between
    // the two commits of an earlier run, a lost index file), then grows in step with the catalog.
    auto index = CAIRN_TRY(search::SearchIndex::open(archive.directory, options.user, search::SearchIndex::Mode::ReadWrite));
    store::MessageReader store_reader(*archive.catalog, archive.directory, archive.keys);
    DocumentBuilder writer_builder(extract::default_worker_path());
    CAIRN_TRY(bring_index_up_to_date(*archive.catalog, store_reader, index, writer_builder, nullptr, cancel));
    bool index_complete = true;
    CAIRN_TRY_VOID(index.begin());
    auto reader_catalog = CAIRN_TRY(store::Catalog::open(archive.directory / "catalog.db", db::OpenMode::ReadOnly));

    ImportReport report;
    // Without the worker, every message is still archived; only attachment text is not indexed.
    // That must not pass silently.
    if (auto extractor = extract::TextExtractor::create(extract::default_worker_path(), {}); !extractor)
        report.warnings.push_back(
            fmt::format("attachment text will not be searchable: {}", extractor.error().describe()));
    ItemQueue queue(static_cast<std::size_t>(worker_count) * 64, 256ull << 20);
    CancellationToken reader_stop;  // the writer stops the reader on a fatal error
    {
        PreparerPool pool(std::move(workers));
        QueueingSink sink(queue, pool, reader_catalog, options, &reader_stop);
        std::thread reader([&] {
            try {
                source.read(sink, &reader_stop);
            } catch (const std::exception& error) {
                sink.on_failure({"", 0, fmt::format("reading stopped: {}", error.what())});
            }
            queue.finish();
        });

        Progress progress;
        progress.input_total = source.input_total;
        std::uint64_t completed_files_bytes = 0;
        auto last_commit = Clock::now();
        auto stop_reader = [&] {
            reader_stop.cancel();
            queue.close();
        };
        try {
        for (;;) {
            if (cancel && cancel->is_cancelled()) {
                report.cancelled = true;
                stop_reader();
                break;
            }
            // A short wait, so Ctrl-C is noticed even while a slow source produces nothing.
            std::optional<Item> item(std::in_place, PassedOverItem{});
            auto popped = queue.pop(*item, std::chrono::milliseconds(200));
            if (popped == ItemQueue::Popped::Finished)
                break;
            if (popped == ItemQueue::Popped::TimedOut)
                continue;
            Result<void> step_result;
            if (auto* message = std::get_if<MessageItem>(&*item)) {
                ++report.messages_seen;
                report.bytes_read += message->size;
                auto work = message->result.get();
                const auto& origin = message->origin;
                auto folder_id = writer.ensure_folder(options.user, join_folder(options.folder_prefix, origin.folder));
                if (!folder_id) {
                    step_result = std::unexpected(folder_id.error());
                } else {
                    auto source_id = writer.source_file_id(options.user, options.folder_prefix, origin.source_path);
                    auto added = source_id ? writer.add(std::move(work.prepared), *folder_id,
                                                        {flags_text(origin.flags), origin.received_time, *source_id,
                                                         origin.offset})
                                           : std::unexpected(source_id.error());
                    if (!added) {
                        step_result = std::unexpected(added.error());
                    } else {
                        switch (added->outcome) {
                        case store::AddOutcome::Stored: ++report.messages_stored; break;
                        case store::AddOutcome::AddedToFolder: ++report.messages_linked; break;
                        case store::AddOutcome::AlreadyInFolder: ++report.messages_unchanged; break;
                        }
                        auto indexed = index_added(index, store_reader, writer_builder, *added, work.indexed);
                        if (!indexed)
                            step_result = std::unexpected(indexed.error());
                        else if (!*indexed)
                            index_complete = false;
                        if (step_result && source.after_message)
                            step_result = writer.run_in_batch(
                                [&](store::Catalog& catalog) { return source.after_message(catalog, origin, *added); });
                    }
                }
                progress.current = origin.source_path;
                progress.done = report.messages_seen;
                progress.bytes_done = report.bytes_read;
                progress.input_position =
                    std::min(progress.input_total,
                             completed_files_bytes + origin.progress_position.value_or(origin.offset + message->size));
            } else if (auto* complete = std::get_if<FileCompleteItem>(&*item)) {
                completed_files_bytes += complete->identity.size;
                progress.input_position = std::min(progress.input_total, completed_files_bytes);
                step_result = writer.mark_file_imported(options.user, options.folder_prefix, complete->identity.path,
                                                        complete->identity.size, complete->identity.modified_ns);
            } else if (auto* failure = std::get_if<FailureItem>(&*item)) {
                report.failures.push_back(std::move(failure->failure));
                progress.failed = report.failures.size();
            } else if (auto* passed = std::get_if<PassedOverItem>(&*item)) {
                ++(passed->unchanged ? report.files_skipped_unchanged : report.files_passed_over);
                completed_files_bytes += passed->size;
            } else if (auto* warning = std::get_if<WarningItem>(&*item)) {
                report.warnings.push_back(std::move(warning->text));
            } else if (auto* checkpoint = std::get_if<CheckpointItem>(&*item)) {
                if (auto* expected = std::any_cast<sources::ExpectedMessages>(&checkpoint->position))
                    progress.total += expected->count;
                else if (source.record_checkpoint)
                    step_result = writer.run_in_batch(
                        [&](store::Catalog& catalog) { return source.record_checkpoint(catalog, checkpoint->position); });
            }
            if (step_result && (writer.pending_messages() >= options.batch_messages ||
                                writer.pending_bytes() >= options.batch_bytes ||
                                std::chrono::duration<double>(Clock::now() - last_commit).count() >= options.batch_seconds)) {
                step_result = commit_both(*archive.catalog, writer, index, index_complete, true);
                last_commit = Clock::now();
            }
            if (!step_result) {
                // A store error (disk full, write error): stop; the open batch is rolled back and
                // the next run redoes it.
                report.fatal_error = step_result.error();
                stop_reader();
                break;
            }
            if (observer)
                observer->update(progress);
        }
        } catch (const std::exception& error) {
            // Out of memory, or a bug: stop like on a store error; the open batch is not committed.
            report.fatal_error = Error{ErrorCode::Internal, fmt::format("internal error: {}", error.what()), ""};
            stop_reader();
        }
        reader.join();
        if (!report.fatal_error) {
            auto committed = commit_both(*archive.catalog, writer, index, index_complete, false);
            if (committed && !index_complete) {
                auto caught_up =
                    bring_index_up_to_date(*archive.catalog, store_reader, index, writer_builder, nullptr, nullptr);
                if (!caught_up)
                    committed = std::unexpected(caught_up.error());
            }
            if (!committed)
                report.fatal_error = committed.error();
        }
        if (observer)
            observer->finish(progress);
    }
    report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return report;
}

Result<ImportReport> Archive::import(const std::vector<std::filesystem::path>& paths, const ImportOptions& options,
                                     ProgressObserver* observer, const CancellationToken* cancel) {
    if (m_impl->access != Access::ReadWrite)
        return make_error(ErrorCode::Internal, "import needs the archive opened for writing");
    return run_file_import(*m_impl, paths, options, observer, cancel);
}

}  // namespace cairn
