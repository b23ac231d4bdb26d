package org.modjvm.runtime.apps;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The few libc calls Java has no equivalent for — open a file relative to a directory without
 * following a symlink, {@code fstat} the open descriptor, read the link a descriptor stands for —
 * through JNA direct mapping (docs/internals.md, "Owner-checked script reads"). Used only by
 * {@link OwnedFileReader}, so that nothing else in the runtime loads JNA. Linux on 64-bit
 * x86, ARM and RISC-V (the {@code O_*} values and {@code errno} numbers below are theirs).
 *
 * <p>Paths are NUL-terminated bytes. Every call's result is checked; a failure is a
 * {@link NativeError} carrying {@code errno}.
 */
public final class NativeFiles {
    static final int AT_FDCWD = -100;
    static final int O_RDONLY = 0;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;
    static final int O_NOFOLLOW;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;

    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EACCES = 13;
    static final int ENOTDIR = 20;
    static final int ENAMETOOLONG = 36;
    static final int ELOOP = 40;

    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;

    /** statx: type and mode, uid, gid, size (struct statx has the same layout on every architecture). */
    private static final int STATX_MASK = 0x1 | 0x2 | 0x8 | 0x10 | 0x200;
    private static final int STATX_SIZE_OF = 256;
    /** A symlink's target longer than this is refused (PATH_MAX). */
    private static final int LINK_MAX = 4096;
    private static final byte[] EMPTY = {0};

    /** Why the calls cannot be made here ({@code null}: they can). */
    private static final String PROBLEM;

    static {
        String problem = null;
        int nofollow = 0;
        try {
            switch (Platform.ARCH) {
                case "x86-64", "riscv64" -> nofollow = 0400000;
                case "aarch64" -> nofollow = 0100000;
                default -> problem = "unsupported architecture " + Platform.ARCH + " (x86-64, aarch64 and riscv64 are)";
            }
            if (problem == null && !Platform.isLinux()) {
                problem = "not Linux";
            }
            if (problem == null) {
                // libc's symbols, from the process (java is linked against libc: no file to look for)
                Native.register(NativeFiles.class, NativeLibrary.getProcess());
            }
        } catch (Throwable e) {
            // JNA's native part missing or of another version (UnsatisfiedLinkError, Error), jna.jar absent …
            problem = "JNA cannot be used: " + e;
        }
        O_NOFOLLOW = nofollow;
        PROBLEM = problem;
    }

    private NativeFiles() {
    }

    /** {@code null} if the calls work here, else why not (JNA's native part missing, another architecture …). */
    static String problem() {
        return PROBLEM;
    }

    /** Where JNA loaded its native part from (for the start-up line). */
    public static String dispatchLibrary() {
        return System.getProperty("jnidispatch.path", "?");
    }

    /** A failed call: which, and {@code errno}. */
    static final class NativeError extends Exception {
        private static final long serialVersionUID = 1L;
        final int errno;

        NativeError(String call, int errno) {
            super(call + ": " + describe(errno), null, false, false);
            this.errno = errno;
        }
    }

    /** What {@code fstat} says of an open descriptor. */
    record Stat(int mode, int uid, int gid, long size) {
        boolean regular() {
            return (mode & S_IFMT) == S_IFREG;
        }

        boolean directory() {
            return (mode & S_IFMT) == S_IFDIR;
        }

        boolean symlink() {
            return (mode & S_IFMT) == S_IFLNK;
        }

        String type() {
            return switch (mode & S_IFMT) {
                case S_IFREG -> "a regular file";
                case S_IFDIR -> "a directory";
                case S_IFLNK -> "a symbolic link";
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a file of type " + Integer.toOctalString(mode & S_IFMT);
            };
        }
    }

    private static native int openat(int dirfd, byte[] path, int flags) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

    private static native long readlinkat(int dirfd, byte[] path, byte[] buffer, long size) throws LastErrorException;

    private static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] buffer) throws LastErrorException;

    /** openat(2); {@code name} is one path component (or "/"), without its NUL. */
    static int open(int dirfd, byte[] name, int flags) throws NativeError {
        byte[] path = Arrays.copyOf(name, name.length + 1);
        while (true) {
            int fd;
            try {
                fd = openat(dirfd, path, flags | O_CLOEXEC);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINTR) {
                    continue;
                }
                throw new NativeError("open", e.getErrorCode());
            }
            if (fd < 0) {
                throw new NativeError("open", 0);
            }
            return fd;
        }
    }

    /** close(2) of a descriptor only read from: a failure loses nothing, so it is not reported. */
    static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            close(fd);
        } catch (LastErrorException e) {
            // EINTR or EIO on a read-only descriptor: it is released either way (Linux)
        }
    }

    /** fstat of an open descriptor ({@code statx} with {@code AT_EMPTY_PATH}: the same, with a fixed layout). */
    static Stat fstat(int fd) throws NativeError {
        byte[] buffer = new byte[STATX_SIZE_OF];
        int rc;
        try {
            rc = statx(fd, EMPTY, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MASK, buffer);
        } catch (LastErrorException e) {
            throw new NativeError("fstat", e.getErrorCode());
        }
        if (rc != 0) {
            throw new NativeError("fstat", 0);
        }
        ByteBuffer b = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder());
        int got = b.getInt(0);
        if ((got & STATX_MASK) != STATX_MASK) {
            throw new NativeError("fstat (the file system did not give type, owner and size: mask "
                    + Integer.toHexString(got) + ")", 0);
        }
        return new Stat(b.getShort(28) & 0xFFFF, b.getInt(20), b.getInt(24), b.getLong(40));
    }

    /** The target of the symlink {@code fd} (opened with {@code O_PATH | O_NOFOLLOW}) stands for. */
    static byte[] readLink(int fd) throws NativeError {
        byte[] buffer = new byte[LINK_MAX];
        long n;
        try {
            n = readlinkat(fd, EMPTY, buffer, buffer.length);
        } catch (LastErrorException e) {
            throw new NativeError("readlink", e.getErrorCode());
        }
        if (n < 0) {
            throw new NativeError("readlink", 0);
        }
        if (n >= buffer.length) {
            throw new NativeError("readlink", ENAMETOOLONG);
        }
        return Arrays.copyOf(buffer, (int) n);
    }

    /** Everything {@code fd} has to read, to its end. */
    static byte[] readAll(int fd, long sizeHint) throws NativeError {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, Math.min(sizeHint, 1 << 20)));
        byte[] chunk = new byte[65536];
        while (true) {
            long n;
            try {
                n = read(fd, chunk, chunk.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINTR) {
                    continue;
                }
                throw new NativeError("read", e.getErrorCode());
            }
            if (n < 0 || n > chunk.length) {
                throw new NativeError("read", 0);
            }
            if (n == 0) {
                return out.toByteArray();
            }
            if (out.size() > Integer.MAX_VALUE - 16 - n) {
                throw new NativeError("read (larger than 2 GB)", 0);
            }
            out.write(chunk, 0, (int) n);
        }
    }

    static String describe(int errno) {
        return switch (errno) {
            case 0 -> "failed (no errno)";
            case ENOENT -> "No such file or directory";
            case EACCES -> "Permission denied";
            case ENOTDIR -> "Not a directory";
            case ENAMETOOLONG -> "File name too long";
            case ELOOP -> "Too many levels of symbolic links";
            default -> "errno " + errno;
        };
    }
}
