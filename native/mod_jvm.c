/* mod_jvm: the module record and hook registration, nothing else. One file per concern (the
 * file map: docs/internals.md): mod_jvm_config.c (directives), mod_jvm_lookup.c (what the modes
 * look up in the configuration), mod_jvm_checks.c (start-up checks), mod_jvm_mount.c (which
 * requests go to which script and mode), mod_jvm_environ.c (the environ frame),
 * mod_jvm_embedded.c (the JVM in each child), mod_jvm_daemon.c and mod_jvm_daemon_client.c
 * (daemon mode), mod_jvm_version.c (the product tokens); jvm_*.c are the httpd-free core. */
#include "mod_jvm.h"
#include "mod_jvm_config.h"
#include "mod_jvm_checks.h"
#include "mod_jvm_daemon.h"
#include "mod_jvm_embedded.h"
#include "mod_jvm_mount.h"

#include "http_request.h"
#include "mpm_common.h"

static void register_hooks(apr_pool_t *p)
{
    static const char *const after_alias[] = { "mod_alias.c", NULL };
    ap_hook_pre_config(jvm_config_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(jvm_checks_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(jvm_checks_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(jvm_version_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(jvm_daemon_post_config, NULL, NULL, APR_HOOK_LAST);
    ap_hook_child_init(jvm_embedded_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_monitor(jvm_daemon_monitor, NULL, NULL, APR_HOOK_MIDDLE);
    /* after mod_alias: an Alias for static files next to a JvmScriptAlias wins */
    ap_hook_translate_name(jvm_mount_translate_name, after_alias, NULL, APR_HOOK_MIDDLE);
    ap_hook_map_to_storage(jvm_mount_map_to_storage, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_handler(jvm_mount_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(jvm) = {
    STANDARD20_MODULE_STUFF,
    jvm_create_dir_conf,
    jvm_merge_dir_conf,
    jvm_create_server_conf,
    jvm_merge_server_conf,
    jvm_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
