/* mod_jvm_environ: the environ of a request (CGI variables as mod_wsgi gives them, and the
 * mod_jvm.* extras), written as a request frame (jvm_frame.h). */
#ifndef MOD_JVM_ENVIRON_H
#define MOD_JVM_ENVIRON_H

#include "httpd.h"
#include "jvm_frame.h"
#include "mod_jvm_config.h"

/* What the frame carries. */
typedef struct jvm_environ {
    apr_table_t *vars;             /* the variables: r->subprocess_env for a script, a table of
                                    * the connector's own for a web application */
    const char *script_name;       /* SCRIPT_NAME ("" when mounted at /) */
    const char *application_group; /* expanded application group */
    const char *callable;          /* callable object name */
    const char *process_group;     /* "" in embedded mode */
    const char *request_id;        /* mod_jvm.request_id */
    const char *thread_id;         /* mod_jvm.thread_id */
    unsigned flags;                /* JVM_FRAME_FLAG_* */
} jvm_environ;

/* Fills *e; a script's CGI variables are added to r->subprocess_env. Call once per request. */
void jvm_environ_prepare(request_rec *r, const jvm_alias *alias, jvm_environ *e,
                         const char *process_group, int thread_id, unsigned long request_seq);

/* Writes the request frame; check jvm_fw_fits() and write again into a larger buffer. */
void jvm_environ_write(request_rec *r, const jvm_environ *e, jvm_fw *w);

#endif
