// SPDX-License-Identifier: GPL-3.0-or-later
// Mail account definitions in the archive, with their secrets sealed.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/archive/account_secrets.h"
#include "core/archive/archive_impl.h"

namespace cairn {
namespace {

/// Binds a sealed secret to its archive and account, so it cannot be moved to another.
std::string secret_associated_data(const store::ArchiveKeys& keys, const std::string& account) {
    return fmt::format("cairn account secret v1|{}|{}", keys.archive_id, account);
}

crypto::Key account_secret_key(const store::ArchiveKeys& keys) {
    return crypto::derive_subkey(keys.data, "cairn account secrets v1");
}

}  // namespace

std::string seal_account_secret(const store::ArchiveKeys& keys, const std::string& account,
                                const AccountSecret& secret) {
    nlohmann::json json = {{"password", secret.password},
                           {"refresh_token", secret.refresh_token},
                           {"access_token", secret.access_token},
                           {"access_token_expires", secret.access_token_expires}};
    std::string plain = json.dump();
    auto sealed = crypto::aead_seal(account_secret_key(keys), plain, secret_associated_data(keys, account));
    crypto::wipe(std::span(reinterpret_cast<std::uint8_t*>(plain.data()), plain.size()));
    return sealed;
}

Result<AccountSecret> open_account_secret(const store::ArchiveKeys& keys, const std::string& account,
                                          const std::string& sealed) {
    if (sealed.empty())
        return AccountSecret{};
    auto plain = crypto::aead_open(account_secret_key(keys), sealed, secret_associated_data(keys, account));
    if (!plain)
        return make_error(ErrorCode::Corrupt,
                          "the account's stored password or sign-in cannot be decrypted; add the account again",
                          account);
    AccountSecret secret;
    try {
        auto json = nlohmann::json::parse(*plain);
        secret.password = json.value("password", std::string());
        secret.refresh_token = json.value("refresh_token", std::string());
        secret.access_token = json.value("access_token", std::string());
        secret.access_token_expires = json.value("access_token_expires", std::int64_t{0});
    } catch (const nlohmann::json::exception&) {
        return make_error(ErrorCode::Corrupt, "the account's stored sign-in is unreadable; add the account again",
                          account);
    }
    crypto::wipe(std::span(reinterpret_cast<std::uint8_t*>(plain->data()), plain->size()));
    return secret;
}

Result<void> Archive::add_account(const accounts::AccountSettings& settings, const AccountSecret& secret) {
    if (m_impl->access != Access::ReadWrite)
        return make_error(ErrorCode::Internal, "adding an account needs the archive opened for writing");
    CAIRN_TRY_VOID(accounts::validate(settings));
    CAIRN_TRY(m_impl->catalog->insert_account(settings.name, accounts::to_json(settings),
                                              seal_account_secret(m_impl->keys, settings.name, secret)));
    return {};
}

Result<std::vector<AccountSummary>> Archive::accounts() {
    std::vector<AccountSummary> summaries;
    for (auto& row : CAIRN_TRY(m_impl->catalog->accounts())) {
        AccountSummary summary;
        summary.settings = CAIRN_TRY(accounts::from_json(row.settings));
        summary.has_secret = !row.sealed_secret.empty();
        summary.last_fetch = row.last_fetch;
        summary.last_fetch_summary = std::move(row.last_fetch_summary);
        summaries.push_back(std::move(summary));
    }
    return summaries;
}

Result<void> Archive::remove_account(const std::string& name) {
    if (m_impl->access != Access::ReadWrite)
        return make_error(ErrorCode::Internal, "removing an account needs the archive opened for writing");
    if (!CAIRN_TRY(m_impl->catalog->delete_account(name)))
        return make_error(ErrorCode::NotFound, "no such account; `cairn account list` shows them", name);
    return {};
}

}  // namespace cairn
