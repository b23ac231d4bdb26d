package org.modjvm.runtime.apps;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;

/**
 * A jar resource served from bytes in memory — the snapshot whose owner was checked — never
 * from the file on disk ({@link JarReader}). Its URL reads {@code modjvm-snapshot:/path/app.jar!/name}.
 */
final class SnapshotResource extends URLStreamHandler {
    static final String PROTOCOL = "modjvm-snapshot";

    private final byte[] bytes;

    private SnapshotResource(byte[] bytes) {
        this.bytes = bytes;
    }

    static URL url(String file, byte[] bytes) throws MalformedURLException {
        return new URL(PROTOCOL, "", -1, file, new SnapshotResource(bytes));
    }

    @Override
    protected URLConnection openConnection(URL url) {
        return new URLConnection(url) {
            @Override
            public void connect() {
                connected = true;
            }

            @Override
            public InputStream getInputStream() {
                connected = true;
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long getContentLengthLong() {
                return bytes.length;
            }

            @Override
            public String getContentType() {
                return guessContentTypeFromName(url.getFile());
            }
        };
    }
}
