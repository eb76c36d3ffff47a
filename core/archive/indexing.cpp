// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/archive/indexing.h"

#include <fmt/format.h>

#include "core/archive/archive_impl.h"
#include "core/mime/index_text.h"

namespace cairn {
namespace {

void append_line(std::string& text, std::string_view line) {
    if (line.empty())
        return;
    if (!text.empty())
        text.push_back('\n');
    text.append(line);
}

bool is_signature(std::string_view content_type) {
    return content_type == "application/pgp-signature" || content_type == "application/pkcs7-signature" ||
           content_type == "application/x-pkcs7-signature";
}

}  // namespace

IndexedMessage DocumentBuilder::build(std::string_view message) {
    mime::IndexText text = mime::extract_index_text(message);
    IndexedMessage indexed;
    auto& document = indexed.document;
    document.sender = std::move(text.from);
    document.recipients = std::move(text.to);
    document.cc = std::move(text.cc);
    document.bcc = std::move(text.bcc);
    document.subject = std::move(text.subject);
    document.body = std::move(text.body);
    document.headers = std::move(text.headers);
    for (const auto& attachment : text.attachments) {
        // A signature (signature.asc, smime.p7s) is part of how the message was sent, not a file
        // anyone attached: has:attachment should not find every signed message.
        if (is_signature(attachment.content_type))
            continue;
        ++indexed.attachment_count;
        append_line(indexed.attachment_names, attachment.filename);
        append_line(document.filename, attachment.filename);
        if (!extract::can_extract(attachment.content_type, attachment.filename) || m_extractor_failed)
            continue;
        if (!m_extractor) {
            auto created = extract::TextExtractor::create(m_worker, {});
            if (!created) {
                // Without the worker the archive still works; attachment text is just not searchable.
                m_extractor_failed = true;
                continue;
            }
            m_extractor.emplace(std::move(*created));
        }
        // A failed extraction (damaged file, time or memory limit) leaves the name searchable.
        if (auto extracted = m_extractor->extract(attachment.content_type, attachment.filename, attachment.data))
            append_line(document.attachment, *extracted);
    }
    return indexed;
}

Result<std::uint64_t> index_missing_messages(store::MessageReader& reader, search::SearchIndex& index,
                                             DocumentBuilder& builder, ProgressObserver* observer,
                                             const CancellationToken* cancel) {
    auto missing = CAIRN_TRY(index.missing_messages());
    if (missing.empty())
        return 0;
    Progress progress;
    progress.total = missing.size();
    progress.current = "index " + index.user();
    CAIRN_TRY_VOID(index.begin());
    std::uint64_t since_commit = 0;
    for (const auto& message : missing) {
        if (cancel && cancel->is_cancelled())
            break;
        auto bytes = reader.read(message.message_id);
        if (!bytes) {
            ++progress.failed;  // verify reports the damage; the rest is still indexed
        } else {
            CAIRN_TRY_VOID(index.add(message.message_id, message.date, builder.build(*bytes).document));
        }
        ++progress.done;
        if (++since_commit >= 2000) {
            CAIRN_TRY_VOID(index.commit());
            CAIRN_TRY_VOID(index.begin());
            since_commit = 0;
        }
        if (observer)
            observer->update(progress);
    }
    CAIRN_TRY_VOID(index.commit());
    if (observer)
        observer->finish(progress);
    return progress.done - progress.failed;
}

Result<std::uint64_t> bring_index_up_to_date(store::Catalog& catalog, store::MessageReader& reader,
                                             search::SearchIndex& index, DocumentBuilder& builder,
                                             ProgressObserver* observer, const CancellationToken* cancel) {
    const std::int64_t generation = CAIRN_TRY(catalog.index_generation(index.user()));
    // Complete for this generation already: no need to look for missing documents (which reads
    // every placement of the user: seconds at a million messages).
    if (generation > 0 && CAIRN_TRY(index.catalog_generation()) == generation)
        return 0;
    const std::uint64_t indexed = CAIRN_TRY(index_missing_messages(reader, index, builder, observer, cancel));
    if (cancel && cancel->is_cancelled())
        return indexed;
    CAIRN_TRY_VOID(index.begin());
    CAIRN_TRY_VOID(index.set_catalog_generation(generation));
    CAIRN_TRY_VOID(index.commit());
    return indexed;
}

Result<std::uint64_t> Archive::reindex(const std::string& user, ProgressObserver* observer,
                                       const CancellationToken* cancel) {
    if (m_impl->access != Access::ReadWrite)
        return make_error(ErrorCode::Internal, "reindex needs the archive opened for writing");
    auto path = search::index_path(m_impl->directory, user);
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::error_code error;
        std::filesystem::remove(path.string() + suffix, error);
        if (error)
            return make_error(ErrorCode::Io, fmt::format("cannot remove the old index: {}", error.message()),
                              path.string() + suffix);
    }
    auto index = CAIRN_TRY(search::SearchIndex::open(m_impl->directory, user, search::SearchIndex::Mode::ReadWrite));
    store::MessageReader reader(*m_impl->catalog, m_impl->directory, m_impl->keys);
    DocumentBuilder builder(extract::default_worker_path());
    return bring_index_up_to_date(*m_impl->catalog, reader, index, builder, observer, cancel);
}

Result<std::uint64_t> Archive::repair_index(const std::string& user, ProgressObserver* observer,
                                            const CancellationToken* cancel) {
    if (m_impl->access != Access::ReadWrite)
        return make_error(ErrorCode::Internal, "repairing an index needs the archive opened for writing");
    const IndexHealth health = CAIRN_TRY(index_health(user));
    switch (health.condition) {
    case IndexCondition::Current: return 0;
    case IndexCondition::Lagging:
    case IndexCondition::Outdated: {
        // Opened for writing, an outdated index is converted (keeping its texts) or started over.
        auto index = CAIRN_TRY(
            search::SearchIndex::open(m_impl->directory, user, search::SearchIndex::Mode::ReadWrite, observer));
        store::MessageReader reader(*m_impl->catalog, m_impl->directory, m_impl->keys);
        DocumentBuilder builder(extract::default_worker_path());
        return bring_index_up_to_date(*m_impl->catalog, reader, index, builder, observer, cancel);
    }
    case IndexCondition::Missing:
    case IndexCondition::Damaged: break;
    }
    return reindex(user, observer, cancel);
}

}  // namespace cairn
