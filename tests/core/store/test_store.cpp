// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <random>

#include "core/store/archive_keys.h"
#include "core/store/catalog.h"
#include "core/store/message_store.h"
#include "core/store/pack_file.h"
#include "core/store/record_codec.h"
#include "tests/support/temp_dir.h"

using namespace cairn;
using namespace cairn::store;
using cairn::testing::TempDir;

namespace {

crypto::PassphraseKdfParameters fast_kdf() {
    crypto::PassphraseKdfParameters parameters;
    parameters.memory_kib = 1024;
    parameters.time_cost = 1;
    return parameters;
}

std::string random_text(std::size_t size, unsigned seed) {
    std::mt19937 generator(seed);
    std::string out;
    out.reserve(size);
    const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (std::size_t i = 0; i < size; ++i)
        out.push_back(alphabet[generator() % (sizeof alphabet - 1)]);
    return out;
}

std::string base64_lines(const std::string& data) {
    std::string encoded = crypto::to_base64(data), out;
    for (std::size_t i = 0; i < encoded.size(); i += 76)
        out += encoded.substr(i, 76) + "\n";
    return out;
}

/// A message with a large base64 attachment, so the store splits it into skeleton + part.
std::string message_with_attachment(const std::string& subject, const std::string& attachment) {
    return "From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: " + subject +
           "\nDate: Tue, 1 Jul 2003 10:52:37 +0200\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=\"XYZ\"\n\nPreamble\n--XYZ\nContent-Type: text/plain\n\nHello " +
           subject + "\n--XYZ\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" +
           base64_lines(attachment) + "--XYZ--\n";
}

/// An archive directory with keys and catalog, the pieces the store needs.
struct StoreFixture {
    TempDir directory;
    ArchiveKeys keys;
    std::unique_ptr<Catalog> catalog;
    StoreOptions options;

    StoreFixture() {
        keys = create_archive_keys(directory.path(), "secret", fast_kdf())->keys;
        catalog = std::make_unique<Catalog>(*Catalog::open(directory.path() / "catalog.db", db::OpenMode::ReadWrite));
    }

    std::int64_t add(MessageWriter& writer, const std::string& bytes, const std::string& folder = "Inbox") {
        auto preparer = MessagePreparer::open(directory.path(), keys, options);
        REQUIRE(preparer);
        auto folder_id = writer.ensure_folder("alice", folder);
        REQUIRE(folder_id);
        auto outcome = writer.add(preparer->prepare(bytes), *folder_id, {});
        REQUIRE(outcome);
        auto found = catalog->find_message(preparer->prepare(bytes).key);
        REQUIRE(found);
        REQUIRE(found->has_value());
        return **found;
    }
};

}  // namespace

TEST_SUITE("store") {
TEST_CASE("the master key unlocks with the passphrase or the recovery key, and not with a wrong passphrase") {
    TempDir directory;
    auto created = create_archive_keys(directory.path(), "correct horse", fast_kdf());
    REQUIRE(created);
    auto unlocked = unlock_archive_keys(directory.path(), "correct horse");
    REQUIRE(unlocked);
    CHECK(unlocked->data == created->keys.data);
    CHECK(unlocked->dedup == created->keys.dedup);
    CHECK(unlocked->data != unlocked->dedup);

    auto wrong = unlock_archive_keys(directory.path(), "wrong horse");
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == ErrorCode::CryptoFailure);

    auto recovered = unlock_archive_keys_with_recovery(directory.path(), created->recovery_key);
    REQUIRE(recovered);
    CHECK(recovered->data == created->keys.data);
    CHECK_FALSE(unlock_archive_keys_with_recovery(directory.path(), "00000000-00000000"));
    CHECK(create_archive_keys(directory.path(), "again", fast_kdf()).error().code == ErrorCode::AlreadyExists);
}

TEST_CASE("records compress, and incompressible ones are kept raw") {
    std::string text(10000, 'a');
    auto payload = compress_record(text, 3);
    CHECK(payload.size() < 200);
    CHECK(*decompress_record(payload) == text);
    std::string noise = random_text(5000, 7);
    std::string random_bytes;
    std::mt19937 generator(3);
    for (int i = 0; i < 5000; ++i)
        random_bytes.push_back(static_cast<char>(generator()));
    auto raw = compress_record(random_bytes, 3);
    CHECK(raw.size() == random_bytes.size() + 1);
    CHECK(*decompress_record(raw) == random_bytes);
    CHECK(*decompress_record(compress_record("", 3)) == "");
    CHECK_FALSE(decompress_record(std::string("\x01garbage", 8)));
    CHECK_FALSE(decompress_record(""));
}

TEST_CASE("a pack reopened after a crash loses exactly its uncommitted tail") {
    TempDir directory;
    std::uint64_t committed = 0;
    {
        auto writer = PackWriter::open(directory.path(), 1, 1, 0);
        REQUIRE(writer);
        REQUIRE(writer->append("first record"));
        REQUIRE(writer->sync());
        committed = writer->size();
        REQUIRE(writer->append("uncommitted record"));
        REQUIRE(writer->sync());  // on disk, but the catalog never heard of it
    }
    CHECK(std::filesystem::file_size(pack_path(directory.path(), 1, 1)) > committed);
    auto reopened = PackWriter::open(directory.path(), 1, 1, committed);
    REQUIRE(reopened);
    CHECK(std::filesystem::file_size(pack_path(directory.path(), 1, 1)) == committed);
    CHECK(reopened->next_offset() == committed);
    PackReader reader(directory.path());
    auto first = reader.read(1, 1, PackHeaderBytes, std::string("first record").size());
    REQUIRE(first);
    CHECK(*first == "first record");
    CHECK_FALSE(reader.read(1, 1, PackHeaderBytes, 5));  // wrong length is caught
}

TEST_CASE("a pack shorter than the catalog says is reported as damaged, not silently extended") {
    TempDir directory;
    { REQUIRE(PackWriter::open(directory.path(), 1, 1, 0)); }
    auto opened = PackWriter::open(directory.path(), 1, 1, 1000);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == ErrorCode::Corrupt);
}

TEST_CASE("messages come back byte for byte, and a shared attachment is stored once") {
    StoreFixture fixture;
    std::string attachment = random_text(60000, 1);
    std::string first = message_with_attachment("one", attachment);
    std::string second = message_with_attachment("two", attachment);
    std::string crlf_message = "Subject: crlf\r\n\r\nbody\r\n.\r\n";
    std::string nul_message = std::string("Subject: nul\n\nbinary \0 body\n", 28);
    std::int64_t ids[4];
    {
        auto writer = MessageWriter::open(*fixture.catalog, fixture.directory.path(), fixture.keys, fixture.options);
        REQUIRE(writer);
        ids[0] = fixture.add(*writer, first);
        REQUIRE(writer->commit());
        ids[1] = fixture.add(*writer, second);
        ids[2] = fixture.add(*writer, crlf_message);
        ids[3] = fixture.add(*writer, nul_message);
        REQUIRE(writer->commit());
    }
    MessageReader reader(*fixture.catalog, fixture.directory.path(), fixture.keys);
    CHECK(*reader.read(ids[0]) == first);
    CHECK(*reader.read(ids[1]) == second);
    CHECK(*reader.read(ids[2]) == crlf_message);
    CHECK(*reader.read(ids[3]) == nul_message);

    auto statistics = fixture.catalog->statistics();
    REQUIRE(statistics);
    // Four skeletons and one attachment part: the second copy of the attachment cost nothing.
    auto count = fixture.catalog->database().prepare("SELECT count(*) FROM blobs");
    REQUIRE(count);
    REQUIRE(*count->step());
    CHECK(count->column_int(0) == 5);
    CHECK(statistics->stored_content_bytes < first.size() + second.size());
    // The pack holds no plaintext: the attachment text does not appear in it.
    std::string pack = cairn::testing::read_file(pack_path(fixture.directory.path(), 1, 1));
    CHECK(pack.find(attachment.substr(0, 64)) == std::string::npos);
    CHECK(pack.find("Subject: crlf") == std::string::npos);
}

TEST_CASE("the same message added to another folder is linked, and to the same folder is a no-op") {
    StoreFixture fixture;
    auto writer = MessageWriter::open(*fixture.catalog, fixture.directory.path(), fixture.keys, fixture.options);
    REQUIRE(writer);
    auto preparer = MessagePreparer::open(fixture.directory.path(), fixture.keys, fixture.options);
    REQUIRE(preparer);
    std::string message = "Subject: hello\n\nbody\n";
    auto inbox = *writer->ensure_folder("alice", "Inbox");
    auto other = *writer->ensure_folder("alice", "Other");
    CHECK(writer->add(preparer->prepare(message), inbox, {})->outcome == AddOutcome::Stored);
    CHECK(writer->add(preparer->prepare(message), inbox, {})->outcome == AddOutcome::AlreadyInFolder);
    CHECK(writer->add(preparer->prepare(message), other, {})->outcome == AddOutcome::AddedToFolder);
    REQUIRE(writer->commit());
    CHECK(fixture.catalog->statistics()->messages == 1);
    CHECK(fixture.catalog->statistics()->placements == 2);
    // After the commit, a new preparer knows the message and skips all the work.
    auto again = MessagePreparer::open(fixture.directory.path(), fixture.keys, fixture.options);
    CHECK(again->prepare(message).known);
}

TEST_CASE("stores roll over at their message limit and packs at their size limit; all stays readable") {
    StoreFixture fixture;
    REQUIRE(fixture.catalog->set_setting("store_message_limit", "3"));
    fixture.options.pack_bytes = 4096;
    fixture.options.block_bytes = 2048;
    std::vector<std::pair<std::int64_t, std::string>> added;
    {
        auto writer = MessageWriter::open(*fixture.catalog, fixture.directory.path(), fixture.keys, fixture.options);
        REQUIRE(writer);
        for (int i = 0; i < 10; ++i) {
            std::string message = message_with_attachment("message " + std::to_string(i), random_text(3000, 100 + i));
            added.emplace_back(fixture.add(*writer, message), message);
            if (i % 4 == 3)
                REQUIRE(writer->commit());
        }
        REQUIRE(writer->commit());
    }
    auto stores = fixture.catalog->stores();
    REQUIRE(stores);
    CHECK(stores->size() == 4);  // 3 + 3 + 3 + 1
    CHECK(stores->front().sealed);
    CHECK_FALSE(stores->back().sealed);
    CHECK(fixture.catalog->packs()->size() > stores->size());
    MessageReader reader(*fixture.catalog, fixture.directory.path(), fixture.keys);
    for (const auto& [id, bytes] : added)
        CHECK(*reader.read(id) == bytes);
}

TEST_CASE("a writer that never commits leaves the archive as it was") {
    StoreFixture fixture;
    std::int64_t kept = 0;
    {
        auto writer = MessageWriter::open(*fixture.catalog, fixture.directory.path(), fixture.keys, fixture.options);
        kept = fixture.add(*writer, "Subject: kept\n\nkept\n");
        REQUIRE(writer->commit());
        // Enough large blocks that some are written to the pack before the "crash".
        for (int i = 0; i < 8; ++i)
            fixture.add(*writer, message_with_attachment("lost " + std::to_string(i), random_text(1200000, 5 + i)));
        // destroyed without commit(): as if the process had been killed here
    }
    auto size_after_crash = std::filesystem::file_size(pack_path(fixture.directory.path(), 1, 1));
    CHECK(fixture.catalog->statistics()->messages == 1);
    {
        auto writer = MessageWriter::open(*fixture.catalog, fixture.directory.path(), fixture.keys, fixture.options);
        REQUIRE(writer);
        REQUIRE(writer->commit());
    }
    CHECK(std::filesystem::file_size(pack_path(fixture.directory.path(), 1, 1)) < size_after_crash);
    MessageReader reader(*fixture.catalog, fixture.directory.path(), fixture.keys);
    CHECK(*reader.read(kept) == "Subject: kept\n\nkept\n");
}

TEST_CASE("a flipped byte in a pack makes reading that message fail as corrupt") {
    StoreFixture fixture;
    std::int64_t id = 0;
    {
        auto writer = MessageWriter::open(*fixture.catalog, fixture.directory.path(), fixture.keys, fixture.options);
        id = fixture.add(*writer, "Subject: fragile\n\nfragile body\n");
        REQUIRE(writer->commit());
    }
    auto path = pack_path(fixture.directory.path(), 1, 1);
    std::string pack = cairn::testing::read_file(path);
    pack[pack.size() - 20] = static_cast<char>(pack[pack.size() - 20] ^ 0x40);
    cairn::testing::write_file(path, pack);
    MessageReader reader(*fixture.catalog, fixture.directory.path(), fixture.keys);
    auto read = reader.read(id);
    REQUIRE_FALSE(read);
    CHECK(read.error().code == ErrorCode::Corrupt);
}
}
