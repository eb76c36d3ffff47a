// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/db/text_tokenizer.h"
#include "core/db/fts5.h"

#include <sqlite3.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

namespace cairn::db {
namespace {

/// Longest token we emit, in bytes. Longer words are cut here (documents and queries alike, so
/// a long word still finds itself); a CJK bigram is two units of at most half this each.
constexpr std::size_t MaxTokenBytes = 64;
constexpr std::size_t MaxCjkUnitBytes = MaxTokenBytes / 2;
/// At most this much of one CJK character and its marks is run through ICU: bounds the work and
/// memory that a hostile run (one character followed by a million combining marks) can cost.
constexpr std::size_t MaxFoldSourceBytes = 1024;

enum class CharClass : std::uint8_t {
    Separator,
    Word,       ///< letter or digit of a script written with spaces
    Mark,       ///< combining mark or in-word format character: continues the current word or CJK unit
    Cjk,        ///< Han, Hiragana, Katakana, Hangul letter: one unit of a bigram run
    CjkAttach,  ///< Hangul medial/final jamo, half-width sound marks: compose with the CJK unit before
};

/// One byte per BMP code point: the class in the low bits, plus whether the character is
/// already in NFKC_Casefold form (then a CJK unit made of it alone needs no ICU call).
constexpr std::uint8_t ClassMask = 0x07;
constexpr std::uint8_t StableFlag = 0x08;

/// ICU's normalizers (shared instances: cheap to get, never freed).
struct Normalizers {
    const UNormalizer2* nfkd = nullptr;
    const UNormalizer2* nfkc_casefold = nullptr;
};

struct UnicodeTables {
    std::unique_ptr<std::uint8_t[]> bmp;
    /// For each BMP letter, digit or mark: what it contributes to a word, as
    /// (offset into fold_pool << 8 | byte length). Precomputed so that accented text needs no ICU
    /// call per word.
    std::unique_ptr<std::uint32_t[]> fold_index;
    std::string fold_pool;
};

bool is_cjk_script(UChar32 code_point) {
    // Script extensions, not just the script: the prolonged sound mark ー (U+30FC) is "Common"
    // but belongs inside katakana words like サーバ.
    return uscript_hasScript(code_point, USCRIPT_HAN) || uscript_hasScript(code_point, USCRIPT_HIRAGANA) ||
           uscript_hasScript(code_point, USCRIPT_KATAKANA) || uscript_hasScript(code_point, USCRIPT_HANGUL);
}

CharClass classify_slow(UChar32 code_point) {
    // Soft hyphen and zero-width (non-)joiners sit inside words (HTML hyphenation, Persian,
    // Indic scripts); splitting there would make the word unfindable.
    if (code_point == 0x00AD || code_point == 0x200C || code_point == 0x200D)
        return CharClass::Mark;
    std::uint32_t category_mask = U_GET_GC_MASK(code_point);
    bool letter_or_number = (category_mask & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
    bool mark = (category_mask & U_GC_M_MASK) != 0;
    if (!letter_or_number && !mark)
        return CharClass::Separator;
    bool cjk = is_cjk_script(code_point);
    if (mark)
        return CharClass::Mark;
    if (!cjk)
        return CharClass::Word;
    // Conjoining medial vowels and final consonants (NFD Hangul) and the half-width voiced sound
    // marks compose with the character before them under NFKC.
    if ((code_point >= 0x1160 && code_point <= 0x11FF) || (code_point >= 0xD7B0 && code_point <= 0xD7FF) ||
        code_point == 0xFF9E || code_point == 0xFF9F)
        return CharClass::CjkAttach;
    return CharClass::Cjk;
}

const Normalizers& normalizers() {
    static const Normalizers instances = [] {
        Normalizers found;
        UErrorCode status = U_ZERO_ERROR;
        found.nfkd = unorm2_getNFKDInstance(&status);
        status = U_ZERO_ERROR;
        found.nfkc_casefold = unorm2_getNFKCCasefoldInstance(&status);
        return found;
    }();
    return instances;
}

const UnicodeTables& tables();

/// ASCII letters and digits lowercased; 0 for everything else (separators).
constexpr std::array<char, 128> AsciiFold = [] {
    std::array<char, 128> table{};
    for (int byte = '0'; byte <= '9'; ++byte)
        table[static_cast<std::size_t>(byte)] = static_cast<char>(byte);
    for (int byte = 'a'; byte <= 'z'; ++byte)
        table[static_cast<std::size_t>(byte)] = static_cast<char>(byte);
    for (int byte = 'A'; byte <= 'Z'; ++byte)
        table[static_cast<std::size_t>(byte)] = static_cast<char>(byte - 'A' + 'a');
    return table;
}();

/// Decodes one UTF-8 sequence at `data[index]` (not ASCII). Returns the code point and its length,
/// or -1 and length 1 for an ill-formed byte (overlong, surrogate, truncated, out of range).
UChar32 decode_utf8(const unsigned char* data, std::size_t size, std::size_t index, std::size_t& length) {
    length = 1;
    unsigned char lead = data[index];
    std::size_t remaining = size - index;
    auto continuation = [&](std::size_t offset, unsigned char low, unsigned char high) {
        return offset < remaining && data[index + offset] >= low && data[index + offset] <= high;
    };
    if (lead >= 0xC2 && lead <= 0xDF) {
        if (!continuation(1, 0x80, 0xBF))
            return -1;
        length = 2;
        return static_cast<UChar32>(((lead & 0x1F) << 6) | (data[index + 1] & 0x3F));
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
        unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
        unsigned char high = lead == 0xED ? 0x9F : 0xBF;
        if (!continuation(1, low, high) || !continuation(2, 0x80, 0xBF))
            return -1;
        length = 3;
        return static_cast<UChar32>(((lead & 0x0F) << 12) | ((data[index + 1] & 0x3F) << 6) |
                                    (data[index + 2] & 0x3F));
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
        unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
        if (!continuation(1, low, high) || !continuation(2, 0x80, 0xBF) || !continuation(3, 0x80, 0xBF))
            return -1;
        length = 4;
        return static_cast<UChar32>(((lead & 0x07) << 18) | ((data[index + 1] & 0x3F) << 12) |
                                    ((data[index + 2] & 0x3F) << 6) | (data[index + 3] & 0x3F));
    }
    return -1;
}

void append_utf8(std::string& out, UChar32 code_point) {
    if (code_point < 0x80) {
        out.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
}

std::size_t utf8_length(UChar32 code_point) {
    return code_point < 0x80 ? 1 : code_point < 0x800 ? 2 : code_point < 0x10000 ? 3 : 4;
}

/// Scratch buffers for the ICU path, reused across the words of one tokenize call.
class Folder {
public:
    /// What one letter, digit or mark of a word becomes: full case folding, NFKD, then only
    /// letters, digits and spacing marks are kept (so accents go, and compatibility decompositions
    /// like "1⁄2" lose their punctuation). Folding character by character gives the same result
    /// as folding the whole word, because case folding has no context and the combining marks
    /// that canonical reordering would move are dropped anyway.
    void fold_code_point(const UNormalizer2* nfkd, UChar32 code_point, std::string& out) {
        out.clear();
        m_utf16.clear();
        if (code_point > 0xFFFF) {
            m_utf16.push_back(static_cast<UChar>(U16_LEAD(code_point)));
            m_utf16.push_back(static_cast<UChar>(U16_TRAIL(code_point)));
        } else {
            m_utf16.push_back(static_cast<UChar>(code_point));
        }
        UErrorCode status = U_ZERO_ERROR;
        if (!run_into(m_folded, status, [&](UChar* destination, int32_t capacity, UErrorCode* code) {
                return u_strFoldCase(destination, capacity, m_utf16.data(), static_cast<int32_t>(m_utf16.size()),
                                     U_FOLD_CASE_DEFAULT, code);
            }))
            return;
        if (!nfkd)
            return;
        if (!run_into(m_normalized, status, [&](UChar* destination, int32_t capacity, UErrorCode* code) {
                return unorm2_normalize(nfkd, m_folded.data(), static_cast<int32_t>(m_folded.size()), destination,
                                        capacity, code);
            }))
            return;
        append_filtered(m_normalized, U_GC_L_MASK | U_GC_N_MASK | U_GC_MC_MASK, 255, out);
    }

    /// One CJK character with its attached marks: NFKC_Casefold, so half-width katakana, NFD kana
    /// and Hangul jamo sequences, and compatibility ideographs match their usual forms. Sound marks
    /// are kept: dropping them would change the word.
    void fold_cjk_unit(std::string_view source, std::string& out) {
        out.clear();
        const UNormalizer2* normalizer = normalizers().nfkc_casefold;
        if (!normalizer || !to_utf16(source))
            return;
        UErrorCode status = U_ZERO_ERROR;
        if (!run_into(m_normalized, status, [&](UChar* destination, int32_t capacity, UErrorCode* code) {
                return unorm2_normalize(normalizer, m_utf16.data(), static_cast<int32_t>(m_utf16.size()),
                                        destination, capacity, code);
            }))
            return;
        append_filtered(m_normalized, U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK, MaxCjkUnitBytes, out);
    }

private:
    bool to_utf16(std::string_view source) {
        if (source.size() > MaxFoldSourceBytes) {
            // Cut at a character boundary so the conversion sees only whole characters.
            std::size_t cut = MaxFoldSourceBytes;
            while (cut > 0 && (static_cast<unsigned char>(source[cut]) & 0xC0) == 0x80)
                --cut;
            source = source.substr(0, cut);
        }
        UErrorCode status = U_ZERO_ERROR;
        return run_into(m_utf16, status, [&](UChar* destination, int32_t capacity, UErrorCode* code) {
            int32_t length = 0;
            u_strFromUTF8(destination, capacity, &length, source.data(), static_cast<int32_t>(source.size()), code);
            return length;
        });
    }

    /// Calls an ICU "preflighting" function, growing `buffer` once if it was too small.
    template <class Call>
    static bool run_into(std::u16string& buffer, UErrorCode& status, Call&& call) {
        if (buffer.size() < 64)
            buffer.resize(64);
        status = U_ZERO_ERROR;
        int32_t length = call(buffer.data(), static_cast<int32_t>(buffer.size()), &status);
        if (status == U_BUFFER_OVERFLOW_ERROR) {
            buffer.resize(static_cast<std::size_t>(length));
            status = U_ZERO_ERROR;
            length = call(buffer.data(), static_cast<int32_t>(buffer.size()), &status);
        }
        if (U_FAILURE(status)) {
            buffer.clear();
            return false;
        }
        // U_STRING_NOT_TERMINATED_WARNING is fine: we only use the length.
        buffer.resize(static_cast<std::size_t>(length));
        return true;
    }

    static void append_filtered(const std::u16string& text, std::uint32_t keep_mask, std::size_t max_bytes,
                                std::string& out) {
        std::size_t index = 0;
        while (index < text.size()) {
            UChar32 code_point = 0;
            U16_NEXT(text.data(), index, text.size(), code_point);
            if ((U_GET_GC_MASK(code_point) & keep_mask) == 0)
                continue;
            if (out.size() + utf8_length(code_point) > max_bytes)
                break;
            append_utf8(out, code_point);
        }
    }

    std::u16string m_utf16;
    std::u16string m_folded;
    std::u16string m_normalized;
};

UnicodeTables build_tables() {
    UnicodeTables tables;
    const Normalizers& icu = normalizers();
    tables.bmp = std::make_unique<std::uint8_t[]>(0x10000);
    for (UChar32 code_point = 0; code_point < 0x10000; ++code_point) {
        if (U_IS_SURROGATE(code_point)) {
            tables.bmp[static_cast<std::size_t>(code_point)] = static_cast<std::uint8_t>(CharClass::Separator);
            continue;
        }
        auto value = static_cast<std::uint8_t>(classify_slow(code_point));
        if (icu.nfkc_casefold) {
            UChar unit = static_cast<UChar>(code_point);
            UErrorCode check_status = U_ZERO_ERROR;
            if (unorm2_isNormalized(icu.nfkc_casefold, &unit, 1, &check_status) && U_SUCCESS(check_status))
                value |= StableFlag;
        }
        tables.bmp[static_cast<std::size_t>(code_point)] = value;
    }
    tables.fold_index = std::make_unique<std::uint32_t[]>(0x10000);
    Folder folder;
    std::string piece;
    for (UChar32 code_point = 0x80; code_point < 0x10000; ++code_point) {
        auto char_class = static_cast<CharClass>(tables.bmp[static_cast<std::size_t>(code_point)] & ClassMask);
        if (char_class != CharClass::Word && char_class != CharClass::Mark)
            continue;
        folder.fold_code_point(icu.nfkd, code_point, piece);
        if (piece.empty())
            continue;
        std::size_t offset = tables.fold_pool.size();
        tables.fold_pool += piece;
        tables.fold_index[static_cast<std::size_t>(code_point)] =
            static_cast<std::uint32_t>(offset << 8 | piece.size());
    }
    return tables;
}

const UnicodeTables& tables() {
    // Built once per process, on the first character beyond ASCII (a few milliseconds: too much
    // to pay in every `cairn search` whose query and snippets are plain ASCII), then only read,
    // from any thread.
    static const UnicodeTables built = build_tables();
    return built;
}

struct CjkUnit {
    std::size_t start = 0;
    std::size_t end = 0;
    bool stable = false;
};

/// Splits `text` into tokens and calls `emit(token, start, end)` for each, with byte offsets into
/// `text`. A non-zero return from `emit` stops tokenizing and is returned.
template <class Emit>
class Scanner {
public:
    Scanner(std::string_view text, Emit& emit)
        : m_data(reinterpret_cast<const unsigned char*>(text.data())), m_size(text.size()), m_emit(emit) {}

    int run() {
        const std::uint8_t* bmp = nullptr;
        std::size_t index = 0;
        while (index < m_size) {
            unsigned char byte = m_data[index];
            if (byte < 0x80) {
                // The fast path: most indexed text is ASCII, and needs no ICU at all.
                char folded = AsciiFold[byte];
                if (folded == 0) {
                    if (m_run != Run::None && finish_run() != 0)
                        return m_status;
                } else {
                    if (m_run != Run::Word) {
                        if (m_run != Run::None && finish_run() != 0)
                            return m_status;
                        start_word(index);
                    }
                    if (m_word_length < m_word_limit)
                        m_word[m_word_length++] = folded;
                    m_word_end = index + 1;
                }
                ++index;
                continue;
            }
            std::size_t length = 1;
            UChar32 code_point = decode_utf8(m_data, m_size, index, length);
            CharClass char_class = CharClass::Separator;
            bool stable = false;
            if (code_point >= 0) {
                if (code_point < 0x10000) {
                    if (!bmp)
                        bmp = tables().bmp.get();
                    std::uint8_t value = bmp[static_cast<std::size_t>(code_point)];
                    char_class = static_cast<CharClass>(value & ClassMask);
                    stable = (value & StableFlag) != 0;
                } else {
                    char_class = classify_slow(code_point);
                }
            }
            if (handle_character(code_point, char_class, stable, index, length) != 0)
                return m_status;
            index += length;
        }
        if (m_run != Run::None)
            finish_run();
        return m_status;
    }

private:
    enum class Run { None, Word, Cjk };

    int handle_character(UChar32 code_point, CharClass char_class, bool stable, std::size_t index,
                         std::size_t length) {
        switch (char_class) {
        case CharClass::Separator:
            if (m_run != Run::None)
                return finish_run();
            return 0;
        case CharClass::Word:
        case CharClass::Mark:
            if (char_class == CharClass::Mark && m_run == Run::Cjk) {
                attach(index + length);
                return 0;
            }
            if (m_run != Run::Word) {
                if (m_run != Run::None && finish_run() != 0)
                    return m_status;
                start_word(index);
            }
            append_folded(code_point);
            m_word_end = index + length;
            return 0;
        case CharClass::CjkAttach:
            if (m_run == Run::Cjk) {
                attach(index + length);
                return 0;
            }
            [[fallthrough]];
        case CharClass::Cjk:
            if (m_run == Run::Word && finish_run() != 0)
                return m_status;
            return add_cjk_unit(CjkUnit{index, index + length, stable});
        }
        return 0;
    }

    void start_word(std::size_t index) {
        m_run = Run::Word;
        m_word_start = index;
        m_word_length = 0;
        m_word_limit = MaxTokenBytes;
    }

    /// Appends what a non-ASCII letter, digit or mark contributes to the word. A piece that does
    /// not fit ends the word's text (the rest of the run still belongs to the token's span).
    void append_folded(UChar32 code_point) {
        std::string_view piece;
        if (code_point < 0x10000) {
            if (!m_fold_index) {
                m_fold_index = tables().fold_index.get();
                m_fold_pool = tables().fold_pool.data();
            }
            std::uint32_t entry = m_fold_index[static_cast<std::size_t>(code_point)];
            piece = std::string_view(m_fold_pool + (entry >> 8), entry & 0xFF);
        } else {
            m_folder.fold_code_point(normalizers().nfkd, code_point, m_piece);
            piece = m_piece;
        }
        if (piece.empty())
            return;
        if (m_word_length + piece.size() > m_word_limit) {
            m_word_limit = m_word_length;
            return;
        }
        std::copy(piece.begin(), piece.end(), m_word.data() + m_word_length);
        m_word_length += piece.size();
    }

    void attach(std::size_t end) {
        m_current.end = end;
        m_current.stable = false;
    }

    int add_cjk_unit(const CjkUnit& unit) {
        if (m_run != Run::Cjk) {
            m_run = Run::Cjk;
            m_unit_count = 0;
        }
        if (m_unit_count >= 1) {
            // The current unit is complete now that the next one has begun.
            unit_text(m_current, m_current_text);
            if (m_unit_count >= 2 && emit_bigram() != 0)
                return m_status;
            m_previous = m_current;
            std::swap(m_previous_text, m_current_text);
        }
        m_current = unit;
        ++m_unit_count;
        return 0;
    }

    int emit_bigram() {
        m_token.assign(m_previous_text);
        m_token.append(m_current_text);
        return emit(m_token, m_previous.start, m_current.end);
    }

    int finish_run() {
        Run run = m_run;
        m_run = Run::None;
        if (run == Run::Word)
            return emit(std::string_view(m_word.data(), m_word_length), m_word_start, m_word_end);
        if (run == Run::Cjk) {
            unit_text(m_current, m_current_text);
            if (m_unit_count == 1)
                return emit(m_current_text, m_current.start, m_current.end);
            return emit_bigram();
        }
        return 0;
    }

    void unit_text(const CjkUnit& unit, std::string& out) {
        auto source = std::string_view(reinterpret_cast<const char*>(m_data) + unit.start, unit.end - unit.start);
        if (unit.stable) {
            out.assign(source);
            return;
        }
        m_folder.fold_cjk_unit(source, out);
    }

    int emit(std::string_view token, std::size_t start, std::size_t end) {
        // Folding can leave nothing (a word made only of combining marks): no empty tokens.
        if (token.empty())
            return 0;
        m_status = m_emit(token, start, end);
        return m_status;
    }

    const unsigned char* m_data;
    std::size_t m_size;
    Emit& m_emit;
    int m_status = 0;
    Run m_run = Run::None;

    std::size_t m_word_start = 0;
    std::size_t m_word_end = 0;
    std::array<char, MaxTokenBytes> m_word{};
    std::size_t m_word_length = 0;
    /// MaxTokenBytes, or less once a folded piece did not fit: the word's text is then complete.
    std::size_t m_word_limit = MaxTokenBytes;
    const std::uint32_t* m_fold_index = nullptr;
    const char* m_fold_pool = nullptr;
    std::string m_piece;

    CjkUnit m_previous;
    CjkUnit m_current;
    std::string m_previous_text;
    std::string m_current_text;
    std::size_t m_unit_count = 0;

    std::string m_token;
    Folder m_folder;
};

template <class Emit>
int tokenize_text(std::string_view text, Emit&& emit) {
    Scanner<std::remove_reference_t<Emit>> scanner(text, emit);
    return scanner.run();
}

// FTS5 glue. The tokenizer has no per-table state; an instance only knows the connection's
// recorder, if any.
struct TokenizerInstance {
    TokenRecorder* recorder = nullptr;
};

int create_tokenizer(void* recorder, const char** arguments, int argument_count, Fts5Tokenizer** out) {
    (void)arguments;
    // No options: an unknown one is more likely a typo than something to ignore silently.
    if (argument_count > 0)
        return SQLITE_ERROR;
    auto* instance = new (std::nothrow) TokenizerInstance{static_cast<TokenRecorder*>(recorder)};
    if (instance == nullptr)
        return SQLITE_NOMEM;
    *out = reinterpret_cast<Fts5Tokenizer*>(instance);
    return SQLITE_OK;
}

void delete_tokenizer(Fts5Tokenizer* tokenizer) { delete reinterpret_cast<TokenizerInstance*>(tokenizer); }

using TokenCallback = int (*)(void*, int, const char*, int, int, int);

int tokenize_callback(Fts5Tokenizer* tokenizer, void* context, int flags, const char* text, int text_length,
                      TokenCallback token_callback) {
    // Documents and queries are tokenized the same way; FTS5 itself handles prefix queries.
    if (text == nullptr || text_length <= 0)
        return SQLITE_OK;
    TokenRecorder* recorder = reinterpret_cast<TokenizerInstance*>(tokenizer)->recorder;
    if (recorder != nullptr && (!recorder->recording() || (flags & FTS5_TOKENIZE_DOCUMENT) == 0))
        recorder = nullptr;
    // Nothing may unwind into SQLite's C frames.
    try {
        return tokenize_text(std::string_view(text, static_cast<std::size_t>(text_length)),
                             [&](std::string_view token, std::size_t start, std::size_t end) {
                                 if (recorder != nullptr)
                                     recorder->record(token);
                                 return token_callback(context, 0, token.data(), static_cast<int>(token.size()),
                                                       static_cast<int>(start), static_cast<int>(end));
                             });
    } catch (const std::bad_alloc&) {
        return SQLITE_NOMEM;
    } catch (...) {
        return SQLITE_ERROR;
    }
}

}  // namespace

fts5_api* find_fts5_api(Database& database) {
    sqlite3* handle = database.handle();
    // The documented way to reach the FTS5 API: "SELECT fts5(?1)" with a bound pointer.
    fts5_api* api = nullptr;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(handle, "SELECT fts5(?1)", -1, &statement, nullptr) == SQLITE_OK) {
        sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
        sqlite3_step(statement);
    }
    sqlite3_finalize(statement);
    return api;
}

void TokenRecorder::record(std::string_view token) {
    if (!m_tokens.contains(token))
        m_tokens.emplace(token);
}

std::vector<std::string> TokenRecorder::take_sorted() {
    std::vector<std::string> tokens;
    tokens.reserve(m_tokens.size());
    while (!m_tokens.empty())
        tokens.push_back(std::move(m_tokens.extract(m_tokens.begin()).value()));
    std::sort(tokens.begin(), tokens.end());
    return tokens;
}

Result<void> register_text_tokenizer(Database& database, TokenRecorder* recorder) {
    fts5_api* api = find_fts5_api(database);
    if (api == nullptr)
        return make_error(ErrorCode::Unsupported, "this SQLite library has no FTS5 full-text search",
                          database.path().string());
    if (normalizers().nfkd == nullptr || normalizers().nfkc_casefold == nullptr)
        return make_error(ErrorCode::Internal, "ICU normalization data is missing", database.path().string());
    fts5_tokenizer tokenizer{create_tokenizer, delete_tokenizer, tokenize_callback};
    if (api->xCreateTokenizer(api, "cairn", recorder, &tokenizer, nullptr) != SQLITE_OK)
        return make_error(ErrorCode::Internal, "cannot register the \"cairn\" full-text tokenizer",
                          database.path().string());
    return {};
}

std::vector<std::string> tokenize_for_search(std::string_view text) {
    std::vector<std::string> tokens;
    tokenize_text(text, [&](std::string_view token, std::size_t, std::size_t) {
        tokens.emplace_back(token);
        return 0;
    });
    return tokens;
}

void visit_tokens(std::string_view text, const TokenVisitor& visitor) {
    // Any non-zero status stops the scanner; it is not an error here.
    tokenize_text(text, [&](std::string_view token, std::size_t start, std::size_t end) {
        return visitor(token, start, end) ? 0 : 1;
    });
}

}  // namespace cairn::db
