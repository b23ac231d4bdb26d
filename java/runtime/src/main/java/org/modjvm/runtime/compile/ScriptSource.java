package org.modjvm.runtime.compile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.modjvm.runtime.log.Message;

/**
 * The bytes of a script as read once, with their SHA-256: everything loaded for this version
 * comes from this snapshot, so the hash always describes what runs.
 *
 * @param ownerChecked the bytes were read by {@code apps.OwnedFileReader} (script-user=/script-group=):
 *                     nothing of this version may be read from the path again (a jar's
 *                     resources are served from these bytes)
 */
public record ScriptSource(Path path, byte[] bytes, byte[] sha256, boolean jar, boolean ownerChecked) {

    public static ScriptSource read(Path path) throws ScriptLoadException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException | SecurityException e) {
            throw new ScriptLoadException(Message.JVM01210, "cannot read script " + path + ": " + e);
        }
        return new ScriptSource(path, bytes, sha256(bytes), isJar(path, bytes), false);
    }

    /** The bytes {@code apps.OwnedFileReader} read from the file at {@code path} after checking its owner. */
    public static ScriptSource ownerChecked(Path path, byte[] bytes) {
        return new ScriptSource(path, bytes, sha256(bytes), isJar(path, bytes), true);
    }

    /** A .jar by name, or anything that starts like a zip file; all else is Java source. */
    private static boolean isJar(Path path, byte[] bytes) {
        String name = String.valueOf(path.getFileName());
        if (name.regionMatches(true, name.length() - 4, ".jar", 0, 4)) {
            return true;
        }
        return bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
    }

    public static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
