package org.modjvm.express;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Makes the first request of a web application started by {@code start-server}, and reports on
 * the terminal when it fails to deploy. A daemon process deploys a web application on its first
 * request, not when it starts (daemons preload scripts only): without this request, a web
 * application that cannot deploy would be found out by the first visitor, in the error log.
 *
 * <p>Run by {@link Server} in the background, detached, as the user the application runs as,
 * with the terminal as its stderr. It waits for Apache's pid file, sends one {@code GET} of the
 * mount point once Apache accepts connections and reads the status line. On a 503 it looks in
 * the error log (from where this start's lines begin) for the deploy failure line ({@code
 * JVM01405}) and prints it with the engine's error lines before it ({@code JVM01407}, stack
 * frames left out): what a {@code web.xml} that does not parse, a missing class or a listener
 * that throws says. With the log on the terminal already, it prints one line pointing there.
 * It gives up quietly when Apache stops or does not come up within its bounds; the launcher's
 * watcher reports those (and the engine's own start failures, JVM01400/JVM01401).
 *
 * <p>Arguments: {@code PID-FILE ADDRESS PORT HOST-HEADER PATH ERROR-LOG|- LOG-OFFSET DEPLOY-FAILED-ID ENGINE-ERROR-ID}.
 */
public final class Probe {
    /** How long Apache may take to write its pid file (as the launcher's watcher waits). */
    private static final long PID_FILE_WAIT_MS = 30_000;
    /** How long Apache may take to accept connections after that. */
    private static final long CONNECT_WAIT_MS = 60_000;
    /** How long the answer may take: the engine's start and the deployment, on a busy machine. */
    private static final int ANSWER_TIMEOUT_MS = 180_000;
    /** How long the deploy failure line may take to reach the error log after the 503 (the daemon's log relay). */
    private static final long LOG_WAIT_MS = 10_000;
    /** The engine's lines shown before the deploy failure line, at most (the cause comes first). */
    private static final int MAX_CAUSE_LINES = 8;

    static final String USER_AGENT = "mod_jvm-express (deploying the web application)";

    private Probe() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 9) {
            System.exit(2);
        }
        Path pidFile = Path.of(args[0]);
        String address = args[1];
        int port = Integer.parseInt(args[2]);
        String request = "GET " + args[4] + " HTTP/1.1\r\nHost: " + args[3] + "\r\nUser-Agent: " + USER_AGENT
                + "\r\nAccept: */*\r\nConnection: close\r\n\r\n";
        Path log = args[5].equals("-") ? null : Path.of(args[5]);
        long offset = Long.parseLong(args[6]);
        String deployFailed = args[7] + ": ";
        String engineError = args[8] + ": ";

        Optional<ProcessHandle> apache = Optional.empty();
        long deadline = System.currentTimeMillis() + PID_FILE_WAIT_MS;
        while (apache.isEmpty() && System.currentTimeMillis() < deadline) {
            apache = apache(pidFile);
            if (apache.isEmpty()) {
                Thread.sleep(100);
            }
        }
        if (apache.isEmpty()) {
            return; // Apache did not start: the launcher says so
        }
        String status = null;
        deadline = System.currentTimeMillis() + CONNECT_WAIT_MS;
        while (status == null && apache.get().isAlive() && System.currentTimeMillis() < deadline) {
            boolean connected = false;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 5_000);
                connected = true;
                s.setSoTimeout(ANSWER_TIMEOUT_MS);
                OutputStream out = s.getOutputStream();
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                status = statusLine(s.getInputStream());
            } catch (IOException e) {
                if (connected) {
                    return; // the answer failed or timed out: nothing to report from here
                }
                Thread.sleep(100); // not listening yet
            }
        }
        // "HTTP/1.1 503 Service Unavailable": the engine answers 503 for an application that did not deploy
        if (status == null || !status.startsWith("HTTP/1.1 503") || !apache.get().isAlive()) {
            return;
        }
        String url = "http://" + args[3] + args[4];
        if (log == null) {
            System.err.println(Express.NAME + ": the web application did not deploy: " + url + " answers 503 (the "
                    + deployFailed.substring(0, deployFailed.length() - 2) + " line of the log on this terminal, and the"
                    + " engine's lines before it, say why)");
            return;
        }
        List<String> report = null;
        deadline = System.currentTimeMillis() + LOG_WAIT_MS;
        while (report == null && System.currentTimeMillis() < deadline) {
            report = report(log, offset, deployFailed, engineError);
            if (report == null) {
                Thread.sleep(200);
            }
        }
        if (report == null) {
            return; // a 503 for another reason (a busy daemon group): the watcher reports what the log says
        }
        StringBuilder b = new StringBuilder(Express.NAME).append(": the web application did not deploy, ").append(url)
                .append(" answers 503 (more in ").append(log).append("):\n");
        for (String line : report) {
            b.append("  ").append(line).append('\n');
        }
        System.err.print(b);
        System.err.flush();
    }

    /** Reads the status line of the answer (the deployment is over when the answer starts). */
    private static String statusLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && b.length() < 200) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /**
     * The deploy failure line of this start's log (from {@code offset}, 1-based as tail -c +N)
     * with the engine's error lines before it, without their stack frames and repeats and
     * without Apache's line prefix; null while there is no deploy failure line.
     */
    static List<String> report(Path log, long offset, String deployFailed, String engineError) {
        List<String> lines = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, offset - 1);
            if (from > f.length()) {
                return null;
            }
            byte[] bytes = new byte[(int) Math.min(f.length() - from, 4 << 20)];
            f.seek(from);
            f.readFully(bytes);
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                lines.add(line);
            }
        } catch (IOException e) {
            return null;
        }
        int failed = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(deployFailed)) {
                failed = i;
                break;
            }
        }
        if (failed < 0) {
            return null;
        }
        Set<String> causes = new LinkedHashSet<>();
        for (int i = 0; i < failed; i++) {
            String line = lines.get(i);
            int at = line.indexOf(engineError);
            if (at < 0) {
                continue;
            }
            String text = line.substring(at + engineError.length());
            if (text.startsWith("\t") || text.startsWith("\\t") || text.startsWith(" ") || text.isBlank()) {
                continue; // a stack frame, "... N more" (Apache writes a tab as \t where it escapes the line)
            }
            causes.add(line.substring(at));
        }
        List<String> report = new ArrayList<>();
        int skipped = causes.size() - MAX_CAUSE_LINES;
        for (String cause : causes) {
            if (report.size() == MAX_CAUSE_LINES) {
                break;
            }
            report.add(cause);
        }
        if (skipped > 0) {
            report.add("(" + skipped + " more lines of the engine's)");
        }
        String last = lines.get(failed);
        report.add(last.substring(last.indexOf(deployFailed)));
        return report;
    }

    private static Optional<ProcessHandle> apache(Path pidFile) {
        try {
            String pid = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
            return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
