/* mod_jvm_response: see mod_jvm_response.h. */
#include "mod_jvm.h"
#include "mod_jvm_response.h"
#include "jvm_frame.h"

#include "http_protocol.h"
#include "http_request.h"
#include "http_core.h"
#include "util_filter.h"
#include "apr_strings.h"

#include <string.h>

APLOG_USE_MODULE(jvm);

void jvm_response_init(jvm_response *resp, request_rec *r)
{
    memset(resp, 0, sizeof *resp);
    resp->r = r;
    resp->expected = -1;
}

typedef struct head_ctx {
    jvm_response *resp;
    const char *problem;    /* set when a known header has a bad value */
} head_ctx;

static int apply_header(void *ctxv, const jvm_head_field *f)
{
    head_ctx *ctx = ctxv;
    request_rec *r = ctx->resp->r;
    char *name = apr_pstrmemdup(r->pool, f->name, f->name_len);
    char *value = apr_pstrmemdup(r->pool, f->value, f->value_len);
    if (!strcasecmp(name, "Content-Type")) {
        ap_set_content_type(r, value);
    } else if (!strcasecmp(name, "Content-Length")) {
        apr_off_t n;
        char *end;
        if (!*value || apr_strtoff(&n, value, &end, 10) != APR_SUCCESS || *end || n < 0) {
            ctx->problem = "Content-Length is not a non-negative integer";
            return 1;
        }
        if (ctx->resp->expected >= 0 && ctx->resp->expected != n) {
            ctx->problem = "two different Content-Length headers";
            return 1;
        }
        ctx->resp->expected = n;
        apr_table_setn(r->headers_out, "Content-Length", value);
    } else {
        apr_table_addn(r->headers_out, name, value);
    }
    return 0;
}

int jvm_response_head(jvm_response *resp, const void *head, size_t len)
{
    request_rec *r = resp->r;
    const char *status_line, *err = NULL;
    size_t status_len;
    int status;
    head_ctx ctx = { resp, NULL };
    jvm_head_field bad = { "", 0, "", 0 };

    if (resp->head_sent || resp->head_invalid) {
        return resp->head_invalid ? -1 : 0;
    }
    if (jvm_head_decode(head, len, &status, &status_line, &status_len,
                        apply_header, &ctx, &err, &bad) != 0 || status < 200) {
        resp->head_invalid = 1;
        resp->expected = -1;
        apr_table_clear(r->headers_out);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      JVM00031 "invalid response from the application %s: %s (%s%s%s)", r->filename,
                      ctx.problem ? ctx.problem : err ? err : "status below 200 cannot end a request",
                      ap_escape_logitem(r->pool, apr_pstrmemdup(r->pool, bad.name, bad.name_len)),
                      bad.name_len ? ": " : "",
                      ap_escape_logitem(r->pool, apr_pstrmemdup(r->pool, bad.value, bad.value_len)));
        return -1;
    }
    r->status = status;
    if (status_len == 3) {
        /* a code alone (a servlet engine sends no reason): Apache's reason phrase when it has one;
         * for a code it does not know, Apache would send "500 Internal Server Error" in its place,
         * so the code stands as its own reason ("418 418", what Tomcat sends over AJP) */
        r->status_line = strncmp(ap_get_status_line(status), status_line, 3) == 0 ? NULL
                       : apr_psprintf(r->pool, "%d %d", status, status);
    } else {
        r->status_line = apr_pstrmemdup(r->pool, status_line, status_len);
    }
    resp->head_sent = 1;
    return 0;
}

/* HEAD: Apache's HTTP header filter passes the head on but drops the flush with it (and every
 * later one), so the head would wait in the connection's output until the request ends — after
 * the body's close(), however long that takes. A flush on the connection's own filters (as
 * ap_send_interim_response writes) sends it now; the runtime asks for no more body after it. */
static apr_status_t flush_connection(jvm_response *resp)
{
    conn_rec *c = resp->r->connection;
    apr_status_t rv;
    apr_brigade_cleanup(resp->bb); /* only the flush: nothing the request's filters were given */
    APR_BRIGADE_INSERT_TAIL(resp->bb, apr_bucket_flush_create(c->bucket_alloc));
    rv = ap_pass_brigade(c->output_filters, resp->bb);
    apr_brigade_cleanup(resp->bb);
    return rv;
}

int jvm_response_write(jvm_response *resp, const void *data, apr_size_t n, int flush)
{
    request_rec *r = resp->r;
    if (resp->gone || !resp->head_sent) {
        return -1;
    }
    if (resp->expected >= 0 && resp->sent + (apr_off_t)n > resp->expected) {
        if (!resp->truncated_logged) {
            resp->truncated_logged = 1;
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          JVM00032 "the application %s sent more than its Content-Length of %" APR_OFF_T_FMT
                          " bytes: the excess is dropped", r->filename, resp->expected);
        }
        n = (apr_size_t)(resp->expected - resp->sent);
    }
    if (!resp->bb) {
        resp->bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    }
    if (n > 0 && ap_fwrite(r->output_filters, resp->bb, data, n) != APR_SUCCESS) {
        resp->gone = 1;
        return -1;
    }
    resp->sent += (apr_off_t)n;
    if (flush && ap_fflush(r->output_filters, resp->bb) != APR_SUCCESS) {
        resp->gone = 1;
        return -1;
    }
    if (flush && r->header_only && flush_connection(resp) != APR_SUCCESS) {
        resp->gone = 1;
        return -1;
    }
    if (r->connection->aborted) {
        resp->gone = 1;
        return -1;
    }
    return 0;
}

int jvm_request_body_setup(request_rec *r)
{
    int status = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK);
    if (status == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        const char *length = apr_table_get(r->headers_in, "Content-Length");
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      JVM00038 "the request body of %s (Content-Length of %s bytes) is over the "
                      "LimitRequestBody of %" APR_OFF_T_FMT " bytes: 413 before the application runs",
                      r->uri, length ? length : "?", ap_get_limit_req_body(r));
    }
    return status;
}

long jvm_request_body_read(jvm_response *resp, char *buf, apr_size_t n)
{
    request_rec *r = resp->r;
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_status_t rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ, (apr_off_t)n);
    apr_size_t got = n;
    const char *why = NULL;
    if (rv == APR_SUCCESS && APR_BRIGADE_EMPTY(bb)) {
        rv = APR_EGENERAL;
    }
    if (rv != APR_SUCCESS) {
        if (APR_STATUS_IS_TIMEUP(rv)) {
            why = apr_psprintf(r->pool, "the client sent nothing for Timeout (%" APR_TIME_T_FMT " s)",
                               apr_time_sec(r->server->timeout));
            resp->body_status = HTTP_REQUEST_TIME_OUT;
        } else if (rv == AP_FILTER_ERROR || rv == APR_ENOSPC || rv == APR_EINVAL) {
            why = "Apache refused the body (over LimitRequestBody, or malformed chunks: see the line above)";
            resp->body_status = rv == APR_EINVAL ? HTTP_BAD_REQUEST : HTTP_REQUEST_ENTITY_TOO_LARGE;
        } else if (APR_STATUS_IS_EOF(rv) || APR_STATUS_IS_ECONNRESET(rv) || APR_STATUS_IS_ECONNABORTED(rv)
                   || APR_STATUS_IS_EPIPE(rv)) {
            why = "the client went away (disconnected before sending all of it)";
        } else {
            why = apr_psprintf(r->pool, "read error %d", rv);
        }
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, JVM00037 "reading the request body of %s failed: %s",
                      r->uri, why);
        r->connection->keepalive = AP_CONN_CLOSE;
        apr_brigade_destroy(bb);
        return -1;
    }
    if (APR_BUCKET_IS_EOS(APR_BRIGADE_LAST(bb))) {
        r->remaining = r->read_chunked ? -1 : 0;
    }
    if (apr_brigade_flatten(bb, buf, &got) != APR_SUCCESS) {
        apr_brigade_destroy(bb);
        return -1;
    }
    r->read_length += (apr_off_t)got;
    apr_brigade_destroy(bb);
    return (long)got;
}

/* Ends a response whose head was sent but whose body cannot be completed: the client must
 * see a broken response (no last chunk, connection closed), never a short "complete" one. */
static void abort_response(jvm_response *resp)
{
    request_rec *r = resp->r;
    conn_rec *c = r->connection;
    if (!resp->bb) {
        resp->bb = apr_brigade_create(r->pool, c->bucket_alloc);
    }
    APR_BRIGADE_INSERT_TAIL(resp->bb, ap_bucket_error_create(HTTP_BAD_GATEWAY, NULL, r->pool, c->bucket_alloc));
    APR_BRIGADE_INSERT_TAIL(resp->bb, apr_bucket_eos_create(c->bucket_alloc));
    ap_pass_brigade(r->output_filters, resp->bb);
    c->keepalive = AP_CONN_CLOSE;
}

int jvm_response_finish(jvm_response *resp, int result)
{
    request_rec *r = resp->r;
    if (result <= 0 && !resp->head_sent && !resp->head_invalid && !resp->gone) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      JVM00036 "the application side ended the request for %s without a response", r->filename);
        result = HTTP_INTERNAL_SERVER_ERROR;
    }
    if (result > 0 || resp->head_invalid) {
        if (resp->head_sent && resp->sent > 0) {
            abort_response(resp);
            return OK;
        }
        apr_table_clear(r->headers_out);
        if (result == HTTP_INTERNAL_SERVER_ERROR && resp->body_status) {
            return resp->body_status; /* the application failed because the body was refused */
        }
        return result > 0 ? result : HTTP_INTERNAL_SERVER_ERROR;
    }
    if (resp->gone || r->connection->aborted) {
        return OK;
    }
    if (result < 0) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      JVM00034 "response from %s aborted after %" APR_OFF_T_FMT " body bytes", r->filename, resp->sent);
        abort_response(resp);
        return OK;
    }
    if (resp->expected >= 0 && resp->sent < resp->expected && !r->header_only) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      JVM00033 "the application %s sent %" APR_OFF_T_FMT " bytes but its Content-Length "
                      "is %" APR_OFF_T_FMT ": connection closed", r->filename, resp->sent, resp->expected);
        abort_response(resp);
        return OK;
    }
    if (!resp->bb) {
        resp->bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    }
    APR_BRIGADE_INSERT_TAIL(resp->bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    ap_pass_brigade(r->output_filters, resp->bb);
    return OK;
}
