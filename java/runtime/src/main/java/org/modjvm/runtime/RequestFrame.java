package org.modjvm.runtime;

import java.util.HashMap;

/** A decoded request frame: the script's stat as C saw it and the environ strings. */
record RequestFrame(int flags, long scriptMtime, long scriptSize, HashMap<String, Object> environ) {
    boolean reloading() {
        return (flags & Frames.FLAG_RELOADING) != 0;
    }

    boolean hasBody() {
        return (flags & Frames.FLAG_HAS_BODY) != 0;
    }

    boolean headerOnly() {
        return (flags & Frames.FLAG_HEADER_ONLY) != 0;
    }
}
