// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/translations.h"

#include <cstdlib>

#include <wx/intl.h>
#include <wx/translation.h>

#ifndef CAIRN_INSTALL_PREFIX
#define CAIRN_INSTALL_PREFIX "/usr/local"
#endif

namespace cairn::desktop {

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
    if (!language.empty())
        translations->SetLanguage(language);
    else
        translations->SetLanguage(wxLANGUAGE_DEFAULT);
    translations->AddStdCatalog();
    translations->AddCatalog(catalog_name);
}

}  // namespace cairn::desktop
