/* mod_jvm_response: turns what an application produced (a response head, body pieces, a
 * result) into Apache's response. Shared by embedded mode (natives) and daemon mode (socket
 * messages), so both answer the same way. */
#ifndef MOD_JVM_RESPONSE_H
#define MOD_JVM_RESPONSE_H

#include "httpd.h"
#include "apr_buckets.h"

typedef struct jvm_response {
    request_rec *r;
    apr_bucket_brigade *bb; /* output not yet passed on */
    apr_off_t expected;     /* Content-Length from the application, or -1 */
    apr_off_t sent;         /* body bytes accepted so far */
    int head_sent;          /* the head has been applied to r */
    int head_invalid;       /* the head was rejected: answer 500 */
    int gone;               /* the client went away or output failed */
    int truncated_logged;   /* the Content-Length overflow was logged */
    int body_status;        /* set when the request body was refused (413, 400): the answer if
                               the application then fails before its head */
} jvm_response;

void jvm_response_init(jvm_response *resp, request_rec *r);

/* Applies an encoded response head (jvm_frame.h) to r. Returns 0, or -1 when it is invalid
 * (logged as JVM00031; the request will answer 500). A second head is ignored. */
int jvm_response_head(jvm_response *resp, const void *head, size_t len);

/* Adds body bytes (flushing them to the client if asked). Returns 0, or -1 when the client
 * is gone. Bytes beyond the Content-Length are dropped (JVM00032). */
int jvm_response_write(jvm_response *resp, const void *data, apr_size_t n, int flush);

/* ap_setup_client_block for both modes: returns OK, or the status to answer (a body over
 * LimitRequestBody is logged as JVM00038, since Apache refuses it without a word). */
int jvm_request_body_setup(request_rec *r);

/* Reads up to n bytes of the request body (dechunked). Returns the count, 0 at the end of the
 * body, or -1 (logged as JVM00037 with the cause: the client went away, Timeout, a refused body;
 * a refused body also sets resp->body_status). */
long jvm_request_body_read(jvm_response *resp, char *buf, apr_size_t n);

/* Ends the request. `result` is what the application side returned: 0 (response complete),
 * an HTTP status > 0 (nothing sent: Apache answers it), -1 (failed after the head).
 * Returns the handler's return value. */
int jvm_response_finish(jvm_response *resp, int result);

#endif
