package org.modjvm.servlet.internal;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notices that an exploded web application (a directory) changed what a redeploy would read:
 * {@code WEB-INF/web.xml}, a class under {@code WEB-INF/classes}, a jar under
 * {@code WEB-INF/lib}, {@code META-INF/context.xml}. (A WAR's change is noticed from the
 * modification time and size Apache sends with each request: no file is read here for it. JSPs
 * and static files are the engine's: Jasper recompiles a changed JSP, the static files are read
 * again.)
 *
 * <p>The files are looked at (one stat each) at most once a second per application, by the
 * request that finds the second passed; every other request reads a volatile field and the
 * clock. The request that checks and finds a change redeploys, so the first request that comes
 * a second or more after the last check gets the new version (in embedded mode too, where each
 * Apache child notices it for itself). A change is remembered once seen, so every caller agrees.
 * The fingerprint is taken before the engine reads the application: a file changed while it
 * deploys is noticed by the next check.
 */
final class ExplodedWatch {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** What a redeploy reads, relative to the application's directory (JSPs and static files aside). */
    private static final String[] WATCHED = {"WEB-INF/web.xml", "META-INF/context.xml", "WEB-INF/classes",
        "WEB-INF/lib"};

    private static final EnumSet<FileVisitOption> FOLLOW_LINKS = EnumSet.of(FileVisitOption.FOLLOW_LINKS);

    private final Path root;
    private final long deployed;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile long nextCheck;
    private volatile boolean changed;

    private ExplodedWatch(Path root, long deployed) {
        this.root = root;
        this.deployed = deployed;
        this.nextCheck = System.nanoTime() + INTERVAL_NANOS;
    }

    /** A watch of the directory {@code root} as it is now, or null if it is not a directory (a WAR). */
    static ExplodedWatch of(String root) {
        Path directory = Path.of(root);
        if (!Files.isDirectory(directory)) {
            return null;
        }
        return new ExplodedWatch(directory, fingerprint(directory));
    }

    /**
     * Whether what a redeploy reads changed since the application was deployed: looked at now if
     * the last look is a second old and no other thread is looking, else what the last look said.
     */
    boolean changed() {
        if (changed) {
            return true;
        }
        long now = System.nanoTime();
        if (now - nextCheck < 0 || !checking.compareAndSet(false, true)) {
            return false;
        }
        try {
            if (!changed && fingerprint(root) != deployed) {
                changed = true;
            }
            nextCheck = System.nanoTime() + INTERVAL_NANOS;
        } finally {
            checking.set(false);
        }
        return changed;
    }

    /**
     * One number for the names, sizes and modification times (to the nanosecond where the file
     * system keeps them) of the watched files: a sum of one mixed value per file, so the order
     * in which the directory lists them does not matter, and an added, removed, rewritten or
     * renamed file changes it.
     */
    static long fingerprint(Path root) {
        long[] sum = {0x9E3779B97F4A7C15L};
        for (String watched : WATCHED) {
            Path start = root.resolve(watched);
            try {
                // links followed: a jar linked into WEB-INF/lib changes when the file it names does
                Files.walkFileTree(start, FOLLOW_LINKS, Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        long h = root.relativize(file).toString().hashCode();
                        h = mix(h ^ attributes.size());
                        h = mix(h ^ attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
                        sum[0] += h;
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        // absent (a removed web.xml) or unreadable: a state of its own too
                        sum[0] += mix(root.relativize(file).toString().hashCode() ^ e.getClass().hashCode());
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                sum[0] += mix(e.toString().hashCode());
            }
        }
        return sum[0];
    }

    /** SplitMix64's finalizer: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
