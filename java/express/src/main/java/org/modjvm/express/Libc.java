package org.modjvm.express;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The account look-ups of libc — {@code getpwnam_r}, {@code getpwuid_r}, {@code getgrnam_r},
 * {@code getgrgid_r}, {@code getgrouplist} — through JNA direct mapping, so that users and groups
 * come from NSS as Apache sees them (LDAP, sssd, extra databases), not from /etc/passwd alone.
 * Only {@link Sys} uses this class: start-server/setup-server started as root (loading JNA takes
 * about 0.2 s, so a command started as another user looks nothing up unless a message names
 * another user), never the other commands. The launcher puts jna.jar on the class path and points JNA at the
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

    private static void requireUsable(String what) {
        if (PROBLEM != null) {
            throw Sys.jnaUnusable(what, PROBLEM);
        }
    }

    /** The four look-ups, by name or id in the user or the group database. */
    private static final int PWNAM = 0;
    private static final int PWUID = 1;
    private static final int GRNAM = 2;
    private static final int GRGID = 3;

    /**
     * Runs one {@code get*_r} look-up with a buffer grown until the entry fits; the entry
     * ({@code struct passwd} or {@code struct group}) at the start of a block that also holds the
     * strings it points to, so that they live as long as the block is read; {@code null} when there
     * is no such entry (0 with a NULL result, or one of the errno values the manual page lists for
     * "not found"). No lambdas here: their bootstrap would slow every start-server down.
     */
    private static Pointer lookUp(int kind, String what, byte[] name, int id) {
        requireUsable(what);
        int entrySize = kind == PWNAM || kind == PWUID ? PASSWD_SIZE : GROUP_SIZE;
        Memory result = new Memory(Native.POINTER_SIZE);
        long size = 1024;
        while (true) {
            Memory block = new Memory(entrySize + size);
            Pointer buffer = block.share(entrySize, size);
            result.setPointer(0, null);
            int rc = switch (kind) {
                case PWNAM -> getpwnam_r(name, block, buffer, size, result);
                case PWUID -> getpwuid_r(id, block, buffer, size, result);
                case GRNAM -> getgrnam_r(name, block, buffer, size, result);
                default -> getgrgid_r(id, block, buffer, size, result);
            };
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
            return rc != 0 || result.getPointer(0) == null ? null : block;
        }
    }

    private static String string(Pointer entry, int offset) {
        Pointer p = entry.getPointer(offset);
        return p == null ? "" : p.getString(0, StandardCharsets.UTF_8.name());
    }

    private static Passwd readPasswd(Pointer pw) {
        return pw == null ? null : new Passwd(string(pw, 0), pw.getInt(PW_UID), pw.getInt(PW_GID), string(pw, PW_DIR));
    }

    private static Group readGroup(Pointer gr) {
        return gr == null ? null : new Group(string(gr, 0), gr.getInt(GR_GID));
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, b.length + 1);
    }

    /** The user called {@code name}, or null. */
    static Passwd user(String name) {
        return readPasswd(lookUp(PWNAM, "user " + name, cString(name), 0));
    }

    /** The user of uid {@code uid} (a C uid_t: unsigned), or null. */
    static Passwd user(int uid) {
        return readPasswd(lookUp(PWUID, "uid " + Integer.toUnsignedString(uid), null, uid));
    }

    /** The group called {@code name}, or null. */
    static Group group(String name) {
        return readGroup(lookUp(GRNAM, "group " + name, cString(name), 0));
    }

    /** The group of gid {@code gid} (a C gid_t: unsigned), or null. */
    static Group group(int gid) {
        return readGroup(lookUp(GRGID, "gid " + Integer.toUnsignedString(gid), null, gid));
    }

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
