// SPDX-License-Identifier: GPL-3.0-or-later
// cairn-full: the command line with every command. Parsing only; every verb lives in
// cmd_<verb>.cpp and all work is done by core. Users run `cairn` (search_main.cpp), which runs a
// search itself and hands every other command here.

#include <tuple>

#include <fmt/format.h>

#include "app/cli/command_line.h"

namespace cairn::cli {
namespace {

CancellationToken interrupt_token;

}  // namespace

int main_with_arguments(int argc, char** argv) {
    CLI::App app;
    Context context;
    context.cancel = &interrupt_token;
    describe_program(app, context.options);

    InitArguments init;
    auto* init_command = app.add_subcommand("init", "Create a new archive (refuses to touch an existing one)");
    init_command->add_option("--store-size", init.store_size,
                             "Begin a new store when the current one reaches this size (e.g. 50G; default: no limit)")
        ->type_name("SIZE");
    init_command->add_option("--store-messages", init.store_messages,
                             "Begin a new store after this many messages (default: no limit)")->type_name("N");

    ImportArguments import;
    auto* import_command = app.add_subcommand(
        "import", "Archive mail files: .eml, mbox, Maildir, .emlx, Outlook .pst/.ost, folders of these, zip/tar "
                  "archives of these, Thunderbird profiles, Apple Mail folders");
    import_command->add_option("--user", import.user, "Archive for this user (default: your login name)")->type_name("NAME");
    import_command->add_option("--folder", import.folder, "Put the messages under this archive folder")->type_name("PREFIX");
    import_command->add_option("--workers", import.workers, "Worker threads (default: one per core)")->type_name("N");
    std::string thunderbird_profile;
    auto* thunderbird_option = import_command
                                   ->add_option("--thunderbird", thunderbird_profile,
                                                "Import a Thunderbird profile: its name in profiles.ini or its "
                                                "directory (default: the default profile)")
                                   ->expected(0, 1)
                                   ->type_name("[PROFILE]");
    import_command->add_flag("--outlook", import.outlook, "Import every Outlook data file (.pst, .ost) found");
    import_command->add_flag("--apple-mail", import.apple_mail, "Import Apple Mail's mail (~/Library/Mail, on macOS)");
    import_command->add_option("--windows-disk", import.windows_disks,
                               "Also look for Outlook data files on this mounted Windows disk (repeatable)")
        ->type_name("DIR");
    import_command->add_option("paths", import.paths, "Files or directories to import (a Thunderbird profile "
                                                      "directory is read as Thunderbird shows it)")
        ->type_name("PATH");

    ExportArguments export_arguments;
    std::string export_user, export_folder;
    auto* export_command = app.add_subcommand("export", "Write archived messages out, byte for byte");
    export_command->add_option("--format", export_arguments.format, "eml (default), mbox or zip")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"eml", "mbox", "zip"}));
    export_command->add_option("--out", export_arguments.out, "Output directory (eml, mbox) or zip file")
        ->required()
        ->type_name("PATH");
    auto* export_user_option = export_command->add_option("--user", export_user, "Only this user's messages")->type_name("NAME");
    auto* export_folder_option =
        export_command->add_option("--folder", export_folder, "Only this folder and its sub-folders")->type_name("FOLDER");
    export_command
        ->add_option("--id", export_arguments.message_ids,
                     "Only this message (repeatable; ids from `cairn list` or `cairn search`)")
        ->type_name("ID");

    SourcesArguments sources_arguments;
    auto* sources_command = app.add_subcommand(
        "sources",
        "List the Thunderbird profiles, Outlook data files and Apple Mail stores found here, without importing");
    sources_command->add_option("--windows-disk", sources_arguments.windows_disks,
                                "Also look for Outlook data files on this mounted Windows disk (repeatable)")
        ->type_name("DIR");

    auto* verify_command = app.add_subcommand("verify", "Read back every block and every message, checking their integrity");
    auto* stats_command = app.add_subcommand("stats", "Messages, users, folders, sizes and deduplication savings");

    ListArguments list;
    std::string list_user, list_folder;
    auto* list_command = app.add_subcommand("list", "List archived messages");
    auto* list_user_option = list_command->add_option("--user", list_user, "Only this user's messages")->type_name("NAME");
    auto* list_folder_option = list_command->add_option("--folder", list_folder, "Only this folder and its sub-folders")->type_name("FOLDER");

    ShowArguments show;
    auto* show_command = app.add_subcommand("show", "Show one message");
    show_command->add_option("id", show.id, "Message id (from cairn list)")->required()->type_name("ID");
    auto* show_raw = show_command->add_flag("--raw", show.raw, "Write the exact original bytes to standard output");
    auto* show_html = show_command->add_flag(
        "--html", show.html, "Write the HTML part, sanitised (no scripts, no remote images), to standard output");
    std::size_t show_attachment = 0;
    auto* show_attachment_option =
        show_command->add_option("--attachment", show_attachment, "Save attachment N (as numbered by show) to --output")
            ->type_name("N");
    auto* show_output = show_command->add_option("--output", show.output, "File to save the attachment to (never overwritten)")
                            ->type_name("FILE");
    show_attachment_option->needs(show_output);
    show_output->needs(show_attachment_option);
    show_raw->excludes(show_html)->excludes(show_attachment_option);
    show_html->excludes(show_attachment_option);

    SearchCommandLine search(app);

    ReindexArguments reindex;
    std::string reindex_user;
    auto* reindex_command = app.add_subcommand("reindex", "Rebuild the search index from the archive");
    auto* reindex_user_option =
        reindex_command->add_option("--user", reindex_user, "Only this user's index (default: all)")->type_name("NAME");

    ChangePassphraseArguments change;
    std::string change_recovery_key;
    auto* change_command = app.add_subcommand(
        "change-passphrase", "Set a new passphrase (with the current one, or with the recovery key if it is lost)");
    auto* change_recovery_option =
        change_command->add_option("--recovery-key", change_recovery_key, "Unlock with the recovery key shown at init")
            ->type_name("KEY");
    change_command->add_option("--new-passphrase-file", change.new_passphrase_file,
                               "Read the new passphrase from FILE (else $CAIRN_NEW_PASSPHRASE, else a prompt)")
        ->type_name("FILE");

    AccountAddArguments account_add;
    std::string account_remove_name;
    auto* account_command = app.add_subcommand("account", "Mail accounts to archive from (IMAP, POP3, Gmail, Microsoft 365)");
    account_command->require_subcommand(1);
    auto* account_add_command = account_command->add_subcommand("add", "Add a mail account (its password or sign-in is kept encrypted in the archive)");
    account_add_command->add_option("kind", account_add.kind, "imap, pop3, gmail or m365")
        ->required()
        ->check(CLI::IsMember({"imap", "pop3", "gmail", "m365"}))
        ->type_name("KIND");
    account_add_command->add_option("name", account_add.name, "A name for the account (also its archive folder)")
        ->required()
        ->type_name("NAME");
    account_add_command->add_option("--host", account_add.host, "Server host name (gmail, m365: preset)")->type_name("HOST");
    account_add_command->add_option("--port", account_add.port, "Server port (default: 993 IMAPS, 143 IMAP, 995 POP3S, 110 POP3)")->type_name("PORT");
    account_add_command->add_option("--security", account_add.security, "tls (default), starttls or none")
        ->check(CLI::IsMember({"tls", "ssl", "starttls", "none"}))
        ->type_name("MODE");
    account_add_command->add_option("--login", account_add.login, "User name on the server (often the address)")
        ->required()
        ->type_name("LOGIN");
    account_add_command->add_option("--password-file", account_add.password_file,
                                    "Read the password from FILE (else $CAIRN_ACCOUNT_PASSWORD, else a prompt)")
        ->type_name("FILE");
    account_add_command->add_option("--trust-certificate", account_add.trust_certificate,
                                    "Trust this server certificate (its SHA-256 fingerprint) though no authority signed it")
        ->type_name("SHA256");
    account_add_command->add_option("--user", account_add.user, "Archive the mail for this user (default: your login name)")->type_name("NAME");
    account_add_command->add_option("--folder", account_add.folder, "Archive folder for the account's folders (default: NAME)")->type_name("FOLDER");
    account_add_command->add_option("--include", account_add.include_folders,
                                    "Only server folders matching PATTERN (* any, % any but /; repeatable)")
        ->type_name("PATTERN");
    account_add_command->add_option("--exclude", account_add.exclude_folders, "Skip server folders matching PATTERN (repeatable)")
        ->type_name("PATTERN");
    account_add_command->add_flag("--keep-trash", account_add.keep_trash_and_junk, "Also archive the trash and junk folders");
    account_add_command->add_flag("--journal", account_add.journal,
                                  "A journal mailbox: unwrap Exchange journal reports, archive the messages inside, "
                                  "and delete each from the server once archived and verified");
    account_add_command->add_flag("--keep-on-server", account_add.keep_on_server,
                                  "With --journal: leave the journal mailbox as it is");
    account_add_command->add_option("--delete-after", account_add.delete_older_than_days,
                                    "Delete messages from the server once archived, verified and older than DAYS")
        ->type_name("DAYS");
    account_add_command->add_option("--move-after", account_add.move_older_than_days,
                                    "Move messages to --move-to once archived, verified and older than DAYS")
        ->type_name("DAYS");
    account_add_command->add_option("--move-to", account_add.move_to, "Server folder for --move-after")->type_name("FOLDER");
    account_add_command->add_flag("--allow-plaintext-password", account_add.allow_plaintext_password,
                                  "With --security none: send the password unencrypted (test servers only)");
    account_add_command->add_option("--oauth-client-id", account_add.oauth_client_id,
                                    "Your OAuth client id for gmail/m365 (see docs/accounts.md)")
        ->type_name("ID");
    account_add_command->add_option("--tenant", account_add.oauth_tenant,
                                    "m365: common (default), organizations, consumers or a tenant id")
        ->type_name("TENANT");
    account_add_command->add_option("--oauth-client-secret", account_add.oauth_client_secret,
                                    "gmail: the secret of your Desktop app client (not confidential; see docs/accounts.md)")
        ->type_name("SECRET");
    account_add_command->add_flag("--no-browser", account_add.no_browser,
                                  "gmail: print the sign-in address instead of opening a browser");
    // Hidden (no group): endpoint overrides for tests and sovereign clouds, documented in docs/accounts.md.
    account_add_command->add_option("--oauth-authorization-url", account_add.oauth_authorization_url)->group("");
    account_add_command->add_option("--oauth-token-url", account_add.oauth_token_url)->group("");
    account_add_command->add_option("--oauth-device-url", account_add.oauth_device_url)->group("");

    AccountLoginArguments account_login;
    std::string login_oauth_client_id, login_oauth_client_secret, login_oauth_tenant, login_oauth_authorization_url,
        login_oauth_token_url, login_oauth_device_url;
    auto* account_login_command =
        account_command->add_subcommand("login", "Sign in to a gmail or m365 account again (after a revoked or expired sign-in)");
    account_login_command->add_option("name", account_login.name, "The account")->required()->type_name("NAME");
    auto* login_client_id_option = account_login_command->add_option("--oauth-client-id", login_oauth_client_id,
                                                                     "Use this OAuth client id from now on")
                                       ->type_name("ID");
    auto* login_client_secret_option =
        account_login_command->add_option("--oauth-client-secret", login_oauth_client_secret,
                                          "gmail: the secret of that client")
            ->type_name("SECRET");
    auto* login_tenant_option =
        account_login_command->add_option("--tenant", login_oauth_tenant, "m365: the tenant from now on")
            ->type_name("TENANT");
    account_login_command->add_flag("--no-browser", account_login.no_browser,
                                    "gmail: print the sign-in address instead of opening a browser");
    auto* login_authorization_url_option =
        account_login_command->add_option("--oauth-authorization-url", login_oauth_authorization_url)->group("");
    auto* login_token_url_option =
        account_login_command->add_option("--oauth-token-url", login_oauth_token_url)->group("");
    auto* login_device_url_option =
        account_login_command->add_option("--oauth-device-url", login_oauth_device_url)->group("");
    auto* account_list_command = account_command->add_subcommand("list", "List the mail accounts and their last fetch");
    auto* account_remove_command = account_command->add_subcommand("remove", "Remove an account (its archived mail stays)");
    account_remove_command->add_option("name", account_remove_name, "The account")->required()->type_name("NAME");

    FetchArguments fetch;
    auto* fetch_command = app.add_subcommand("fetch", "Archive new mail from the mail accounts (all, or those named), "
                                                      "then apply their cleanup rules");
    fetch_command->add_option("accounts", fetch.accounts, "Accounts to fetch (default: all)")->type_name("ACCOUNT");
    fetch_command->add_flag("--dry-run", fetch.dry_run,
                            "Fetch, but only list what the cleanup rules would remove from the servers");
    fetch_command->add_option("--workers", fetch.workers, "Worker threads (default: one per core)")->type_name("N");

    auto* forget_command = app.add_subcommand(
        "forget-key", "Forget the unlocked archive key that Cairn keeps for 10 minutes (the next command asks again)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? ExitSuccess : ExitUsage;
    }

    if (*thunderbird_option)
        import.thunderbird_profile = thunderbird_profile;
    if (*import_command && import.paths.empty() && !import.thunderbird_profile && !import.outlook &&
        !import.apple_mail) {
        fmt::print(stderr, "cairn import: give the files or directories to import, or --thunderbird, --outlook "
                           "or --apple-mail\n"
                           "Run with --help for more information.\n");
        return ExitUsage;
    }
    if (*export_user_option)
        export_arguments.user = export_user;
    if (*export_folder_option)
        export_arguments.folder = export_folder;
    if (*list_user_option)
        list.user = list_user;
    if (*list_folder_option)
        list.folder = list_folder;

    if (*reindex_user_option)
        reindex.user = reindex_user;
    if (*change_recovery_option)
        change.recovery_key = change_recovery_key;

    // Only the options given replace the account's settings.
    for (auto [option, given, value] :
         {std::tuple{login_client_id_option, &login_oauth_client_id, &account_login.oauth_client_id},
          std::tuple{login_client_secret_option, &login_oauth_client_secret, &account_login.oauth_client_secret},
          std::tuple{login_tenant_option, &login_oauth_tenant, &account_login.oauth_tenant},
          std::tuple{login_authorization_url_option, &login_oauth_authorization_url,
                     &account_login.oauth_authorization_url},
          std::tuple{login_token_url_option, &login_oauth_token_url, &account_login.oauth_token_url},
          std::tuple{login_device_url_option, &login_oauth_device_url, &account_login.oauth_device_url}})
        if (*option)
            *value = *given;

    install_signal_handlers(interrupt_token);
    if (*init_command)
        return run_init(context, init);
    if (*import_command)
        return run_import(context, import);
    if (*sources_command)
        return run_sources(context, sources_arguments);
    if (*export_command)
        return run_export(context, export_arguments);
    if (*verify_command)
        return run_verify(context);
    if (*stats_command)
        return run_stats(context);
    if (*list_command)
        return run_list(context, list);
    if (*show_command) {
        if (*show_attachment_option)
            show.attachment = show_attachment;
        return run_show(context, show);
    }
    if (search.given())
        return run_search(context, search.arguments());
    if (*reindex_command)
        return run_reindex(context, reindex);
    if (*change_command)
        return run_change_passphrase(context, change);
    if (*fetch_command)
        return run_fetch(context, fetch);
    if (*account_add_command)
        return run_account_add(context, account_add);
    if (*account_login_command)
        return run_account_login(context, account_login);
    if (*account_list_command)
        return run_account_list(context);
    if (*account_remove_command)
        return run_account_remove(context, account_remove_name);
    if (*forget_command) {
        auto forgotten = Archive::forget_cached_keys(context.archive_directory());
        return forgotten ? ExitSuccess : context.fail(forgotten.error());
    }
    return ExitUsage;
}

}  // namespace cairn::cli

int main(int argc, char** argv) { return cairn::cli::run_reporting_exceptions(cairn::cli::main_with_arguments, argc, argv); }
