// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <wx/panel.h>

#include "core/archive/archive.h"

class wxTreeCtrl;
class wxTreeEvent;
class wxTreeItemId;

namespace cairn::desktop {

/// The archive's folders per user, with message counts: the other way into the mail besides
/// the search box. The panel only shows and reports choices; the main window acts on them.
class FolderPanel : public wxPanel {
public:
    explicit FolderPanel(wxWindow* parent);

    struct Choice {
        std::string user;
        std::optional<std::string> folder;  ///< none: all of the user's mail
        bool operator==(const Choice&) const = default;
    };
    /// Replaces the tree, keeping the chosen folder chosen when it is still there.
    void set_folders(const std::vector<std::pair<std::string, std::vector<FolderSummary>>>& folders_per_user);
    std::optional<Choice> choice() const;
    /// Chooses USER's FOLDER (none: the user's top) as a click would; false when it is not shown.
    bool choose(const Choice& choice);

    std::function<void(const Choice& choice)> on_chosen;
    std::function<void(const Choice& choice)> on_export;

private:
    void on_selection(wxTreeEvent& event);
    void on_menu(wxTreeEvent& event);
    std::optional<Choice> choice_at(const wxTreeItemId& item) const;

    wxTreeCtrl* m_tree = nullptr;
    bool m_filling = false;  ///< selection events while the tree is rebuilt are not choices
};

}  // namespace cairn::desktop
