// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internal to core/mime: the GMime plumbing shared by index_text.cpp and message_view.cpp, so
// the search index and the reader see the same headers, file names, transfer decoding and
// charset choices. Every string returned is valid UTF-8 unless said otherwise.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <gmime/gmime.h>

namespace cairn::mime::detail {

/// g_mime_init, once per process; call before any other GMime use.
void initialize_gmime();

/// Owns one GObject reference.
template <class Object>
class ObjectReference {
public:
    explicit ObjectReference(Object* object) : m_object(object) {}
    ~ObjectReference() {
        if (m_object)
            g_object_unref(m_object);
    }
    ObjectReference(const ObjectReference&) = delete;
    ObjectReference& operator=(const ObjectReference&) = delete;
    Object* get() const { return m_object; }
    void reset(Object* object) {
        if (m_object)
            g_object_unref(m_object);
        m_object = object;
    }

private:
    Object* m_object;
};

/// A message parsed by GMime. bytes() views the caller's bytes, which must outlive it. An mbox
/// "From " envelope line in front is skipped: GMime would end the header block there.
class ParsedMessage {
public:
    explicit ParsedMessage(std::string_view message);
    ~ParsedMessage();
    ParsedMessage(const ParsedMessage&) = delete;
    ParsedMessage& operator=(const ParsedMessage&) = delete;

    /// Null when the bytes are empty or GMime could not read them as a message at all.
    GMimeMessage* message() const { return m_message.get(); }
    /// The bytes after any envelope line.
    std::string_view bytes() const { return m_bytes; }
    /// What GMime's parser warned about, in words, without repeats.
    const std::vector<std::string>& warnings() const { return m_warnings; }

private:
    static void warn(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer self);

    std::string_view m_bytes;
    std::vector<std::string> m_warnings;
    // Kept for the message's lifetime: GMime objects may look at their parser's options later.
    GMimeParserOptions* m_options = nullptr;
    ObjectReference<GMimeStream> m_stream{nullptr};
    ObjectReference<GMimeParser> m_parser{nullptr};
    ObjectReference<GMimeMessage> m_message{nullptr};
};

std::string lower_ascii(const char* text);

/// Cuts `text` to at most `size` bytes without splitting a UTF-8 character.
void truncate_utf8(std::string& text, std::size_t size);

/// A C string from GMime as UTF-8 (windows-1252 when not valid UTF-8); empty for null.
std::string valid_utf8(const char* text);

/// Every value of the header `name`, decoded, joined by ", ".
std::string header_values(GMimeObject* object, std::string_view name);

/// The part's file name, RFC 2231 and RFC 2047 decoded (not cleaned of paths); may be empty.
std::string part_filename(GMimeObject* object);

/// Lower case media type and subtype of a leaf; a Content-Type without a '/' (RFC 2045 §5.2:
/// invalid, so text/plain; GMime would say application/octet-stream) gives text/plain.
struct MediaType {
    std::string type;
    std::string subtype;
};
MediaType leaf_media_type(GMimeObject* object);

/// Feeds the decoded content of a leaf part (transfer encoding undone) to `sink` in chunks until
/// the content ends or `sink` returns false. Returns false when base64 content held bytes
/// outside the base64 alphabet (damaged, so the decoded bytes may be wrong).
bool decode_content(GMimePart* part, const std::function<bool(std::string_view chunk)>& sink);

/// The decoded content of a leaf part, at most `limit` bytes; `truncated` says whether more was
/// there. Reads in chunks so a huge attachment costs no more than the limit.
std::string decoded_content(GMimePart* part, std::size_t limit, bool& truncated);

/// A charset parameter in the first bytes of an HTML document (<meta charset=...> or
/// http-equiv content="...; charset=..."), for HTML parts whose MIME header names none.
std::string html_meta_charset(std::string_view html);

/// Text bytes in the declared charset to UTF-8. A Latin-1 family label on bytes that are valid
/// UTF-8 with non-ASCII characters is taken to be wrong (senders that write UTF-8 and say
/// iso-8859-1 are common; Latin-1 text that happens to be valid UTF-8 is not).
std::string text_to_utf8(std::string_view bytes, std::string_view charset);

/// How a leaf part presents itself.
struct LeafKind {
    std::string type;             ///< as leaf_media_type
    std::string subtype;
    std::string filename;         ///< as part_filename: decoded, not cleaned of paths
    bool attachment_disposition = false;
    /// Offered as a file: an attachment disposition or a file name.
    bool named_file = false;
    /// Text to read as the message's text: a body text type, not disposed as an attachment, and
    /// either unnamed or explicitly inline (a named inline text part is text and file both).
    bool body_text = false;
};
LeafKind classify_leaf(GMimeObject* object);

/// The children of a multipart/alternative by kind, for choosing what to show or index.
struct Alternatives {
    GMimeObject* plain = nullptr;            ///< the first text/plain leaf
    GMimeObject* first_html = nullptr;       ///< the first text/html leaf
    GMimeObject* first_multipart = nullptr;  ///< the first nested multipart (related, mixed...)
    /// The last text/html leaf or multipart: RFC 2046 puts the richest alternative last.
    GMimeObject* richest = nullptr;
};
Alternatives classify_alternatives(GMimeMultipart* multipart);

/// Whether a leaf of this type is text to show or index (text/*, except RTF, and the readable
/// report parts of bounces and feedback reports).
bool is_body_text_type(const std::string& media_type, const std::string& subtype);

/// A text part's content, at most `limit` raw bytes of it, converted to UTF-8 from its declared
/// charset (an HTML part without one: the charset its <meta> names).
struct PartText {
    std::string text;
    std::string charset;         ///< as declared, lower case; empty when none
    bool charset_known = true;   ///< false: an unknown charset, read as UTF-8 or windows-1252
    bool intact = true;          ///< false: damaged base64
};
PartText part_text(GMimePart* part, bool html, std::size_t limit);

}  // namespace cairn::mime::detail
