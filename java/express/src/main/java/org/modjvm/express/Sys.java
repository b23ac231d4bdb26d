package org.modjvm.express;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What mod_jvm-express asks the system: accounts, permissions, ports, JDKs, where the module is. */
final class Sys {
    private Sys() {
    }

    // ------------------------------------------------------------------ accounts

    /**
     * A user of the user database (through NSS, as Apache's {@code User} and mod_jvm's
     * {@code user=} resolve it): its group {@code gid} (the primary one, or {@code --group}), and
     * its memberships in the group database, which {@code initgroups} adds to a process's groups.
     */
    record Account(String name, int uid, int gid, List<Integer> memberships, String home) {
        /** The same user running in {@code group} (Apache's {@code Group}: initgroups(name, group)). */
        Account withGroup(int group) {
            return new Account(name, uid, group, memberships, home);
        }

        /** The groups of a process that runs as this account: gid first, then the memberships. */
        List<Integer> groups() {
            List<Integer> g = new ArrayList<>();
            g.add(gid);
            for (Integer m : memberships) {
                if (m != gid) {
                    g.add(m);
                }
            }
            return g;
        }
    }

    static int euid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : 1000;
        }
    }

    /**
     * The account this process runs as, from /proc/self/status: no look-up (Java's
     * {@code user.name} already is the name), so that a command not started as root never loads
     * JNA unless a message names another user.
     */
    static Account self() {
        int gid = -1;
        List<Integer> memberships = new ArrayList<>();
        for (String line : lines(Path.of("/proc/self/status"))) {
            String[] f = line.trim().split("\\s+");
            if (f[0].equals("Gid:") && f.length > 2) {
                gid = (int) Long.parseLong(f[2]); // real, effective, saved, fs: the effective one
            } else if (f[0].equals("Groups:")) {
                for (int i = 1; i < f.length; i++) {
                    memberships.add((int) Long.parseLong(f[i]));
                }
            }
        }
        return new Account(System.getProperty("user.name"), euid(), gid, memberships, System.getProperty("user.home"));
    }

    /**
     * Loads {@link Libc} (and so JNA) before its first call: without jna.jar on the class path its
     * linking fails with a LinkageError, which becomes a Failure saying why.
     */
    private static void loadLibc(String what) {
        try {
            Class.forName(Libc.class.getName(), true, Sys.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw jnaUnusable(what, e.toString());
        }
    }

    /** Why a look-up cannot be made: JNA cannot be used ({@code problem}), and what to do. */
    static Failure jnaUnusable(String what, String problem) {
        return Failure.problem("cannot look up " + what + ": JNA cannot be used (" + problem + "); jna.jar and "
                + "libjnidispatch.so come with mod_jvm: run " + Express.NAME + " through its launcher, and "
                + "reinstall libapache2-mod-jvm (or rebuild: mvn -B package) if they are missing");
    }

    /** The user {@code user} names ({@code #uid} allowed), through libc; null if there is none. */
    static Account account(String user) {
        loadLibc("user " + user);
        Libc.Passwd pw = user.startsWith("#") ? Libc.user(parseId(user)) : Libc.user(user);
        if (pw == null) {
            return null;
        }
        // getgrouplist with a group no entry has ((gid_t) -1, which it puts first): the memberships
        // alone, so that one in the root group shows even when the primary group is root
        List<Integer> memberships = new ArrayList<>();
        int[] all = Libc.groupList(pw.name(), -1);
        for (int i = 1; i < all.length; i++) {
            if (all[i] != -1) {
                memberships.add(all[i]);
            }
        }
        return new Account(pw.name(), pw.uid(), pw.gid(), memberships, pw.home());
    }

    /** {@code #n}, as Options checked it (0 to 4294967294): the id as a C {@code uid_t}/{@code gid_t}. */
    private static int parseId(String s) {
        return (int) Long.parseLong(s.substring(1));
    }

    /** The gid of a group name ({@code #gid} allowed), or -1 if there is no such group. */
    static int groupId(String group) {
        if (group.startsWith("#")) {
            return parseId(group);
        }
        loadLibc("group " + group);
        Libc.Group g = Libc.group(group);
        return g == null ? -1 : g.gid();
    }

    /** The name of group {@code gid}, or {@code #gid} (as Apache's Group takes it) when it has none. */
    static String groupName(int gid) {
        loadLibc("gid " + Integer.toUnsignedString(gid));
        Libc.Group g = Libc.group(gid);
        return g == null ? "#" + Integer.toUnsignedString(gid) : g.name();
    }

    static String userName(int uid) {
        loadLibc("uid " + Integer.toUnsignedString(uid));
        Libc.Passwd pw = Libc.user(uid);
        return pw == null ? "uid " + Integer.toUnsignedString(uid) : pw.name();
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Tries, in a child process running as {@code who} (its uid, gid and groups, through
     * setpriv when we are root), to search each directory on the way to {@code file} and to open
     * it for reading (a directory: also to enter it): the kernel decides, so that ACLs, and every
     * other rule it has, count. Null when all went well, else the first step that failed, said
     * with the path's mode and owner.
     */
    static String unreadable(Path file, Account who, boolean asRoot) {
        Path abs = file.toAbsolutePath().normalize();
        List<Path> steps = new ArrayList<>();
        Path p = abs.getRoot();
        steps.add(p);
        for (Path name : abs) {
            p = p.resolve(name);
            steps.add(p);
        }
        List<String> cmd = new ArrayList<>();
        if (asRoot) {
            cmd.add(SETPRIV);
            cmd.add("--reuid=" + Integer.toUnsignedString(who.uid()));
            cmd.add("--regid=" + Integer.toUnsignedString(who.gid()));
            List<String> groups = new ArrayList<>();
            for (Integer g : who.groups()) {
                groups.add(Integer.toUnsignedString(g));
            }
            cmd.add("--groups=" + String.join(",", groups));
            cmd.add("--");
        }
        cmd.addAll(List.of("/bin/sh", "-c", TRY_READ, "sh"));
        for (Path step : steps) {
            cmd.add(step.toString());
        }
        String failed = run(cmd, "check as " + who.name() + " that " + abs + " can be read");
        if (failed.isEmpty()) {
            return null;
        }
        int i;
        try {
            i = Integer.parseInt(failed) - 1;
        } catch (NumberFormatException e) {
            i = -1;
        }
        if (i < 0 || i >= steps.size()) {
            throw Failure.problem("cannot check as " + who.name() + " that " + abs + " can be read: " + failed);
        }
        return explain(steps.get(i), i == steps.size() - 1, who);
    }

    private static final String SETPRIV = "/usr/bin/setpriv";

    /**
     * Prints the 1-based index of the first argument that cannot be entered (all but the last)
     * or read (the last; a directory must also be entered), nothing when all can. Opening is
     * done by {@code true}, a regular built-in, so that a refused redirection does not end the
     * shell; a file that is neither regular nor a directory (a FIFO would block) is asked of
     * access(2) instead.
     */
    private static final String TRY_READ = "i=0\n"
            + "for p do\n"
            + "  i=$((i + 1))\n"
            + "  if [ \"$i\" -lt \"$#\" ]; then\n"
            + "    cd \"$p\" 2>/dev/null || { echo \"$i\"; exit 0; }\n"
            + "  elif [ -d \"$p\" ]; then\n"
            + "    { true 2>/dev/null <\"$p\" && cd \"$p\" 2>/dev/null; } || { echo \"$i\"; exit 0; }\n"
            + "  elif [ -f \"$p\" ]; then\n"
            + "    true 2>/dev/null <\"$p\" || { echo \"$i\"; exit 0; }\n"
            + "  else\n"
            + "    [ -r \"$p\" ] || { echo \"$i\"; exit 0; }\n"
            + "  fi\n"
            + "done\n";

    /** The output of a short command, trimmed; a Failure if it cannot be run or fails. */
    private static String run(List<String> cmd, String what) {
        if (!Files.isExecutable(Path.of(cmd.get(0)))) {
            throw Failure.problem("cannot " + what + ": " + cmd.get(0) + " is missing (apt-get install util-linux)");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(new java.io.File("/"));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        try {
            Process c = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            // to its end: it only opens and enters what the application needs opened and entered
            String out = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (c.waitFor() != 0) {
                throw Failure.problem("cannot " + what + ": " + cmd.get(0) + " failed (exit status " + c.exitValue()
                        + (out.isEmpty() ? "" : ": " + out) + ")");
            }
            return out;
        } catch (IOException e) {
            throw Failure.problem("cannot " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.problem("cannot " + what + ": interrupted");
        }
    }

    /**
     * Why {@code who} could not search (or, {@code last}, read) {@code p}: its mode and owner, and
     * when the mode bits would have let it, that something else refused (an ACL, most often).
     */
    private static String explain(Path p, boolean last, Account who) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,uid,gid,isDirectory");
        } catch (IOException e) {
            return p + " cannot be examined (" + e.getMessage() + ")";
        }
        int mode = (Integer) a.get("mode");
        int uid = (Integer) a.get("uid");
        int shift = uid == who.uid() ? 6 : who.groups().contains((Integer) a.get("gid")) ? 3 : 0;
        int bits = (mode >> shift) & 7;
        boolean dir = (Boolean) a.get("isDirectory");
        int needed = !last ? 1 : dir ? 5 : 4;
        return p + (last ? " is not readable by " : " is not searchable by ") + who.name() + " (mode " + octal(mode)
                + ", owner " + userName(uid) + ((bits & needed) == needed ? "; refused by an ACL or another rule of the system"
                : "") + ")";
    }

    private static String octal(int mode) {
        String s = Integer.toOctalString(mode & 07777);
        return "0000".substring(Math.min(4, s.length())) + s;
    }

    // ------------------------------------------------------------------ ports

    /** Null if host:port can be listened on, else why not (naming the process that has it, when found). */
    static String portProblem(String host, int port, String what) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw Failure.problem("--host " + host + ": unknown host");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
            return null;
        } catch (BindException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("ermission")) {
                return what + " " + port + ": permission denied (ports below 1024 need root)";
            }
            if (m.contains("assign")) {
                return "--host " + host + " is not an address of this machine";
            }
            String owner = portOwner(port);
            return what + " " + port + " on " + host + " is already in use"
                    + (owner == null ? "" : " by " + owner) + " (choose another with " + what + ")";
        } catch (IOException e) {
            return what + " " + port + " on " + host + ": " + e.getMessage();
        }
    }

    /** "apache2 (pid 123)" for the process listening on a TCP port, from /proc, or null. */
    static String portOwner(int port) {
        List<String> inodes = new ArrayList<>();
        String hexPort = ":" + hex4(port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> ls = lines(Path.of(table));
            for (int i = 1; i < ls.size(); i++) {
                String[] f = ls.get(i).trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                    inodes.add("socket:[" + f[9] + "]");
                }
            }
        }
        if (inodes.isEmpty()) {
            return null;
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path proc : procs) {
                String pid = proc.getFileName().toString();
                if (pid.isEmpty() || !Character.isDigit(pid.charAt(0))) {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        String target;
                        try {
                            target = Files.readSymbolicLink(fd).toString();
                        } catch (IOException e) {
                            continue;
                        }
                        if (inodes.contains(target)) {
                            return command(proc) + " (pid " + pid + ")";
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process: not visible
                }
            }
        } catch (IOException e) {
            return null;
        }
        return "a process of another user";
    }

    private static String command(Path proc) {
        try {
            return Files.readString(proc.resolve("comm"), StandardCharsets.ISO_8859_1).trim();
        } catch (IOException e) {
            return "a process";
        }
    }

    private static String hex4(int port) {
        String h = Integer.toHexString(port).toUpperCase(java.util.Locale.ROOT);
        return "0000".substring(h.length()) + h;
    }

    // ------------------------------------------------------------------ JDKs

    static boolean isJvmHome(Path home) {
        return Files.isRegularFile(home.resolve("lib/server/libjvm.so"));
    }

    /** Whether a JDK can compile: bin/javac, or the jdk.compiler module listed in its release file. */
    static boolean hasCompiler(Path home) {
        if (Files.isExecutable(home.resolve("bin/javac"))) {
            return true;
        }
        for (String line : lines(home.resolve("release"))) {
            if (line.startsWith("MODULES=") && (line.contains(" jdk.compiler ") || line.contains("\"jdk.compiler ")
                    || line.contains(" jdk.compiler\""))) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ the module

    /** Debian's Apache module directory, or what {@code apxs -q LIBEXECDIR} says. */
    static final Path DEBIAN_MODULES = Path.of("/usr/lib/apache2/modules");

    /** The directory of mod_jvm-express.jar (this class's code source), or null. */
    static Path jarDir() {
        try {
            Path jar = Path.of(Express.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent();
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The mod_jvm.so this mod_jvm-express goes with: {@code $MOD_JVM_MODULE} if set; the build's
     * module directory when run from a source tree (java/express/target → native/target/module);
     * the directory of the jar; Apache's module directory (the Debian package). Null: not found.
     */
    static Path module() {
        String env = System.getenv("MOD_JVM_MODULE");
        if (env != null && !env.isEmpty()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        Path dir = jarDir();
        if (dir != null) {
            Path build = dir.resolve("../../../native/target/module/mod_jvm.so").normalize();
            if (Files.isRegularFile(build)) {
                return build;
            }
            if (Files.isRegularFile(dir.resolve("mod_jvm.so"))) {
                return dir.resolve("mod_jvm.so");
            }
        }
        Path installed = DEBIAN_MODULES.resolve("mod_jvm.so");
        return Files.isRegularFile(installed) ? installed : null;
    }

    static Path requireModule() {
        Path m = module();
        if (m == null) {
            throw Failure.problem("mod_jvm.so not found: install the package libapache2-mod-jvm, or build it "
                    + "(mvn -B package) and run this mod_jvm-express from the source tree");
        }
        if (!Files.isRegularFile(m)) {
            throw Failure.problem("MOD_JVM_MODULE=" + m + " does not exist");
        }
        return m;
    }

    /** The directory holding the jars the module will use: next to it, else /usr/share/mod_jvm. */
    static Path runtimeDir(Path module) {
        Path next = module.getParent();
        if (Files.isRegularFile(next.resolve("mod_jvm-runtime.jar"))) {
            return next;
        }
        return Path.of("/usr/share/mod_jvm");
    }

    static boolean isSymlink(Path p) {
        return Files.isSymbolicLink(p);
    }

    static int ownerUid(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return -1;
        }
    }
}
