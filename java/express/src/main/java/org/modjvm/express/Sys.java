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

    /** A user from /etc/passwd, with the groups it is in (for permission checks). */
    record Account(String name, int uid, int gid, List<Integer> groups, String home) {
    }

    static int euid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : 1000;
        }
    }

    static Account account(String user) {
        String[] pw = null;
        for (String line : lines(Path.of("/etc/passwd"))) {
            String[] f = line.split(":", -1);
            if (f.length >= 7 && (f[0].equals(user) || (user.startsWith("#") && f[2].equals(user.substring(1))))) {
                pw = f;
                break;
            }
        }
        if (pw == null) {
            return null;
        }
        int gid = Integer.parseInt(pw[3]);
        List<Integer> groups = new ArrayList<>();
        groups.add(gid);
        for (String line : lines(Path.of("/etc/group"))) {
            String[] f = line.split(":", -1);
            if (f.length >= 4) {
                for (String m : f[3].split(",")) {
                    if (m.equals(pw[0])) {
                        groups.add(Integer.parseInt(f[2]));
                    }
                }
            }
        }
        return new Account(pw[0], Integer.parseInt(pw[2]), gid, groups, pw[5]);
    }

    /** The gid of a group name ({@code #gid} allowed), or -1. */
    static int groupId(String group) {
        if (group.startsWith("#")) {
            try {
                return Integer.parseInt(group.substring(1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        for (String line : lines(Path.of("/etc/group"))) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[0].equals(group)) {
                return Integer.parseInt(f[2]);
            }
        }
        return -1;
    }

    static String userName(int uid) {
        for (String line : lines(Path.of("/etc/passwd"))) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[2].equals(Integer.toString(uid))) {
                return f[0];
            }
        }
        return "uid " + uid;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Why {@code who} cannot read {@code file} (every directory on the way must be searchable,
     * the file readable, a directory also listable), or null when it can. Mode bits only (no ACLs).
     */
    static String unreadable(Path file, Account who) {
        if (who.uid() == 0) {
            return null;
        }
        Path abs = file.toAbsolutePath().normalize();
        Path p = abs.getRoot();
        for (int i = 0; i <= abs.getNameCount(); i++) {
            boolean last = i == abs.getNameCount();
            Map<String, Object> a;
            try {
                a = Files.readAttributes(p, "unix:mode,uid,gid,isDirectory");
            } catch (IOException e) {
                return p + " cannot be examined (" + e.getMessage() + ")";
            }
            int mode = (Integer) a.get("mode");
            boolean dir = (Boolean) a.get("isDirectory");
            int shift = (Integer) a.get("uid") == who.uid() ? 6 : who.groups().contains((Integer) a.get("gid")) ? 3 : 0;
            int bits = (mode >> shift) & 7;
            if (!last && (bits & 1) == 0) {
                return p + " is not searchable by " + who.name() + " (mode " + octal(mode) + ", owner "
                        + userName((Integer) a.get("uid")) + ")";
            }
            if (last && ((bits & 4) == 0 || (dir && (bits & 1) == 0))) {
                return p + " is not readable by " + who.name() + " (mode " + octal(mode) + ", owner "
                        + userName((Integer) a.get("uid")) + ")";
            }
            if (!last) {
                p = p.resolve(abs.getName(i));
            }
        }
        return null;
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
