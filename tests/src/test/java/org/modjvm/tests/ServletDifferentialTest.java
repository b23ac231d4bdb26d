package org.modjvm.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Differential test: the same WARs (servlet-plain, spring-mvc, jersey) on mod_jvm and on the
 * reference, Tomcat 11 standalone behind Apache with mod_proxy_ajp, and a table of requests
 * ({@link #rows()}) sent to both in the same order. For every request the status, the reason
 * phrase, the headers and the body must be the same, after {@link #normalize} has replaced what
 * legitimately differs between two servers (each replacement says why), or the difference is
 * listed in {@link #KNOWN} with the reason it is correct. A difference found and not listed
 * fails the test, and so does a listed difference that no longer occurs (the list stays true).
 *
 * <p>mod_jvm runs in a daemon group (every row) and embedded (the servlet-plain rows: the
 * embedded connector is the same code on another transport; one more Spring and Jersey
 * deployment would double the test's time for little). Not compared: {@code Date},
 * {@code Server}, {@code Keep-Alive}, {@code Connection} (Apache's, per connection), and the
 * framing, {@code Content-Length} against chunked: mod_proxy_ajp answers chunked even when the
 * application set a length (see tests/webapps/README.md), so the body is compared, not how it was
 * framed. The reason phrase is compared where it can be: over AJP it is the code itself
 * ("200 200"), where mod_jvm lets Apache give its own ("200 OK").
 *
 * <p>The reference runs ProxyPass with {@code nocanon}, so that both servers get the URI the
 * client sent (docs/servlet.md, "What the application sees", says what mod_proxy_ajp's default
 * changes). The table and the differences found are printed on the test's standard output.
 */
@ExtendWith(DumpLogOnFailure.class)
class ServletDifferentialTest {
    static final String PLAIN = "/servlet-plain";
    static final String SPRING = "/spring-mvc";
    static final String JERSEY = "/jersey";

    /** Response headers that are the server's or the connection's, not the application's. */
    static final Set<String> NOT_COMPARED = Set.of("date", "server", "keep-alive", "connection", "content-length",
            "transfer-encoding");

    /**
     * The differences that are correct, by {@code row|aspect}, with the reason. An aspect is
     * {@code status}, {@code reason}, {@code header NAME} (lower case), {@code body} or
     * {@code complete}.
     */
    static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("X12|complete", "the servlet threw after its response was committed: Tomcat (ErrorReportValve) closes"
                + " the connection at once \"to signal to the client that something went wrong\"; mod_proxy_ajp ends the"
                + " client's response normally when the AJP connection closes, so the client takes a cut-short body for a"
                + " whole one. mod_jvm aborts the client's response (no last chunk), as Tomcat's own HTTP connector does");
        KNOWN.put("E31|body", "the Authorization header: mod_proxy_ajp forwards it; mod_jvm gives it to applications only"
                + " with JvmPassAuthorization On (off by default, as for scripts and mod_wsgi's WSGIPassAuthorization:"
                + " credentials Apache may have checked stay Apache's; docs/directives.md)");
        String controls = "mod_jvm leaves out a response header whose value holds CR, LF or another control character"
                + " and logs it (JVM01406), as for scripts (docs/servlet.md); Tomcat replaces the characters with"
                + " spaces and sends the header. Both refuse the injection; mod_jvm does not send a value the"
                + " application did not write";
        KNOWN.put("R15|header x-bad", controls);
        KNOWN.put("R17|header x-ctl", controls);
        String badName = "a response header name that is not a token (\"Bad Name\"): Tomcat sends it over AJP and Apache"
                + " refuses the whole response with its own 500; mod_jvm leaves the header out, logs it (JVM01406) and"
                + " sends the rest of the application's response";
        for (String aspect : new String[] {"status", "reason", "header content-type", "header x-good",
                "header x-plain-filter", "body"}) {
            KNOWN.put("R16|" + aspect, badName);
        }
        KNOWN.put("R06|header content-type", "a 204 that set a Content-Type: Apache drops the type of a response"
                + " that has no content (204, 304) when it is the request's content type, as mod_jvm hands it over (as"
                + " any handler does); mod_proxy_ajp also copies the backend's Content-Type into the header table,"
                + " where it survives. There is nothing to type in a 204");
        KNOWN.put("S11|header content-type", "OPTIONS on a static file: Tomcat's answer has no Content-Type; behind"
                + " mod_proxy_ajp Apache's mod_mime gives the proxied URL (proxy:ajp://…/style.css) a type from its"
                + " extension, which stays on a response that has none. mod_jvm passes Tomcat's answer as it is");
    }

    static TomcatServer tomcat;
    static ApacheServer front;
    static ApacheServer daemon;
    static ApacheServer embedded;
    static Target reference;
    static List<Target> candidates;

    @BeforeAll
    static void start() {
        tomcat = TomcatServer.create().name("differential")
                .deploy(PLAIN, WebApps.war("servlet-plain"))
                .deploy(SPRING, WebApps.war("spring-mvc"))
                .deploy(JERSEY, WebApps.war("jersey"))
                .start();
        front = ApacheServer.create().name("differential-ajp").withoutModule().loadModules("proxy", "proxy_ajp");
        // nocanon: the request line's URI as the client sent it, as mod_jvm gives it (and
        // mod_jk's ForwardURICompatUnparsed); without it mod_proxy_ajp forwards Apache's decoded
        // and re-encoded path (%7E as ~, dot segments and double slashes resolved)
        front.config(tomcat.proxyConfig("nocanon")).start();
        daemon = ApacheServer.create().name("differential-daemon").threadsPerChild(8);
        daemon.config("JvmDaemonProcess web threads=8 jvm-options=\"-Xmx256m\"\n"
                + "JvmScriptAlias " + PLAIN + " " + WebApps.war("servlet-plain") + " process-group=web\n"
                + "JvmScriptAlias " + SPRING + " " + WebApps.war("spring-mvc") + " process-group=web\n"
                + "JvmScriptAlias " + JERSEY + " " + WebApps.war("jersey") + " process-group=web\n").start();
        embedded = ApacheServer.create().name("differential-embedded").threadsPerChild(8);
        embedded.config("JvmScriptAlias " + PLAIN + " " + WebApps.war("servlet-plain") + "\n").start();
        // the daemon deploys its three applications before it is ready: on a loaded machine that
        // can outlast the wait of the first request, which would then be compared as a 503
        for (ApacheServer s : new ApacheServer[] {daemon, embedded}) {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(180).toNanos();
            FaultHarnessTest.Outcome o;
            while ((o = FaultHarnessTest.get(s, PLAIN + "/")).status() == 503 && System.nanoTime() < deadline) {
                ApacheServer.sleep(500);
            }
        }
        reference = new Target("reference", front.port(), null);
        candidates = List.of(new Target("daemon", daemon.port(), null), new Target("embedded", embedded.port(), PLAIN));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {front, daemon, embedded, tomcat}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    // ------------------------------------------------------------------ the requests

    /** One request of the table. */
    record Row(String id, String method, String target, List<String> headers, byte[] body, boolean chunked) {
        String shown() {
            String t = method + " " + target;
            return t.length() > 58 ? t.substring(0, 57) + "…" : t;
        }
    }

    static final List<Row> ROWS = new ArrayList<>();

    static void get(String id, String target, String... headers) {
        ROWS.add(new Row(id, "GET", target, List.of(headers), null, false));
    }

    static void send(String id, String method, String target, byte[] body, String... headers) {
        ROWS.add(new Row(id, method, target, List.of(headers), body, false));
    }

    static void chunked(String id, String method, String target, byte[] body, String... headers) {
        ROWS.add(new Row(id, method, target, List.of(headers), body, true));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static final String FORM = "Content-Type: application/x-www-form-urlencoded";

    /**
     * The table. Placeholders in targets and headers are each server's own: {@code {PLAIN_SESSION}}
     * and {@code {SPRING_SESSION}} (the last JSESSIONID the application set), {@code {LAST_MODIFIED}}
     * and {@code {ETAG}} (of css/style.css, from row S01), {@code {PORT}} (the server's).
     */
    static List<Row> rows() {
        if (!ROWS.isEmpty()) {
            return ROWS;
        }
        // ---- servlet-plain: what the request looks like to the application
        get("E01", PLAIN + "/echo/a/b?x=1&y=%C3%A9&x=2", "Cookie: c1=v1; c2=v2", "X-Test: one", "X-Test: two",
                "Accept-Language: fr-CH, de;q=0.5");
        get("E02", PLAIN + "/echo/%7Euser/a%20b/%C3%A9?q=%26amp;&empty=&novalue");
        get("E03", PLAIN + "/echo/a%2Fb");
        get("E04", PLAIN + "/echo/x;jsessionid=0123456789ABCDEF0123456789ABCDEF?y=1");
        get("E05", PLAIN + "/echo/x;a=b/y;c=d");
        get("E06", PLAIN + "/echo/a/../b/./c");
        get("E07", PLAIN + "/echo//double//slash");
        get("E08", PLAIN + "/echo/%2e%2e/css/style.css");
        get("E09", PLAIN + "/dir/page.echo?ext=1");
        get("E10", PLAIN + "/echo");
        get("E11", PLAIN + "/echo/?");
        get("E12", PLAIN + "/echo/odd", "x-LOWER-upper: MiXeD", "X-EMPTY:", "X-Latin: caf\u00e9", "X-Spaces:   padded   ",
                "ACCEPT: text/plain");
        get("E13", PLAIN + "/echo/cookies", "Cookie: a=1", "Cookie: b=\"quoted value\"; c=", "Cookie: $Version=1; d=4");
        get("E14", PLAIN + "/echo/host", "Host: other.example:8080");
        get("E15", PLAIN + "/echo/host", "Host: other.example");
        get("E16", PLAIN + "/echo/lang", "Accept-Language: de-CH;q=0.4, en-GB;q=0.9, *;q=0.1");
        send("E17", "POST", PLAIN + "/echo/form?q=2", utf8("a=1&b=%C3%A9&a=3"), FORM);
        send("E18", "POST", PLAIN + "/echo/form", "b=caf\u00e9&c=%E9".getBytes(StandardCharsets.ISO_8859_1),
                "Content-Type: application/x-www-form-urlencoded; charset=ISO-8859-1");
        send("E19", "PUT", PLAIN + "/echo/put?p=1", utf8("not a form"), "Content-Type: text/plain");
        send("E20", "DELETE", PLAIN + "/echo/del", null);
        send("E21", "OPTIONS", PLAIN + "/echo/opt", null);
        send("E22", "HEAD", PLAIN + "/echo/head?h=1", null);
        send("E23", "PATCH", PLAIN + "/echo/patch", utf8("{}"), "Content-Type: application/json; charset=utf-8");
        chunked("E24", "POST", PLAIN + "/echo/chunked-form", utf8("k=v&k=w"), FORM);
        get("E25", PLAIN + "/echo/q?a+b=c+d&%41=%42&x=%zz");
        send("E26", "POST", PLAIN + "/echo/expect", utf8("e=1"), FORM, "Expect: 100-continue");
        get("E27", "http://127.0.0.1:{PORT}" + PLAIN + "/echo/absolute-form?a=1");
        send("E28", "TRACE", PLAIN + "/echo/trace", null);
        get("E29", PLAIN + "/echo/long", "X-Long: " + "x".repeat(6000));
        get("E30", PLAIN + "/echo/%C3%A9t%C3%A9/%E9?q=%E9", "Referer: http://127.0.0.1/a?b=c", "User-Agent: differential/1.0");
        get("E31", PLAIN + "/echo/auth", "Authorization: Bearer secret-token");
        get("E32", PLAIN + "/echo/raw?q=\u00c3\u00a9&r=%C3%A9");
        get("E33", PLAIN + "/echo/%C3%A9t%C3%A9?q=caf%C3%A9");
        send("E34", "POST", PLAIN + "/echo/empty", new byte[0], FORM);

        // ---- servlet-plain: responses the application shapes
        get("R01", PLAIN + "/respond?status=201&header=X-A:1&header=X-A:2&header=x-mixed-Case:v");
        get("R02", PLAIN + "/respond?contentType=text/plain");
        get("R03", PLAIN + "/respond?contentType=text/html;charset=ISO-8859-1&body=caf%C3%A9");
        get("R04", PLAIN + "/respond?contentType=application/json&body=%7B%7D");
        get("R05", PLAIN + "/respond?cookie=a=b&cookie=c=d");
        get("R06", PLAIN + "/respond?status=204");
        get("R07", PLAIN + "/respond?length=true&body=sized");
        get("R08", PLAIN + "/respond?flush=true&body=flushed");
        get("R09", PLAIN + "/respond?status=418");
        get("R10", PLAIN + "/respond?header=Content-Language:de&header=Cache-Control:no-store&header=Vary:Accept");
        get("R11", PLAIN + "/respond?status=299&body=odd");
        get("R12", PLAIN + "/respond?header=X-Unicode:caf%C3%A9");
        get("R13", PLAIN + "/respond?header=ETag:%22abc%22&header=Last-Modified:Thu,%2001%20Jan%202026%2000:00:00%20GMT");
        send("R14", "HEAD", PLAIN + "/respond?length=true&body=sized", null);
        get("R15", PLAIN + "/respond?header=X-Bad:a%0D%0AInjected:%20yes&header=X-Good:1");
        get("R16", PLAIN + "/respond?header=Bad%20Name:v&header=X-Good:2");
        get("R17", PLAIN + "/respond?header=X-Ctl:a%01b");
        get("R18", PLAIN + "/respond?contentType=text/plain;charset=UTF-16&body=caf%C3%A9");

        // ---- redirects, errors
        get("X01", PLAIN + "/redirect?mode=relative");
        get("X02", PLAIN + "/redirect?mode=root&code=303");
        get("X03", PLAIN + "/redirect?mode=self");
        get("X04", PLAIN + "/redirect?mode=external&code=307");
        get("X05", PLAIN + "/send-error?code=404&msg=gone");
        get("X06", PLAIN + "/send-error?code=418");
        get("X07", PLAIN + "/send-error?code=503&msg=later");
        get("X08", PLAIN + "/send-error?code=401");
        get("X09", PLAIN + "/throw?type=app");
        get("X10", PLAIN + "/throw?type=runtime");
        get("X11", PLAIN + "/throw?type=servlet");
        get("X12", PLAIN + "/throw?type=runtime&afterCommit=true");
        get("X13", PLAIN + "/no/such/thing");
        get("X14", PLAIN + "/send-error?code=500&msg=%3Cscript%3E");

        // ---- static files, conditional and range requests, hidden directories
        get("S01", PLAIN + "/css/style.css");
        get("S02", PLAIN + "/css/style.css", "If-Modified-Since: {LAST_MODIFIED}");
        get("S03", PLAIN + "/css/style.css", "If-None-Match: {ETAG}");
        get("S04", PLAIN + "/css/style.css", "If-None-Match: \"other\"");
        get("S05", PLAIN + "/css/style.css", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT");
        get("S06", PLAIN + "/css/style.css", "Range: bytes=0-9");
        get("S07", PLAIN + "/css/style.css", "Range: bytes=0-4,10-14");
        get("S08", PLAIN + "/css/style.css", "Range: bytes=99999-");
        get("S09", PLAIN + "/css/style.css", "Range: bytes=-5", "If-Range: {ETAG}");
        send("S10", "HEAD", PLAIN + "/css/style.css", null);
        send("S11", "OPTIONS", PLAIN + "/css/style.css", null);
        send("S12", "POST", PLAIN + "/css/style.css", utf8("x=1"), FORM);
        get("S13", PLAIN + "/");
        get("S14", PLAIN + "/docs");
        get("S15", PLAIN + "/docs/?q=1");
        get("S16", PLAIN + "/index.html");
        get("S17", PLAIN + "/WEB-INF/web.xml");
        get("S18", PLAIN + "/META-INF/MANIFEST.MF");
        get("S19", PLAIN + "/%57EB-INF/secret.txt");
        get("S20", PLAIN + "/css/../WEB-INF/secret.txt");
        get("S21", PLAIN + "/WEB-INF%2Fsecret.txt");
        get("S22", PLAIN + "/web-inf/secret.txt");
        get("S23", PLAIN + "/css/style.css;jsessionid=0123456789ABCDEF0123456789ABCDEF");
        get("S24", PLAIN + "/css/");

        // ---- sessions, initializer, async, streams, bodies
        get("A01", PLAIN + "/session");
        get("A02", PLAIN + "/session", "Cookie: JSESSIONID={PLAIN_SESSION}");
        get("A03", PLAIN + "/session;jsessionid={PLAIN_SESSION}");
        get("A04", PLAIN + "/session?invalidate=true", "Cookie: JSESSIONID={PLAIN_SESSION}");
        get("A05", PLAIN + "/session", "Cookie: JSESSIONID=0123456789ABCDEF0123456789ABCDEF");
        get("A06", PLAIN + "/sci/x?y=z");
        get("A07", PLAIN + "/async?delayMs=50");
        get("A08", PLAIN + "/async?mode=dispatch");
        get("A09", PLAIN + "/async-timeout?timeoutMs=200");
        get("A10", PLAIN + "/async-timeout?timeoutMs=200&listener=false");
        get("A11", PLAIN + "/large?size=100000&length=true");
        get("A12", PLAIN + "/large?size=100001");
        get("A13", PLAIN + "/stream?chunks=3&pauseMs=10");
        get("A14", PLAIN + "/sse?events=2&pauseMs=10");
        send("A15", "PUT", PLAIN + "/body", WebAppChecks.randomBytes(70_000, 7), "Content-Type: application/octet-stream");
        chunked("A16", "POST", PLAIN + "/body", WebAppChecks.randomBytes(50_000, 8), "Content-Type: application/octet-stream");
        send("A17", "POST", PLAIN + "/upload", multipart(), "Content-Type: multipart/form-data; boundary=diff-boundary");
        send("A18", "POST", PLAIN + "/nio-read", WebAppChecks.randomBytes(30_000, 9), "Content-Type: application/octet-stream");
        get("A19", PLAIN + "/nio-write?size=100000");

        // ---- Spring MVC
        get("M01", SPRING + "/");
        get("M02", SPRING + "/", "Cookie: JSESSIONID={SPRING_SESSION}");
        get("M03", SPRING + "/register", "Cookie: JSESSIONID={SPRING_SESSION}");
        send("M04", "POST", SPRING + "/register", utf8("name=&email=not-an-address&age=5"), FORM,
                "Cookie: JSESSIONID={SPRING_SESSION}");
        send("M05", "POST", SPRING + "/register", utf8("name=Z%C3%BCrich+Bob&email=bob%40example.org&age=30"), FORM,
                "Cookie: JSESSIONID={SPRING_SESSION}");
        get("M06", SPRING + "/registered", "Cookie: JSESSIONID={SPRING_SESSION}");
        get("M07", SPRING + "/css/app.css");
        get("M08", SPRING + "/no/such/page");
        get("M09", SPRING + "/fail");
        get("M10", SPRING + "/WEB-INF/views/home.jsp");
        get("M11", SPRING + "/register");

        // ---- Jersey
        get("J01", JERSEY + "/api/items/1", "Accept: application/json");
        get("J02", JERSEY + "/api/items?q=p&limit=1");
        send("J03", "POST", JERSEY + "/api/items", utf8("{\"name\":\"pl\u00fcm\",\"tags\":[\"fruit\"],\"price\":1.25}"),
                "Content-Type: application/json", "Accept: application/json");
        send("J04", "POST", JERSEY + "/api/items", utf8("name=plum"), "Content-Type: text/plain");
        get("J05", JERSEY + "/api/no/such/resource");
        get("J06", JERSEY + "/api/items/999999");
        send("J07", "DELETE", JERSEY + "/api/items", null);
        get("J08", JERSEY + "/api/hello/Z%C3%BCrich?greeting=Hi", "X-Punctuation: ?");
        get("J09", JERSEY + "/api/items/1", "Accept: application/xml");
        get("J10", JERSEY + "/api/items/100");
        send("J11", "HEAD", JERSEY + "/api/items/1", null);
        send("J12", "OPTIONS", JERSEY + "/api/items", null);
        return ROWS;
    }

    static byte[] multipart() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        WebAppChecks.part(body, "diff-boundary", "Content-Disposition: form-data; name=\"title\"", utf8("caf\u00e9"));
        WebAppChecks.part(body, "diff-boundary", "Content-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n"
                + "Content-Type: application/octet-stream", WebAppChecks.randomBytes(5000, 10));
        body.writeBytes(utf8("--diff-boundary--\r\n"));
        return body.toByteArray();
    }

    // ------------------------------------------------------------------ servers and their answers

    /** A server the rows are sent to, and what it answered. */
    static final class Target {
        final String name;
        final int port;
        /** Only rows below this path (null: all). */
        final String only;
        final Map<String, String> vars = new TreeMap<>();
        final Map<String, RawHttp.Response> answers = new LinkedHashMap<>();

        Target(String name, int port, String only) {
            this.name = name;
            this.port = port;
            this.only = only;
            vars.put("PORT", Integer.toString(port));
        }

        boolean runs(Row row) {
            return only == null || row.target().replaceFirst("^http://[^/]*", "").startsWith(only + "/");
        }

        String expand(String s) {
            for (Map.Entry<String, String> v : vars.entrySet()) {
                s = s.replace("{" + v.getKey() + "}", v.getValue());
            }
            return s;
        }

        RawHttp.Response send(Row row) {
            String target = expand(row.target());
            List<String> headers = new ArrayList<>();
            for (String h : row.headers()) {
                headers.add(expand(h));
            }
            RawHttp.Response r;
            if (row.chunked()) {
                try (RawHttp c = RawHttp.connect(port)) {
                    headers.add("Transfer-Encoding: chunked");
                    headers.add("Connection: close");
                    c.sendHead(row.method(), target, headers.toArray(String[]::new));
                    for (int off = 0; off < row.body().length; off += 16_000) {
                        c.sendChunk(Arrays.copyOfRange(row.body(), off, Math.min(row.body().length, off + 16_000)));
                    }
                    c.sendLastChunk();
                    r = c.readResponse();
                }
            } else {
                r = RawHttp.request(port, row.method(), target, row.body(), headers.toArray(String[]::new));
            }
            remember(row, r);
            answers.put(row.id(), r);
            return r;
        }

        /** The session cookies and the validators later rows send back. */
        private void remember(Row row, RawHttp.Response r) {
            for (String cookie : r.head().headers("Set-Cookie")) {
                Matcher m = Pattern.compile("^JSESSIONID=([^;]+);.*Path=([^;]+)").matcher(cookie);
                if (m.find()) {
                    vars.put(m.group(2).equals(PLAIN) ? "PLAIN_SESSION" : "SPRING_SESSION", m.group(1));
                }
            }
            if (row.id().equals("S01")) {
                vars.put("LAST_MODIFIED", String.valueOf(r.header("Last-Modified")));
                vars.put("ETAG", String.valueOf(r.header("ETag")));
            }
        }

        /**
         * What of an answer is compared, with what legitimately differs between two servers
         * replaced. Each replacement says why it is not a difference.
         */
        String normalize(String s) {
            // each server listens on its own port: Host, getServerPort, getRequestURL, Location
            s = s.replaceAll("(?<![0-9])" + port + "(?![0-9])", "PORT");
            // session ids are random (Tomcat's 16 bytes, 32 upper-case hex digits)
            s = s.replaceAll("(?<![0-9A-Za-z])[0-9A-F]{32}(?![0-9A-Za-z])", "SESSIONID");
            // a daemon process's session ids end in its route (".0": Tomcat's jvmRoute, which makes
            // sessions sticky, as a Tomcat behind mod_jk with jvmRoute set); the reference has none
            s = s.replaceAll("SESSIONID\\.[0-9]+(?![0-9])", "SESSIONID");
            // the client's ephemeral port of each connection
            s = s.replaceAll("(?m)^remotePort=[0-9]+$", "remotePort=N");
            // the reference is the 11.0.24 distribution from Maven Central, mod_jvm embeds 11.0.27:
            // the version in error reports, and the lines of Tomcat's own frames in their stack traces
            s = s.replaceAll("Apache Tomcat/11\\.0\\.[0-9]+", "Apache Tomcat/11.0.x");
            s = s.replaceAll("((?:org\\.apache\\.(?:catalina|coyote|tomcat)|jakarta\\.servlet)\\.[\\w.$]+\\(\\w+\\.java):[0-9]+\\)",
                    "$1:N)");
            // mod_jvm loads the engine with a class loader of its own, named mod_jvm-servlet, which a
            // stack frame shows (also HTML-escaped, in the error report)
            s = s.replace("mod_jvm-servlet//", "").replace("mod_jvm-servlet&#47;&#47;", "");
            // the reference has Tomcat's WebSocket support, whose filter is in every application's
            // chain; mod_jvm has none (Apache terminates the protocol: docs/servlet.md, "Limits")
            s = s.replaceAll("(?m)^\\s*org\\.apache\\.tomcat\\.websocket\\.server\\.WsFilter\\.doFilter\\(.*\\)\\n", "");
            return s;
        }
    }

    /** One difference: a row, an aspect, the reference's value and the candidate's. */
    record Diff(String row, String target, String aspect, String expected, String actual) {
        String key() {
            return row + "|" + aspect;
        }
    }

    // ------------------------------------------------------------------ the test

    @Test
    void theSameRequestsGetTheSameAnswers() {
        List<Diff> diffs = new ArrayList<>();
        for (Row row : rows()) {
            RawHttp.Response ref = reference.send(row);
            for (Target t : candidates) {
                if (t.runs(row)) {
                    diffs.addAll(compare(row, t, ref, t.send(row)));
                }
            }
        }
        Set<String> found = new LinkedHashSet<>();
        List<Diff> unexpected = new ArrayList<>();
        for (Diff d : diffs) {
            found.add(d.key());
            if (!KNOWN.containsKey(d.key())) {
                unexpected.add(d);
            }
        }
        List<String> stale = new ArrayList<>();
        for (String k : KNOWN.keySet()) {
            if (!found.contains(k)) {
                stale.add(k);
            }
        }
        String report = report(diffs, unexpected, stale);
        System.out.println(report);
        assertTrue(unexpected.isEmpty() && stale.isEmpty(), report);
    }

    static List<Diff> compare(Row row, Target t, RawHttp.Response ref, RawHttp.Response got) {
        List<Diff> out = new ArrayList<>();
        String id = row.id();
        if (ref.status() != got.status()) {
            out.add(new Diff(id, t.name, "status", Integer.toString(ref.status()), Integer.toString(got.status())));
        }
        // The reason phrase: Tomcat sends the code as the reason over AJP and mod_proxy_ajp passes
        // it on ("200 200"); mod_jvm lets Apache give its phrase ("200 OK"), except for codes
        // Apache has none for (then mod_jvm's line is the reference's). Compared when the
        // reference's is not its code, or when mod_jvm's is the code: a code alone would be wrong
        String code = Integer.toString(ref.status());
        boolean apachePhrase = ref.head().reason().equals(code) && !got.head().reason().isEmpty()
                && !got.head().reason().equals(code) && ref.status() == got.status();
        if (!ref.head().reason().equals(got.head().reason()) && !apachePhrase) {
            out.add(new Diff(id, t.name, "reason", ref.head().reason(), got.head().reason()));
        }
        Map<String, List<String>> refHeaders = headers(reference, ref);
        Map<String, List<String>> gotHeaders = headers(t, got);
        Set<String> names = new java.util.TreeSet<>(refHeaders.keySet());
        names.addAll(gotHeaders.keySet());
        for (String name : names) {
            List<String> a = refHeaders.getOrDefault(name, List.of());
            List<String> b = gotHeaders.getOrDefault(name, List.of());
            if (!a.equals(b)) {
                out.add(new Diff(id, t.name, "header " + name.toLowerCase(Locale.ROOT), String.join(" | ", a),
                        String.join(" | ", b)));
            }
        }
        String refBody = reference.normalize(ref.latin1());
        String gotBody = t.normalize(got.latin1());
        if (!refBody.equals(gotBody)) {
            out.add(new Diff(id, t.name, "body", refBody, gotBody));
        }
        if (ref.complete() != got.complete()) {
            out.add(new Diff(id, t.name, "complete", String.valueOf(ref.complete()), String.valueOf(got.complete())));
        }
        return out;
    }

    /**
     * The compared headers by name (case-insensitive), each with its spelling first (so a name
     * that reaches the client in another case is a difference) and its values normalized, in
     * the order sent.
     */
    static Map<String, List<String>> headers(Target t, RawHttp.Response r) {
        Map<String, List<String>> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, String> spelling = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> h : r.head().headers()) {
            if (NOT_COMPARED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            spelling.putIfAbsent(h.getKey(), h.getKey());
            m.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(t.normalize(h.getValue()));
        }
        // the name's spelling matters: record it with the values
        Map<String, List<String>> spelled = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.forEach((k, v) -> {
            List<String> values = new ArrayList<>();
            values.add("[" + spelling.get(k) + "]");
            values.addAll(v);
            spelled.put(k, values);
        });
        return spelled;
    }

    // ------------------------------------------------------------------ the report

    static String report(List<Diff> diffs, List<Diff> unexpected, List<String> stale) {
        StringBuilder b = new StringBuilder();
        List<Row> rows = rows();
        b.append("\n==== ServletDifferentialTest: ").append(rows.size()).append(" requests to the reference (Tomcat ")
                .append("behind mod_proxy_ajp) and to mod_jvm: daemon (all), embedded (").append(PLAIN).append(" only)\n");
        b.append(String.format("%-4s %-58s %4s %6s %8s  %s%n", "id", "request", "ref", "daemon", "embedded", "result"));
        Map<String, List<Diff>> byRow = new LinkedHashMap<>();
        for (Diff d : diffs) {
            byRow.computeIfAbsent(d.row(), k -> new ArrayList<>()).add(d);
        }
        int same = 0;
        for (Row row : rows) {
            List<Diff> ds = byRow.getOrDefault(row.id(), List.of());
            String result;
            if (ds.isEmpty()) {
                result = "same";
                same++;
            } else if (ds.stream().allMatch(d -> KNOWN.containsKey(d.key()))) {
                result = "known: " + String.join(", ", ds.stream().map(Diff::aspect).distinct().toList());
            } else {
                result = "DIFFERENT: " + String.join(", ", ds.stream().filter(d -> !KNOWN.containsKey(d.key()))
                        .map(d -> d.target() + " " + d.aspect()).distinct().toList());
            }
            b.append(String.format("%-4s %-58s %4s %6s %8s  %s%n", row.id(), row.shown(), status(reference, row),
                    status(candidates.get(0), row), status(candidates.get(1), row), result));
        }
        b.append(String.format("---- %d of %d requests answered the same; %d differences (%d unexpected), %d known%n",
                same, rows.size(), diffs.size(), unexpected.size(), KNOWN.size()));
        if (!diffs.isEmpty()) {
            b.append("---- differences (reference first, then mod_jvm)\n");
            String lastReason = null;
            for (Diff d : diffs) {
                String reason = KNOWN.get(d.key());
                b.append(reason == null ? "UNEXPECTED " : "known      ").append(d.row()).append(' ').append(d.target())
                        .append(' ').append(d.aspect()).append('\n');
                if (d.aspect().equals("body")) {
                    b.append(bodyDiff(shownUtf8(d.expected()), shownUtf8(d.actual())));
                } else {
                    b.append("    reference: ").append(shownUtf8(d.expected())).append("\n    mod_jvm:   ").append(shownUtf8(d.actual()))
                            .append('\n');
                }
                if (reason != null && !reason.equals(lastReason)) {
                    b.append("    why: ").append(reason).append('\n');
                }
                lastReason = reason;
            }
        }
        for (String s : stale) {
            b.append("STALE      ").append(s).append(": listed as a known difference, not found (remove it from KNOWN)\n");
        }
        return b.toString();
    }

    static String status(Target t, Row row) {
        RawHttp.Response r = t.answers.get(row.id());
        return r == null ? "-" : Integer.toString(r.status());
    }

    /** The lines only one side has (bodies are mostly key=value lines), at most a few of each. */
    static String bodyDiff(String a, String b) {
        List<String> la = List.of(a.split("\n", -1));
        List<String> lb = List.of(b.split("\n", -1));
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (String l : la) {
            if (!lb.contains(l) && shown++ < 8) {
                out.append("    - ").append(clip(l)).append('\n');
            }
        }
        shown = 0;
        for (String l : lb) {
            if (!la.contains(l) && shown++ < 8) {
                out.append("    + ").append(clip(l)).append('\n');
            }
        }
        if (out.length() == 0) {
            out.append("    (same lines, other order or line ends; lengths ").append(a.length()).append(" / ")
                    .append(b.length()).append(")\n");
        }
        return out.toString();
    }

    /** Bodies and headers are compared byte for byte (ISO-8859-1 strings), shown as UTF-8. */
    static String shownUtf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
