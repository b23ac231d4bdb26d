package org.modjvm.express;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The account look-ups of libc — {@code getpwnam_r}, {@code getpwuid_r}, {@code getgrnam_r},
 * {@code getgrgid_r}, {@code getgrouplist} — through JNA direct mapping, so that users and groups
 * come from NSS as Apache sees them (LDAP, sssd, extra databases), not from /etc/passwd alone.
 * Only {@link Sys} uses this class, and only for start-server/setup-server: the other commands
 * never load JNA. The launcher puts jna.jar on the class path and points JNA at the
 * libjnidispatch.so beside it (scripts/mod_jvm-express).
 *
 * <p>Linux with LP64 ({@code struct passwd} and {@code struct group} offsets below are those of
 * glibc and musl on 64-bit machines). Every result is checked; a failed look-up is a
 * {@link Failure}, a name or id that does not exist is {@code null}.
 */
final class Libc {
    /** struct passwd: pw_name, pw_passwd, pw_uid, pw_gid, pw_gecos, pw_dir, pw_shell. */
    private static final int PASSWD_SIZE = 48;
    private static final int PW_UID = 16;
    private static final int PW_GID = 20;
    private static final int PW_DIR = 32;
    /** struct group: gr_name, gr_passwd, gr_gid, gr_mem. */
    private static final int GROUP_SIZE = 32;
    private static final int GR_GID = 16;

    private static final int EINTR = 4;
    private static final int EIO = 5;
    private static final int ENOMEM = 12;
    private static final int ENFILE = 23;
    private static final int EMFILE = 24;
    private static final int ERANGE = 34;
    /** A database entry larger than this is refused rather than read (a group of many thousand members). */
    private static final long BUFFER_MAX = 1 << 24;
    /** More supplementary groups than Linux allows (NGROUPS_MAX is 65536). */
    private static final int GROUPS_MAX = 1 << 17;

    /** Why the calls cannot be made here ({@code null}: they can). */
    private static final String PROBLEM;

    static {
        String problem = null;
        try {
            if (!Platform.isLinux() || Native.POINTER_SIZE != 8) {
                problem = "not 64-bit Linux";
            } else {
                // libc's symbols, from the process (java is linked against libc: no file to look for)
                Native.register(Libc.class, NativeLibrary.getProcess());
            }
        } catch (Throwable e) {
            // JNA's native part missing or of another version (UnsatisfiedLinkError, Error)
            problem = e.toString();
        }
        PROBLEM = problem;
    }

    private Libc() {
    }

    /** An entry of the user database. */
    record Passwd(String name, int uid, int gid, String home) {
    }

    /** An entry of the group database. */
    record Group(String name, int gid) {
    }

    private static native int getpwnam_r(byte[] name, Pointer pwd, Pointer buf, long buflen, Pointer result);

    private static native int getpwuid_r(int uid, Pointer pwd, Pointer buf, long buflen, Pointer result);

    private static native int getgrnam_r(byte[] name, Pointer grp, Pointer buf, long buflen, Pointer result);

    private static native int getgrgid_r(int gid, Pointer grp, Pointer buf, long buflen, Pointer result);

    private static native int getgrouplist(byte[] user, int group, int[] groups, int[] ngroups);

    /** One reentrant look-up: fills {@code entry}, with its strings in {@code buffer}; returns 0 or an errno. */
    private interface Call {
        int call(Pointer entry, Pointer buffer, long size, Pointer result);
    }

    private static void requireUsable(String what) {
        if (PROBLEM != null) {
            throw Sys.jnaUnusable(what, PROBLEM);
        }
    }

    /**
     * Runs a {@code get*_r} call with a buffer grown until the entry fits, and reads the entry
     * with {@code read}; {@code null} when there is no such entry (0 with a NULL result, or one of
     * the errno values the manual page lists for "not found").
     */
    private static <T> T lookUp(String what, int entrySize, Call c, Function<Pointer, T> read) {
        requireUsable(what);
        Memory entry = new Memory(entrySize);
        Memory result = new Memory(Native.POINTER_SIZE);
        long size = 1024;
        while (true) {
            Memory buffer = new Memory(size);
            result.setPointer(0, null);
            int rc = c.call(entry, buffer, size, result);
            if (rc == EINTR) {
                continue;
            }
            if (rc == ERANGE && size < BUFFER_MAX) {
                size *= 2;
                continue;
            }
            if (rc == EIO || rc == ENOMEM || rc == ENFILE || rc == EMFILE || rc == ERANGE) {
                throw Failure.problem("cannot look up " + what + " (errno " + rc + ")");
            }
            if (rc != 0 || result.getPointer(0) == null) {
                return null;
            }
            try {
                return read.apply(entry);
            } finally {
                // the entry's strings point into buffer: it must outlive their reading
                Reference.reachabilityFence(buffer);
            }
        }
    }

    private static String string(Pointer entry, int offset) {
        Pointer p = entry.getPointer(offset);
        return p == null ? "" : p.getString(0, StandardCharsets.UTF_8.name());
    }

    private static Passwd readPasswd(Pointer pw) {
        return new Passwd(string(pw, 0), pw.getInt(PW_UID), pw.getInt(PW_GID), string(pw, PW_DIR));
    }

    private static Group readGroup(Pointer gr) {
        return new Group(string(gr, 0), gr.getInt(GR_GID));
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, b.length + 1);
    }

    /** A reentrant look-up by name: {@code getpwnam_r}, {@code getgrnam_r}. */
    private interface ByName {
        int call(byte[] name, Pointer entry, Pointer buffer, long size, Pointer result);
    }

    /** A reentrant look-up by id: {@code getpwuid_r}, {@code getgrgid_r}. */
    private interface ById {
        int call(int id, Pointer entry, Pointer buffer, long size, Pointer result);
    }

    /** The user or the group database: its two look-ups, the size of its struct and how one is read. */
    static final class Database<T> {
        private final String entry;
        private final String id;
        private final int size;
        private final ByName byName;
        private final ById byId;
        private final Function<Pointer, T> read;

        private Database(String entry, String id, int size, ByName byName, ById byId, Function<Pointer, T> read) {
            this.entry = entry;
            this.id = id;
            this.size = size;
            this.byName = byName;
            this.byId = byId;
            this.read = read;
        }

        /** The entry called {@code name}, or null. */
        T byName(String name) {
            byte[] n = cString(name);
            return lookUp(entry + " " + name, size, (e, b, s, r) -> byName.call(n, e, b, s, r), read);
        }

        /** The entry of id {@code value} (a C uid_t/gid_t: unsigned), or null. */
        T byId(int value) {
            return lookUp(id + " " + Integer.toUnsignedString(value), size, (e, b, s, r) -> byId.call(value, e, b, s, r),
                    read);
        }
    }

    static final Database<Passwd> USERS =
            new Database<>("user", "uid", PASSWD_SIZE, Libc::getpwnam_r, Libc::getpwuid_r, Libc::readPasswd);
    static final Database<Group> GROUPS =
            new Database<>("group", "gid", GROUP_SIZE, Libc::getgrnam_r, Libc::getgrgid_r, Libc::readGroup);

    /**
     * The groups {@code initgroups(user, group)} gives a process, as {@code getgrouplist} lists
     * them: {@code group} first, then every group the group database lists {@code user} in
     * (NSS's initgroups back-ends leave {@code group} out of those).
     */
    static int[] groupList(String user, int group) {
        requireUsable("the groups of user " + user);
        byte[] n = cString(user);
        int size = 32;
        while (size <= GROUPS_MAX) {
            int[] groups = new int[size];
            int[] count = {size};
            if (getgrouplist(n, group, groups, count) >= 0) {
                return Arrays.copyOf(groups, Math.max(0, Math.min(count[0], size)));
            }
            // too few places: count says how many are needed (glibc); at least twice as many
            size = Math.max(count[0], size * 2);
        }
        throw Failure.problem("cannot list the groups of user " + user + ": more than " + GROUPS_MAX);
    }
}
