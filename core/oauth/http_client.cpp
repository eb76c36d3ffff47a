// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/oauth/http_client.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <memory>
#include <type_traits>

#include <fmt/format.h>

namespace cairn::oauth::detail {
namespace {

bool is_unreserved(unsigned char character) {
    return (character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z') ||
           (character >= '0' && character <= '9') || character == '-' || character == '.' || character == '_' ||
           character == '~';
}

int hex_value(char character) {
    if (character >= '0' && character <= '9') return character - '0';
    if (character >= 'a' && character <= 'f') return character - 'a' + 10;
    if (character >= 'A' && character <= 'F') return character - 'A' + 10;
    return -1;
}

/// libcurl, loaded by the first sign-in request rather than with the program. Linked directly,
/// it and the two dozen libraries it needs (Kerberos, LDAP, SSH, RTMP, ...) were loaded and
/// relocated by every cairn command, 4 ms of an 11 ms start-up (measured with empty programs
/// linked to cairn's libraries with and without it), while only OAuth sign-ins use it.
struct Curl {
    decltype(&curl_global_init) global_init = nullptr;
    decltype(&curl_easy_init) easy_init = nullptr;
    decltype(&curl_easy_setopt) easy_setopt = nullptr;
    decltype(&curl_easy_perform) easy_perform = nullptr;
    decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
    decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
    decltype(&curl_easy_strerror) easy_strerror = nullptr;
    decltype(&curl_slist_append) slist_append = nullptr;
    decltype(&curl_slist_free_all) slist_free_all = nullptr;
};

Result<const Curl*> loaded_curl() {
    // A function-local static is initialised once, thread-safely: so is curl_global_init,
    // which is not thread-safe in every libcurl build.
    static const Result<Curl> curl = []() -> Result<Curl> {
        void* library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (!library)
            return make_error(ErrorCode::Unavailable,
                              fmt::format("signing in needs libcurl, which cannot be loaded ({}): install the "
                                          "package libcurl4",
                                          dlerror()));
        Curl functions;
        std::string missing;
        const auto find = [&](auto& function, const char* name) {
            function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(dlsym(library, name));
            if (!function)
                missing += std::string(missing.empty() ? "" : ", ") + name;
        };
        find(functions.global_init, "curl_global_init");
        find(functions.easy_init, "curl_easy_init");
        find(functions.easy_setopt, "curl_easy_setopt");
        find(functions.easy_perform, "curl_easy_perform");
        find(functions.easy_getinfo, "curl_easy_getinfo");
        find(functions.easy_cleanup, "curl_easy_cleanup");
        find(functions.easy_strerror, "curl_easy_strerror");
        find(functions.slist_append, "curl_slist_append");
        find(functions.slist_free_all, "curl_slist_free_all");
        if (!missing.empty())
            return make_error(ErrorCode::Unavailable,
                              fmt::format("the libcurl on this system lacks {}: install the package libcurl4", missing));
        functions.global_init(CURL_GLOBAL_DEFAULT);
        return functions;
    }();
    if (!curl)
        return std::unexpected(curl.error());
    return &*curl;
}

std::size_t append_to_string(char* data, std::size_t size, std::size_t count, void* user_data) {
    auto* body = static_cast<std::string*>(user_data);
    // Token endpoint answers are small; a huge answer is not one, and must not eat memory.
    constexpr std::size_t MaximumBodyBytes = 1024 * 1024;
    if (body->size() + size * count > MaximumBodyBytes) return 0;
    body->append(data, size * count);
    return size * count;
}

int abort_when_cancelled(void* user_data, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* cancellation = static_cast<const CancellationToken*>(user_data);
    return cancellation != nullptr && cancellation->is_cancelled() ? 1 : 0;
}

struct EasyHandleDeleter {
    const Curl* curl;
    void operator()(CURL* handle) const { curl->easy_cleanup(handle); }
};
struct HeaderListDeleter {
    const Curl* curl;
    void operator()(curl_slist* list) const { curl->slist_free_all(list); }
};

}  // namespace

std::string percent_encode(std::string_view text) {
    static constexpr char Digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (char character : text) {
        auto byte = static_cast<unsigned char>(character);
        if (is_unreserved(byte)) {
            out.push_back(character);
        } else {
            out.push_back('%');
            out.push_back(Digits[byte >> 4]);
            out.push_back(Digits[byte & 0x0f]);
        }
    }
    return out;
}

std::string form_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
                   hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

std::string form_encode(FormFields fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (value.empty()) continue;
        if (!out.empty()) out.push_back('&');
        out += percent_encode(name);
        out.push_back('=');
        out += percent_encode(value);
    }
    return out;
}

std::map<std::string, std::string> parse_form(std::string_view text) {
    std::map<std::string, std::string> fields;
    while (!text.empty()) {
        std::size_t end = text.find('&');
        std::string_view field = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (field.empty()) continue;
        std::size_t equals = field.find('=');
        std::string name = form_decode(field.substr(0, equals));
        std::string value = equals == std::string_view::npos ? std::string{} : form_decode(field.substr(equals + 1));
        // A repeated parameter is ambiguous; the first one wins, as with most servers.
        fields.emplace(std::move(name), std::move(value));
    }
    return fields;
}

Result<HttpResponse> post_form(const std::string& url, const std::string& body, std::string_view provider_name,
                               const CancellationToken* cancellation) {
    const Curl* library = CAIRN_TRY(loaded_curl());
    std::unique_ptr<CURL, EasyHandleDeleter> handle(library->easy_init(), EasyHandleDeleter{library});
    if (!handle) return make_error(ErrorCode::Internal, "libcurl could not create a transfer");
    CURL* curl = handle.get();
    const auto curl_easy_setopt = library->easy_setopt;

    std::unique_ptr<curl_slist, HeaderListDeleter> headers(library->slist_append(nullptr, "Accept: application/json"),
                                                           HeaderListDeleter{library});
    HttpResponse response;
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "Cairn");
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    // Signals would break a multi-threaded program (name resolution timeouts use SIGALRM).
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_to_string);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abort_when_cancelled);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, cancellation);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);

    CURLcode code = library->easy_perform(curl);
    if (code == CURLE_ABORTED_BY_CALLBACK) return make_error(ErrorCode::Cancelled, "sign-in cancelled");
    if (code != CURLE_OK) {
        // The error buffer names the host and the cause; the URLs used here carry no secrets.
        std::string detail = error_buffer[0] != '\0' ? error_buffer : library->easy_strerror(code);
        return make_error(ErrorCode::Unavailable,
                          fmt::format("could not reach {}'s sign-in service ({}): check the network connection "
                                      "and try again",
                                      provider_name, detail));
    }
    library->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace cairn::oauth::detail
