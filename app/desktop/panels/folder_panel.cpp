// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/desktop/panels/folder_panel.h"

#include <algorithm>
#include <iterator>

#include <wx/intl.h>
#include <wx/menu.h>
#include <wx/sizer.h>
#include <wx/treectrl.h>

#include "app/desktop/glue/text.h"
#include "app/desktop/models/folder_tree.h"

namespace cairn::desktop {
namespace {

enum : int { ExportFolderMenu = wxID_HIGHEST + 100 };

class ChoiceData : public wxTreeItemData {
public:
    explicit ChoiceData(FolderPanel::Choice choice) : choice(std::move(choice)) {}
    FolderPanel::Choice choice;
};

wxString node_label(const wxString& name, std::uint64_t messages) {
    return wxString::Format("%s (%llu)", name, static_cast<unsigned long long>(messages));
}

void add_nodes(wxTreeCtrl& tree, const wxTreeItemId& parent, const std::string& user,
               const std::vector<FolderNode>& nodes) {
    for (const FolderNode& node : nodes) {
        const wxTreeItemId item = tree.AppendItem(parent, node_label(to_wx(node.name), node.all_messages), -1, -1,
                                                  new ChoiceData({user, node.path}));
        add_nodes(tree, item, user, node.children);
    }
}

}  // namespace

FolderPanel::FolderPanel(wxWindow* parent) : wxPanel(parent) {
    SetName("folder-panel");
    m_tree = new wxTreeCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                            wxTR_HAS_BUTTONS | wxTR_HIDE_ROOT | wxTR_LINES_AT_ROOT | wxTR_SINGLE);
    m_tree->SetName("folders");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(m_tree, wxSizerFlags(1).Expand());
    SetSizer(sizer);
    m_tree->Bind(wxEVT_TREE_SEL_CHANGED, &FolderPanel::on_selection, this);
    m_tree->Bind(wxEVT_TREE_ITEM_MENU, &FolderPanel::on_menu, this);
}

void FolderPanel::set_folders(
    const std::vector<std::pair<std::string, std::vector<FolderSummary>>>& folders_per_user) {
    const auto kept = choice();
    m_filling = true;
    m_tree->DeleteAllItems();
    const wxTreeItemId root = m_tree->AddRoot({});
    for (const auto& [user, folders] : folders_per_user) {
        std::uint64_t total = 0;
        for (const auto& folder : folders)
            total += folder.message_count;
        const wxTreeItemId top =
            m_tree->AppendItem(root, node_label(wxString::Format(_("All mail of %s"), to_wx(user)), total), -1, -1,
                               new ChoiceData({user, std::nullopt}));
        // Mail imported from the root of a source has the empty path: it is in the user's
        // "All mail" and nowhere below it (folder: cannot name the empty path).
        std::vector<FolderSummary> named;
        std::copy_if(folders.begin(), folders.end(), std::back_inserter(named),
                     [](const FolderSummary& folder) { return !folder.path.empty(); });
        add_nodes(*m_tree, top, user, build_folder_tree(named));
        m_tree->Expand(top);
    }
    if (kept)
        choose(*kept);
    m_filling = false;
}

std::optional<FolderPanel::Choice> FolderPanel::choice_at(const wxTreeItemId& item) const {
    if (!item.IsOk())
        return std::nullopt;
    if (auto* data = dynamic_cast<ChoiceData*>(m_tree->GetItemData(item)))
        return data->choice;
    return std::nullopt;
}

std::optional<FolderPanel::Choice> FolderPanel::choice() const { return choice_at(m_tree->GetSelection()); }

bool FolderPanel::choose(const Choice& wanted) {
    // Depth first over the whole tree: it holds hundreds of folders at most.
    std::vector<wxTreeItemId> pending{m_tree->GetRootItem()};
    while (!pending.empty()) {
        const wxTreeItemId item = pending.back();
        pending.pop_back();
        if (item != m_tree->GetRootItem() && choice_at(item) == wanted) {
            m_tree->EnsureVisible(item);
            m_tree->SelectItem(item);  // fires the selection event, as a click does
            return true;
        }
        wxTreeItemIdValue cookie;
        for (wxTreeItemId child = m_tree->GetFirstChild(item, cookie); child.IsOk();
             child = m_tree->GetNextChild(item, cookie))
            pending.push_back(child);
    }
    return false;
}

void FolderPanel::on_selection(wxTreeEvent& event) {
    if (m_filling || !on_chosen)
        return;
    if (const auto chosen = choice_at(event.GetItem()))
        on_chosen(*chosen);
}

void FolderPanel::on_menu(wxTreeEvent& event) {
    const auto chosen = choice_at(event.GetItem());
    if (!chosen)
        return;
    m_tree->SelectItem(event.GetItem());
    wxMenu menu;
    menu.Append(ExportFolderMenu, chosen->folder ? _("Export folder...") : _("Export all mail of this user..."));
    menu.Bind(wxEVT_MENU, [this, chosen](wxCommandEvent&) {
        if (on_export)
            on_export(*chosen);
    }, ExportFolderMenu);
    PopupMenu(&menu);
}

}  // namespace cairn::desktop
