package org.modjvm.runtime.web;

import org.modjvm.runtime.core.Transport;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.wire.RequestFrame;

/**
 * One request for a web application, as the request core hands it to the {@link WebEngine}.
 *
 * @param frame       the request as Apache sent it: CGI variables (with the headers as they
 *                    arrived in {@code mod_jvm.headers}), HEAD and body flags
 * @param root        the web application: a {@code .war} file or a directory holding {@code WEB-INF/}
 * @param contextPath the mount's URL path ("" for /): the web application's context path
 * @param transport   the connection to Apache: body in, response out, confined to this thread
 * @param log         the request's log (Apache's error log, with the request's context)
 */
public record WebRequest(RequestFrame frame, String root, String contextPath, Transport transport, Log log) {
}
