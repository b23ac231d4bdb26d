/* mod_jvm_version: the module's product tokens, "mod_jvm/<version> Java/<JvmHome's version>",
 * registered the way mod_wsgi registers "mod_wsgi/4.9.4 Python/3.11". Apache decides where
 * they show: always in the server description (the error log's "configured -- resuming normal
 * operations", mod_status), in the Server header and SERVER_SOFTWARE only under
 * ServerTokens Full (core's post_config, which runs first, locks the banner otherwise). */
#include "mod_jvm.h"
#include "mod_jvm_config.h"
#include "mod_jvm_lookup.h"
#include "jvm_loader.h"

#include "apr_strings.h"

int jvm_version_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    jvm_server_conf *sc = ap_get_module_config(s->module_config, &jvm_module);
    char java[64];
    /* Always when loaded, as mod_wsgi does: the module is part of the server whether or not
     * this configuration mounts anything. The components live in pconf: Apache forgets them
     * with each configuration and this hook adds them again. */
    ap_add_version_component(pconf, "mod_jvm/" MOD_JVM_VERSION);
    /* The JDK's release file, not a JVM: the parent never starts one. Without it (a JvmHome
     * that is no JDK, a custom image without release) the token is left out, the start is not
     * the place to fail for it. Daemon groups with java-home= of their own may run another
     * version: the token names JvmHome's, the default. */
    if (jvm_loader_java_version(jvm_conf_jvm_home(sc), java, sizeof java) == 0) {
        ap_add_version_component(pconf, apr_pstrcat(ptemp, "Java/", java, NULL));
    }
    return OK;
}
