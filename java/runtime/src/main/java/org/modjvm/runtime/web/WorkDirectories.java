package org.modjvm.runtime.web;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * The servlet engine's work directory (unpacked WARs, compiled JSPs): one per process,
 * {@code <base>/<pid>}, where the base is {@code web/} in the JVM's compiled-class cache
 * directory (a daemon group's cache, private to its user) or, without one,
 * {@code mod_jvm-web-<uid>} in {@code java.io.tmpdir}. The base and everything in it are the
 * process user's only (0700), like the compiled-class cache: nobody else can read an unpacked
 * application or plant a class in it. A process's directory is removed when it stops, and
 * those of processes that are gone are removed when the next one starts.
 */
public final class WorkDirectories {
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private WorkDirectories() {
    }

    static Path forThisProcess(RuntimeConfig config, Log log) throws IOException {
        Path base = config.cacheDirectory() != null ? config.cacheDirectory().resolve("web")
                : Path.of(System.getProperty("java.io.tmpdir"), "mod_jvm-web-" + (config.uid() >= 0 ? config.uid()
                        : System.getProperty("user.name")));
        if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(base, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process of the group made it at the same time
            }
        }
        checkPrivate(base, config.uid());
        removeThoseOfGoneProcesses(base, log);
        Path mine = base.resolve(Long.toString(ProcessHandle.current().pid()));
        if (Files.exists(mine, LinkOption.NOFOLLOW_LINKS)) {
            removeTree(mine); // a process of the same pid that is gone
        }
        Files.createDirectory(mine, PosixFilePermissions.asFileAttribute(PRIVATE));
        return mine;
    }

    /** Removes the work directory of this process (its WARs' unpacked copies and compiled JSPs). */
    static void remove(Path directory) {
        try {
            removeTree(directory);
        } catch (IOException ignored) {
            // the next process of the group removes it
        }
    }

    private static void checkPrivate(Path base, int uid) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(base, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object owner = Files.getAttribute(base, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IOException(base + " is not a directory");
        }
        if (uid >= 0 && owner instanceof Integer && (Integer) owner != uid) {
            throw new IOException(base + " is owned by uid " + owner + ", not by this process's user (uid " + uid
                    + "): refusing to unpack web applications where another user can change them");
        }
        if (!attributes.permissions().equals(PRIVATE)) {
            Files.setPosixFilePermissions(base, PRIVATE);
        }
    }

    private static void removeThoseOfGoneProcesses(Path base, Log log) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(base)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || name.isEmpty() || name.length() > 10) {
                    continue;
                }
                if (ProcessHandle.of(Long.parseLong(name)).isEmpty()) {
                    removeTree(entry);
                }
            }
        } catch (IOException e) {
            log.log(Message.JVM01402, "cannot remove the servlet work directories of processes that are gone"
                    + " from " + base + ": " + e);
        }
    }

    /** Removes {@code root} and everything below it (links are removed, not followed); nothing if it is not there. */
    public static void removeTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
