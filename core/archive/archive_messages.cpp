// SPDX-License-Identifier: GPL-3.0-or-later
// The archive's messages as stored: reading, showing, exporting and verifying them. Apart from
// archive.cpp so that a program that only searches (app/cli's `cairn`) links none of the MIME
// and export libraries these need.
#include <fmt/format.h>

#include "core/archive/archive.h"
#include "core/archive/archive_impl.h"
#include "core/export/export_writer.h"

namespace cairn {

Result<std::string> Archive::message_bytes(std::int64_t message_id) {
    store::MessageReader reader(*m_impl->catalog, m_impl->directory, m_impl->keys);
    return reader.read(message_id);
}

Result<mime::MessageView> Archive::message_view(std::int64_t message_id) {
    const std::string bytes = CAIRN_TRY(message_bytes(message_id));
    return mime::read_message_view(bytes);
}

Result<mime::SanitizedHtml> Archive::message_html(std::int64_t message_id, bool allow_remote_images) {
    const std::string bytes = CAIRN_TRY(message_bytes(message_id));
    return mime::displayable_html(bytes, mime::read_message_view(bytes), allow_remote_images);
}

Result<std::string> Archive::attachment_data(std::int64_t message_id, std::size_t attachment_index) {
    const std::string bytes = CAIRN_TRY(message_bytes(message_id));
    std::optional<std::string> data = mime::attachment_data(bytes, attachment_index);
    if (!data)
        return make_error(ErrorCode::NotFound,
                          fmt::format("message {} has no attachment {}; `cairn show {}` lists its attachments",
                                      message_id, attachment_index, message_id));
    return std::move(*data);
}

Result<ExportReport> Archive::export_messages(const ExportOptions& options, ProgressObserver* observer,
                                              const CancellationToken* cancel) {
    auto writer = CAIRN_TRY(exporting::make_export_writer(options.format, options.out));
    store::MessageReader reader(*m_impl->catalog, m_impl->directory, m_impl->keys);
    ExportReport report;
    Progress progress;
    auto fail = [&](std::int64_t message_id, const Error& error) {
        report.failures.push_back({fmt::format("message {}", message_id), 0, error.describe()});
        ++progress.failed;
    };
    // False when the export must stop (cancelled, or the disk is full: returned as FATAL).
    std::optional<Error> fatal;
    auto export_one = [&](const MessageListing& item) {
        if (cancel && cancel->is_cancelled()) {
            report.cancelled = true;
            return false;
        }
        progress.current = item.folder;
        auto bytes = reader.read(item.message_id);
        if (!bytes) {
            fail(item.message_id, bytes.error());
        } else if (auto written = writer->add(item, *bytes); !written) {
            if (written.error().code == ErrorCode::NoSpace) {
                fatal = written.error();
                return false;
            }
            fail(item.message_id, written.error());
        } else {
            ++report.messages;
            report.bytes += bytes->size();
            progress.bytes_done += bytes->size();
        }
        ++progress.done;
        if (observer)
            observer->update(progress);
        return true;
    };
    if (!options.message_ids.empty()) {
        progress.total = options.message_ids.size();
        for (auto message_id : options.message_ids) {
            ListFilter filter = options.filter;
            filter.message_id = message_id;
            filter.limit = 1;
            auto listing = CAIRN_TRY(m_impl->catalog->list(filter));
            if (listing.empty()) {
                fail(message_id, Error{ErrorCode::NotFound, "the archive no longer lists this message", ""});
                ++progress.done;
                continue;
            }
            if (!export_one(listing.front()))
                break;
        }
    } else {
        progress.total = CAIRN_TRY(m_impl->catalog->list_count(options.filter));
        // Page through the listing, so memory does not grow with the archive.
        ListFilter page_filter = options.filter;
        page_filter.limit = 1000;
        for (bool going = true; going;) {
            auto listing = CAIRN_TRY(m_impl->catalog->list(page_filter));
            if (listing.empty())
                break;
            page_filter.after = store::ListPosition{listing.back().user, listing.back().folder, listing.back().message_id};
            for (const auto& item : listing)
                if (!(going = export_one(item)))
                    break;
        }
    }
    if (fatal)
        return std::unexpected(*fatal);
    CAIRN_TRY_VOID(writer->finish());
    if (observer)
        observer->finish(progress);
    return report;
}

Result<VerifyReport> Archive::verify(ProgressObserver* observer, const CancellationToken* cancel) {
    VerifyReport report;
    store::MessageReader reader(*m_impl->catalog, m_impl->directory, m_impl->keys);
    auto blocks = CAIRN_TRY(m_impl->catalog->all_blocks());
    auto message_ids = CAIRN_TRY(m_impl->catalog->all_message_ids());
    Progress progress;
    progress.total = blocks.size() + message_ids.size();
    progress.current = "blocks";
    for (const auto& block : blocks) {
        if (cancel && cancel->is_cancelled()) {
            report.cancelled = true;
            return report;
        }
        auto content = reader.read_block(block);
        if (!content) {
            report.damaged_blocks.push_back(
                fmt::format("{} at offset {}: {}", store::pack_path(m_impl->directory, block.store, block.pack).string(),
                            block.offset, content.error().message));
            ++progress.failed;
        } else {
            report.bytes_checked += block.sealed_size;
        }
        ++report.blocks_checked;
        ++progress.done;
        if (observer)
            observer->update(progress);
    }
    progress.current = "messages";
    for (auto id : message_ids) {
        if (cancel && cancel->is_cancelled()) {
            report.cancelled = true;
            return report;
        }
        auto bytes = reader.read(id);
        if (!bytes) {
            ListFilter filter;
            filter.message_id = id;
            auto places = m_impl->catalog->list(filter);
            DamagedMessage damaged{id, "", "", "", bytes.error().message};
            if (places && !places->empty()) {
                damaged.user = places->front().user;
                damaged.folder = places->front().folder;
                damaged.subject = places->front().subject;
            }
            report.damaged_messages.push_back(std::move(damaged));
            ++progress.failed;
        }
        ++report.messages_checked;
        ++progress.done;
        if (observer && (progress.done & 255) == 0)
            observer->update(progress);
    }
    if (observer)
        observer->finish(progress);
    return report;
}

}  // namespace cairn
