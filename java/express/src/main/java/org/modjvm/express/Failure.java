package org.modjvm.express;

/** A one-line error for the user: {@code mod_jvm-express: error: <message>}, then exit with {@link #code}. */
final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The command line itself is wrong: unknown option, missing or malformed value. */
    static final int USAGE = 2;
    /** The command line is well formed but cannot work here: missing file, port in use, no Apache… */
    static final int PROBLEM = 1;

    final int code;

    Failure(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    static Failure usage(String message) {
        return new Failure(USAGE, message);
    }

    static Failure problem(String message) {
        return new Failure(PROBLEM, message);
    }
}
