package org.modjvm.runtime.wire;

import java.util.HashMap;

/** A decoded request frame: the script's stat as C saw it and the environ strings. */
public record RequestFrame(int flags, long scriptMtime, long scriptSize, HashMap<String, Object> environ) {
    public boolean reloading() {
        return (flags & Frames.FLAG_RELOADING) != 0;
    }

    public boolean hasBody() {
        return (flags & Frames.FLAG_HAS_BODY) != 0;
    }

    public boolean headerOnly() {
        return (flags & Frames.FLAG_HEADER_ONLY) != 0;
    }

    public boolean webApplication() {
        return (flags & Frames.FLAG_WEB_APPLICATION) != 0;
    }
}
