// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/translations.h"

#include <clocale>
#include <cstdlib>
#include <cstring>

#include <wx/intl.h>
#include <wx/translation.h>

#ifndef CAIRN_INSTALL_PREFIX
#define CAIRN_INSTALL_PREFIX "/usr/local"
#endif

namespace cairn::desktop {

namespace {

/// GTK translates its own labels (the stock Cancel, OK... buttons that wx uses) with gettext,
/// which follows $LANGUAGE, but not under the "C" locale: the one a process is left with when
/// the environment names a locale this system has not generated, or when the language was
/// picked in Settings rather than in the environment. Without this, GTK's English would show
/// beside wx's and our German.
void make_gtk_speak(const wxString& language) {
    ::setenv("LANGUAGE", language.utf8_str(), 1);
    const char* messages = std::setlocale(LC_MESSAGES, nullptr);
    if (!messages || std::strcmp(messages, "C") == 0 || std::strcmp(messages, "POSIX") == 0)
        std::setlocale(LC_MESSAGES, "C.UTF-8");
}

}  // namespace

void add_catalog_paths(const wxString& executable_directory) {
    wxFileTranslationsLoader::AddCatalogLookupPathPrefix(executable_directory + "/locale");
    wxFileTranslationsLoader::AddCatalogLookupPathPrefix(wxString(CAIRN_INSTALL_PREFIX) + "/share/locale");
}

void install_translations(const wxString& executable_directory, const std::string& chosen) {
    add_catalog_paths(executable_directory);
    auto* translations = new wxTranslations;
    wxTranslations::Set(translations);
    // Picked in Settings: what the person asked of this app, over the desktop's default.
    wxString language = wxString::FromUTF8(chosen);
    const char* preferred = std::getenv("LANGUAGE");
    if (language.empty() && preferred && *preferred)
        language = wxString(preferred).BeforeFirst(':');
    if (!language.empty()) {
        translations->SetLanguage(language);
        make_gtk_speak(language);
    } else
        translations->SetLanguage(wxLANGUAGE_DEFAULT);
    translations->AddStdCatalog();
    translations->AddCatalog(catalog_name);
}

}  // namespace cairn::desktop
