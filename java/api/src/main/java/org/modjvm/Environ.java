package org.modjvm;

/**
 * Keys of the environ map that are not CGI variables. CGI variables (REQUEST_METHOD,
 * SCRIPT_NAME, PATH_INFO, HTTP_* …) are {@code String}s decoded as ISO-8859-1, so
 * {@code s.getBytes(StandardCharsets.ISO_8859_1)} gives the bytes Apache saw.
 */
public final class Environ {
    private Environ() {
    }

    /** {@code java.util.List<Integer>}: the contract version, {@code [1, 0]}. */
    public static final String VERSION = "jvm.version";
    /** {@code String}: {@code "http"} or {@code "https"}. */
    public static final String URL_SCHEME = "jvm.url_scheme";
    /** {@code java.io.InputStream}: the request body, dechunked; ends at the end of the body. */
    public static final String INPUT = "jvm.input";
    /** {@code Boolean}: true — {@link #INPUT} signals the end of the body, even for chunked requests. */
    public static final String INPUT_TERMINATED = "jvm.input_terminated";
    /** {@code java.io.PrintStream}: each line written goes to Apache's error log. */
    public static final String ERRORS = "jvm.errors";
    /** {@code Boolean}: other threads of this process may run the application at the same time. */
    public static final String MULTITHREAD = "jvm.multithread";
    /** {@code Boolean}: other processes may run the same application. */
    public static final String MULTIPROCESS = "jvm.multiprocess";
    /** {@code Boolean}: false — the process serves many requests. */
    public static final String RUN_ONCE = "jvm.run_once";
    /** {@link FileWrapper}. */
    public static final String FILE_WRAPPER = "jvm.file_wrapper";

    /** {@code String}: the daemon process group, {@code ""} in embedded mode. */
    public static final String PROCESS_GROUP = "mod_jvm.process_group";
    /** {@code String}: the application group (class-loader space) the application runs in. */
    public static final String APPLICATION_GROUP = "mod_jvm.application_group";
    /** {@code String}: the name of the callable ({@code application} unless configured). */
    public static final String CALLABLE_OBJECT = "mod_jvm.callable_object";
    /** {@code String}: an identifier of this request, unique in the server's lifetime. */
    public static final String REQUEST_ID = "mod_jvm.request_id";
    /** {@code String}: the number of the server thread running the request. */
    public static final String THREAD_ID = "mod_jvm.thread_id";
    /** {@code String}: when Apache read the request line, in microseconds since the epoch. */
    public static final String REQUEST_START = "mod_jvm.request_start";
}
