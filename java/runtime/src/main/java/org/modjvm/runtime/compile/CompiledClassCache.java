package org.modjvm.runtime.compile;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * Compiled scripts on disk, so that a process (every Apache child, every daemon) loads a
 * script without loading javac: {@code <directory>/<key>.jar}, key = SHA-256 of the source,
 * the JVM's feature version and the runtime's version (a new JDK or runtime recompiles).
 *
 * <p>Whoever can write this directory can run code in the server, so it is only used when it
 * is owned by the process's uid and not writable by group or others; otherwise a warning is
 * logged once and scripts are compiled in memory. Entries are written to a temporary file
 * (mode 0600) in the same directory and renamed, so readers never see half a file.
 *
 * <p>Versions no longer used are pruned, so that a script edited all day does not leave one
 * entry per save: each write also records, in {@code .<sha256 of the script's path>.script},
 * the key just stored for that script, and removes the entry the record named before unless
 * another script's record names it too. Processes share the directory, so this must only ever
 * cost a compile, never a wrong class: a process still running the old version has its classes
 * in memory already; one that reads the old source later misses, compiles it again and stores
 * it (removing the newer entry in turn, which the next reader of the new source compiles
 * again). Writes happen under the directory's compile lock, so two writers do not interleave
 * their records. Entries that no record names (written before records existed, or for a
 * source shared by several paths) and records of scripts that no longer exist are removed
 * once older than {@link #UNUSED_AGE_MILLIS}, by the sweep that runs with each compile.
 */
public final class CompiledClassCache {
    /** This JVM's compile lock of each directory (an fcntl lock does not exclude threads of its own process). */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private final Path directory;
    private final int uid;
    private final AtomicBoolean warned = new AtomicBoolean();

    public CompiledClassCache(Path directory, int uid) {
        this.directory = directory;
        this.uid = uid;
    }

    public Path directory() {
        return directory;
    }

    int uid() {
        return uid;
    }

    /** @return the cached classes of {@code key}, or {@code null} (miss, unsafe directory, unreadable entry) */
    public Map<String, byte[]> read(String key, Log log) {
        if (!safe(log)) {
            return null;
        }
        Path file = CacheKey.entry(directory, key);
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            String problem = problemWith(file, false);
            if (problem != null) {
                log.log(Message.JVM01232, "ignoring cached classes " + file + ": " + problem);
                return null;
            }
            return unzip(Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            log.log(Message.JVM01232, "ignoring unreadable cached classes " + file + ": " + e);
            return null;
        }
    }

    /**
     * Stores {@code classes} under {@code key}, as the current version of {@code script} (the
     * version it replaces is removed: see the class comment); failures only cost a recompile
     * later, so they are logged and ignored.
     *
     * @param script the script's path, or {@code null} to store without recording a version
     * @return whether the entry was written
     */
    public boolean write(String key, Map<String, byte[]> classes, Path script, Log log) {
        boolean written = write(key, classes, log);
        if (written && script != null) {
            retirePreviousVersion(key, script, log);
        }
        return written;
    }

    private boolean write(String key, Map<String, byte[]> classes, Log log) {
        if (!safe(log)) {
            return false;
        }
        Path target = CacheKey.entry(directory, key);
        Path temporary = null;
        try {
            temporary = Files.createTempFile(directory, "." + key + "-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(temporary); ZipOutputStream zip = new ZipOutputStream(out)) {
                for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
                    zip.putNextEntry(new ZipEntry(entry.getKey().replace('.', '/') + ".class"));
                    zip.write(entry.getValue());
                    zip.closeEntry();
                }
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
            return true;
        } catch (IOException | RuntimeException e) {
            log.log(Message.JVM01231, "cannot write compiled classes to the cache " + target + ": " + e);
            return false;
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless: its name never matches a key
                }
            }
        }
    }

    /**
     * Writes a source to compile to a temporary file (mode 0600) in the directory, for a compiler
     * process: it then compiles exactly the bytes this process hashed. The caller deletes it.
     */
    Path writeSource(String key, byte[] source) throws IOException {
        Path file = Files.createTempFile(directory, "." + key + "-", ".src",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(file, source);
            return file;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Takes the directory's compile lock: one compile at a time among all the threads and
     * processes sharing the directory, so a burst of first requests (every Apache child at
     * once) compiles a new script once and the others read the entry. An exclusive
     * {@code fcntl} lock on {@code .compile.lock} (released by the kernel if the holder dies)
     * inside a lock per directory for this JVM (file locks are per process). An interrupt does
     * not end the wait early.
     *
     * @return the lock to close, or {@code null} when another thread or process held it for {@code timeoutMillis}
     */
    Closeable lockForCompile(long timeoutMillis) {
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(directory.toAbsolutePath().normalize(), d -> new ReentrantLock());
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        if (!Uninterruptibly.tryLock(local, timeoutMillis)) {
            return null;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(directory.resolve(CacheKey.LOCK_FILE), Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException | RuntimeException e) {
            return local::unlock; // no lock file (a read-only directory…): this JVM's lock only
        }
        boolean handedOver = false;
        try {
            while (true) {
                if (channel.tryLock() != null) {
                    handedOver = true;
                    removeLeftovers();
                    removeUnused();
                    return () -> {
                        try {
                            channel.close(); // releases the file lock
                        } finally {
                            local.unlock();
                        }
                    };
                }
                if (System.nanoTime() - deadline >= 0) {
                    return null;
                }
                Uninterruptibly.sleep(20);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            handedOver = true;
            return local::unlock; // file locks unsupported here: this JVM's lock only
        } finally {
            if (!handedOver) {
                closeQuietly(channel);
                local.unlock();
            }
        }
    }

    /** Temporary files older than this are leftovers of a process that died while compiling or writing. */
    static final long LEFTOVER_AGE_MILLIS = 10 * 60 * 1000L;

    /**
     * Removes the {@code .src} and {@code .tmp} files of processes that died between creating and
     * deleting them (they are harmless, their names never match a key, but they would pile up).
     * Called under the compile lock, so no compile of this directory is running; a write of an
     * entry outside it is younger than {@link #LEFTOVER_AGE_MILLIS}.
     */
    void removeLeftovers() {
        long before = System.currentTimeMillis() - LEFTOVER_AGE_MILLIS;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, ".*-*.{src,tmp}")) {
            for (Path file : files) {
                try {
                    if (Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis() < before) {
                        Files.deleteIfExists(file);
                    }
                } catch (IOException ignored) {
                    // gone already, or not ours to remove: left alone
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // an unreadable directory: the leftovers stay, as before
        }
    }

    /** Entries no record names, and records of scripts that are gone, are removed when older than this. */
    static final long UNUSED_AGE_MILLIS = 30L * 24 * 60 * 60 * 1000;

    /** A record is a key and a path: anything larger was not written by this class. */
    private static final int MAX_RECORD_BYTES = 8192;

    /** The record of a script's current version: {@code .<hex sha256 of its path>.script}. */
    Path recordOf(Path script) {
        byte[] hash = ScriptSource.sha256(script.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        return directory.resolve("." + HexFormat.of().formatHex(hash) + ".script");
    }

    /** Records {@code key} as the current version of {@code script} and removes the entry of the one before. */
    private void retirePreviousVersion(String key, Path script, Log log) {
        Path record = recordOf(script);
        String previous = recordedKey(record);
        Path temporary = null;
        try {
            temporary = Files.createTempFile(directory, ".record-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, key + "\n" + script.toAbsolutePath().normalize() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temporary, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, record, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
        } catch (IOException | RuntimeException e) {
            return; // no record: the old entry stays until the sweep finds it unused
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // removed by the leftover sweep
                }
            }
        }
        if (previous == null || previous.equals(key) || recordedKeys().contains(previous)) {
            return;
        }
        try {
            if (Files.deleteIfExists(CacheKey.entry(directory, previous)) && log.enabled(Message.JVM01330)) {
                log.log(Message.JVM01330, "removed " + previous + ".jar from the cache " + directory
                        + ": an earlier version of " + script + ", replaced by " + key + ".jar");
            }
        } catch (IOException | RuntimeException ignored) {
            // it stays until the sweep finds it unused
        }
    }

    /** The key a record names, or {@code null} (none, unreadable, or not trustworthy). */
    private String recordedKey(Path record) {
        try {
            if (!Files.exists(record, LinkOption.NOFOLLOW_LINKS) || problemWith(record, false) != null
                    || Files.size(record) > MAX_RECORD_BYTES) {
                return null;
            }
            String text = Files.readString(record, StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            String key = newline < 0 ? text : text.substring(0, newline);
            return isKey(key) ? key : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The script path a record names, or {@code null}. */
    private String recordedScript(Path record) {
        try {
            String[] lines = Files.readString(record, StandardCharsets.UTF_8).split("\n", 3);
            return lines.length >= 2 && !lines[1].isEmpty() ? lines[1] : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The keys all records name. */
    private Set<String> recordedKeys() {
        Set<String> keys = new java.util.HashSet<>();
        try (DirectoryStream<Path> records = Files.newDirectoryStream(directory, ".*.script")) {
            for (Path record : records) {
                String key = recordedKey(record);
                if (key != null) {
                    keys.add(key);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // an unreadable directory: nothing is removed
        }
        return keys;
    }

    static boolean isKey(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes, when older than {@link #UNUSED_AGE_MILLIS}, records of scripts that no longer
     * exist and entries that no record names. Called under the compile lock.
     */
    void removeUnused() {
        long before = System.currentTimeMillis() - UNUSED_AGE_MILLIS;
        try (DirectoryStream<Path> records = Files.newDirectoryStream(directory, ".*.script")) {
            for (Path record : records) {
                String script = recordedScript(record);
                try {
                    if (script != null && Files.notExists(Path.of(script))
                            && Files.getLastModifiedTime(record, LinkOption.NOFOLLOW_LINKS).toMillis() < before) {
                        Files.deleteIfExists(record);
                    }
                } catch (IOException | RuntimeException ignored) {
                    // kept
                }
            }
        } catch (IOException | RuntimeException ignored) {
            return;
        }
        Set<String> used = recordedKeys();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.jar")) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                String key = name.substring(0, name.length() - 4);
                try {
                    if (isKey(key) && !used.contains(key)
                            && Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toMillis() < before) {
                        Files.deleteIfExists(entry);
                    }
                } catch (IOException | RuntimeException ignored) {
                    // kept
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // kept
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing is locked through it any more
        }
    }

    /** Checks the directory (each time: it may change); creates it (0700) if missing. Warns once. */
    public boolean safe(Log log) {
        String problem;
        try {
            if (!Files.exists(directory)) {
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            problem = problemWith(directory, true);
        } catch (IOException | RuntimeException e) {
            problem = "it cannot be used: " + e;
        }
        if (problem == null) {
            return true;
        }
        if (warned.compareAndSet(false, true)) {
            log.log(Message.JVM01230, "not using the compiled-class cache " + directory + ": " + problem
                    + "; scripts are compiled in memory by every process instead");
        }
        return false;
    }

    /** Why {@code path} must not be trusted, or {@code null}: it must belong to our uid and be writable by it alone. */
    private String problemWith(Path path, boolean isDirectory) throws IOException {
        Map<String, Object> attributes = isDirectory
                ? Files.readAttributes(path, "unix:uid,mode")
                : Files.readAttributes(path, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) attributes.get("uid");
        int mode = (Integer) attributes.get("mode");
        int type = mode & 0170000;
        if (isDirectory ? type != 0040000 : type != 0100000) {
            return "it is not a " + (isDirectory ? "directory" : "regular file");
        }
        if (uid < 0) {
            return "the process uid is unknown, so its owner cannot be checked";
        }
        if (owner != uid) {
            return "it is owned by uid " + owner + ", not by the server's uid " + uid;
        }
        if ((mode & 0022) != 0) {
            return "it is writable by group or others (mode " + Integer.toOctalString(mode & 07777)
                    + "): anyone who can write there could inject code";
        }
        return null;
    }

    private static Map<String, byte[]> unzip(byte[] jar) throws IOException {
        Map<String, byte[]> classes = new TreeMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (!name.endsWith(".class")) {
                    throw new IOException("unexpected entry " + name);
                }
                classes.put(name.substring(0, name.length() - 6).replace('/', '.'), zip.readAllBytes());
            }
        }
        if (classes.isEmpty()) {
            throw new IOException("no classes in it");
        }
        return classes;
    }
}
