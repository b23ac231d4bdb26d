package org.modjvm.runtime.apps;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.modjvm.runtime.compile.ScriptLoadException;
import org.modjvm.runtime.log.Message;

/**
 * Reads a script for a daemon group with {@code script-user=}/{@code script-group=} so that the
 * owner checked is the owner of the bytes read (issue 10, item 3): the path is walked one
 * component at a time from {@code /} with {@code openat} relative to the directory reached so
 * far, never following a symlink the walk has not looked at. A symlink anywhere in the path is
 * followed only if root, the daemon's own user or the script-user owns it (a local user who can
 * write a mounted directory cannot make one of those); the last component is opened with
 * {@code O_NOFOLLOW}, {@code fstat}ed (a regular file, owned as required) and read from that
 * same descriptor. Swapping the path while this runs can only make the read fail or read the
 * site's file: the check and the read are on one open file.
 *
 * <p>Paths are bytes: a script path from the request frame is ISO-8859-1 (one char per byte of
 * Apache's {@code r->filename}). Outcomes: the bytes; a {@link ScriptLoadException#forbidden}
 * one (403) naming the file or symlink, its owner and the required one; or a read error (500).
 */
public final class OwnedFileReader {
    /** As the kernel's own limit on symlinks followed in one path. */
    static final int MAX_SYMLINKS = 40;
    private static final byte[] ROOT = {'/'};

    private final ScriptOwner owner;
    private final int processUid;
    private final String who;

    /**
     * @param owner      what the scripts' owner must be
     * @param processUid the uid the daemon runs as (its symlinks are trusted like root's)
     * @param who        for messages: "daemon process group NAME"
     */
    public OwnedFileReader(ScriptOwner owner, int processUid, String who) {
        this.owner = owner;
        this.processUid = processUid;
        this.who = who;
    }

    /** {@code null} if scripts can be read this way here, else why not (JNA missing or unusable). */
    public static String problem() {
        try {
            return NativeFiles.problem();
        } catch (LinkageError e) {
            return "JNA cannot be used: " + e; // jna.jar not on the class path
        }
    }

    ScriptOwner owner() {
        return owner;
    }

    byte[] read(String script) throws ScriptLoadException {
        String problem = problem();
        if (problem != null) {
            throw new ScriptLoadException(Message.JVM01352, "cannot check the owner of script " + script + " (" + who
                    + " requires " + owner.describe() + "): " + problem);
        }
        if (script.isEmpty() || script.charAt(0) != '/') {
            throw new ScriptLoadException(Message.JVM01210, "cannot read script " + script + ": not an absolute path");
        }
        for (int i = 0; i < script.length(); i++) {
            if (script.charAt(i) > 0xFF || script.charAt(i) == 0) {
                throw new ScriptLoadException(Message.JVM01210, "cannot read script " + script
                        + ": the path has a character that is not a byte of a file name");
            }
        }
        Walk walk = new Walk(script);
        try {
            return walk.run();
        } catch (NativeFiles.NativeError e) {
            throw new ScriptLoadException(Message.JVM01210, "cannot read script " + script + ": " + e.getMessage()
                    + (walk.at == null ? "" : " (at " + walk.at + ")"));
        } finally {
            NativeFiles.closeQuietly(walk.dir);
        }
    }

    private boolean trustedLinkOwner(int uid) {
        return uid == 0 || uid == processUid || (owner.uid() >= 0 && uid == owner.uid());
    }

    /** One walk of one path: the directory reached (a descriptor) and what is left to walk. */
    private final class Walk {
        final String script;
        final Deque<byte[]> pending = new ArrayDeque<>();
        int dir = -1;
        /** The path of the directory reached, as walked (for messages). */
        String dirPath = "";
        /** The component being looked at (for messages). */
        String at;
        int symlinks;

        Walk(String script) {
            this.script = script;
            push(script.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Puts the components of {@code path} in front of what is left. */
        void push(byte[] path) {
            int end = path.length;
            for (int i = path.length - 1; i >= -1; i--) {
                if (i == -1 || path[i] == '/') {
                    if (end > i + 1) {
                        pending.addFirst(Arrays.copyOfRange(path, i + 1, end));
                    }
                    end = i;
                }
            }
        }

        void fromRoot() throws NativeFiles.NativeError {
            NativeFiles.closeQuietly(dir);
            dir = -1;
            dir = NativeFiles.open(NativeFiles.AT_FDCWD, ROOT, NativeFiles.O_PATH);
            dirPath = "";
        }

        byte[] run() throws NativeFiles.NativeError, ScriptLoadException {
            fromRoot();
            while (true) {
                byte[] name = pending.pollFirst();
                if (name == null) {
                    throw new ScriptLoadException(Message.JVM01210, "cannot read script " + script + ": it is a directory");
                }
                if (name.length == 1 && name[0] == '.') {
                    continue;
                }
                String text = new String(name, StandardCharsets.ISO_8859_1);
                at = dirPath + "/" + text;
                if (pending.isEmpty()) {
                    int fd;
                    try {
                        fd = NativeFiles.open(dir, name, NativeFiles.O_RDONLY | NativeFiles.O_NOFOLLOW
                                | NativeFiles.O_NONBLOCK | NativeFiles.O_NOCTTY);
                    } catch (NativeFiles.NativeError e) {
                        if (e.errno != NativeFiles.ELOOP) {
                            throw e;
                        }
                        follow(name); // O_NOFOLLOW on a symlink
                        continue;
                    }
                    try {
                        return readChecked(fd);
                    } finally {
                        NativeFiles.closeQuietly(fd);
                    }
                }
                int fd = NativeFiles.open(dir, name, NativeFiles.O_PATH | NativeFiles.O_NOFOLLOW);
                NativeFiles.Stat stat;
                try {
                    stat = NativeFiles.fstat(fd);
                } catch (NativeFiles.NativeError e) {
                    NativeFiles.closeQuietly(fd);
                    throw e;
                }
                if (stat.directory()) {
                    NativeFiles.closeQuietly(dir);
                    dir = fd;
                    dirPath = text.equals("..") ? parent(dirPath) : at;
                } else if (stat.symlink()) {
                    try {
                        followOpen(fd, stat);
                    } finally {
                        NativeFiles.closeQuietly(fd);
                    }
                } else {
                    NativeFiles.closeQuietly(fd);
                    throw new NativeFiles.NativeError("open", NativeFiles.ENOTDIR);
                }
            }
        }

        /** The last component turned out a symlink: look at it (it may have been swapped again since). */
        void follow(byte[] name) throws NativeFiles.NativeError, ScriptLoadException {
            int fd = NativeFiles.open(dir, name, NativeFiles.O_PATH | NativeFiles.O_NOFOLLOW);
            try {
                NativeFiles.Stat stat = NativeFiles.fstat(fd);
                if (stat.symlink()) {
                    followOpen(fd, stat);
                } else {
                    // replaced by something else in between: look again, counted like a symlink so
                    // that a path swapped forever cannot keep the walk going
                    countSymlink();
                    pending.addFirst(name);
                }
            } finally {
                NativeFiles.closeQuietly(fd);
            }
        }

        /** Follows the symlink open as {@code fd} (O_PATH | O_NOFOLLOW) if its owner is trusted. */
        void followOpen(int fd, NativeFiles.Stat stat) throws NativeFiles.NativeError, ScriptLoadException {
            if (!trustedLinkOwner(stat.uid())) {
                throw ScriptLoadException.forbidden(Message.JVM01346, "script " + script + ": the symbolic link " + at
                        + " is owned by uid " + stat.uid() + " gid " + stat.gid() + "; " + who + " follows only"
                        + " symbolic links of root, of its user (uid " + processUid + ")"
                        + (owner.uid() >= 0 ? " and of its script-user=" + owner.user() + " (uid " + owner.uid() + ")" : "")
                        + ": forbidden");
            }
            countSymlink();
            byte[] target = NativeFiles.readLink(fd);
            if (target.length == 0) {
                throw new NativeFiles.NativeError("readlink (empty target)", NativeFiles.ENOENT);
            }
            push(target);
            if (target[0] == '/') {
                fromRoot();
            }
        }

        void countSymlink() throws NativeFiles.NativeError {
            if (++symlinks > MAX_SYMLINKS) {
                throw new NativeFiles.NativeError("open", NativeFiles.ELOOP);
            }
        }

        byte[] readChecked(int fd) throws NativeFiles.NativeError, ScriptLoadException {
            NativeFiles.Stat stat = NativeFiles.fstat(fd);
            String reached = at.equals(script) ? "" : " (reached as " + at + ")";
            if (!stat.regular()) {
                throw ScriptLoadException.forbidden(Message.JVM01345, "script " + script + reached + " is " + stat.type()
                        + ", not a regular file; " + who + " requires " + owner.describe() + ": forbidden");
            }
            if (!owner.accepts(stat.uid(), stat.gid())) {
                throw ScriptLoadException.forbidden(Message.JVM01345, "script " + script + reached + " is owned by uid "
                        + stat.uid() + " gid " + stat.gid() + "; " + who + " runs only scripts owned by "
                        + owner.describe() + ": forbidden");
            }
            return NativeFiles.readAll(fd, stat.size());
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "" : path.substring(0, slash);
    }
}
