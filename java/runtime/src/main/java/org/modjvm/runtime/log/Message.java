package org.modjvm.runtime.log;

import static org.modjvm.runtime.log.Log.CRIT;
import static org.modjvm.runtime.log.Log.DEBUG;
import static org.modjvm.runtime.log.Log.ERR;
import static org.modjvm.runtime.log.Log.INFO;
import static org.modjvm.runtime.log.Log.NOTICE;
import static org.modjvm.runtime.log.Log.WARNING;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry of the runtime's numbered log messages, JVM01nnn (the C module's,
 * JVM00nnn, are in native/jvm_messages.h). Each number is declared here once, with its Apache
 * log level and the start of its message (the row of docs/troubleshooting.md that explains it),
 * and every log call names its constant instead of a string, and no level: {@link Log} takes the
 * level from here, so one number is always logged at one level. A mistyped or reused number does
 * not compile, and MessageRegistryTest checks that each one is used and documented and that no
 * call site writes a level next to one. A line that needs another level is another message,
 * with a number of its own. A number whose message is gone stays retired: a new message takes a
 * free number, never an old one's.
 */
public enum Message {
    JVM01001(INFO, "mod_jvm runtime … started on Java …"),
    JVM01002(ERR, "(the runtime could not initialize: what failed, then its stack trace)", Message.STARTUP_FAILURE),
    JVM01003(ERR, "the mod_jvm runtime is not initialized (Bootstrap.init failed, see JVM01002): answering 500"),
    JVM01010(ERR, "invalid request frame from the web server"),
    JVM01011(ERR, "request frame has no SCRIPT_FILENAME"),
    JVM01012(ERR, "internal error in worker …"),
    JVM01015(ERR, "a request on Apache thread N ran longer than JvmRequestTimeout (S s): interrupted it"),
    JVM01100(ERR, "exception in application … for GET /…:"),
    JVM01101(ERR, "application … for …: …"),
    JVM01104(ERR, "exception closing the body of application …"),
    JVM01105(INFO, "client went away during …"),
    JVM01107(ERR, "application … (callable …, application group '…') …", Message.STARTUP_FAILURE),
    JVM01200(INFO, "loaded … into application group '…' generation N: …"),
    JVM01201(INFO, "… changed: reloading application group '…'"),
    JVM01202(DEBUG, "… has a new modification time or size but the same content"),
    JVM01203(DEBUG, "resolved …"),
    JVM01210(ERR, "cannot read script …", Message.STARTUP_FAILURE),
    JVM01211(ERR, "…/site.java:12: error: …", Message.STARTUP_FAILURE),
    JVM01212(ERR, "JvmHome … has no Java compiler (a JRE?)", Message.STARTUP_FAILURE),
    JVM01213(ERR, "application class … of …", Message.STARTUP_FAILURE),
    JVM01214(ERR, "class … is defined by both … and …", Message.STARTUP_FAILURE),
    JVM01215(ERR, "cannot initialize …:", Message.STARTUP_FAILURE),
    JVM01216(ERR, "cannot read jar …", Message.STARTUP_FAILURE),
    JVM01217(ERR, "cannot inspect class … of …", Message.STARTUP_FAILURE),
    JVM01218(WARNING, "…: N of its classes are on the class path", Message.STARTUP_FAILURE),
    JVM01219(ERR, "unexpected failure loading …", Message.STARTUP_FAILURE),
    JVM01220(ERR, "compiling … in a separate JVM (pid …) …"),
    JVM01221(INFO, "compiling scripts in this process (…), not in a separate JVM: …"),
    JVM01222(DEBUG, "the compiler process of … wrote to stderr"),
    JVM01223(INFO, "another process held the compile lock of …"),
    JVM01230(WARNING, "not using the compiled-class cache …: …"),
    JVM01231(WARNING, "cannot write compiled classes to the cache …"),
    JVM01232(WARNING, "ignoring cached classes …"),
    JVM01300(INFO, "daemon process of group … ready: pid …, Java …, N threads, N preloaded"),
    JVM01301(ERR, "connection rejected: …"),
    JVM01302(ERR, "accepting connections failed"),
    JVM01303(INFO, "recycling daemon process (pid …): …"),
    JVM01304(INFO, "daemon process (pid …) stopping: …"),
    JVM01305(WARNING, "N requests still running after the drain"),
    JVM01306(WARNING, "cannot announce this process in …"),
    JVM01310(ERR, "a request ran longer than request-timeout"),
    JVM01311(ERR, "protocol error"),
    JVM01312(ERR, "daemon connection failed"),
    JVM01313(ERR, "all N threads busy for more than queue-timeout"),
    /* written to stderr before the daemon's log exists: the relay logs such unmarked lines at warn (JVM00058) */
    JVM01320(WARNING, "daemon process: bad arguments from the Apache parent"),
    JVM01321(CRIT, "… without its listening socket"),
    JVM01322(CRIT, "daemon process of group … failed"),
    JVM01323(CRIT, "preloading took longer than startup-timeout"),
    JVM01324(ERR, "daemon process (pid …) is exiting (System.exit in an application?) with N requests running"),
    JVM01325(ERR, "the socket file … was removed or replaced"),
    JVM01326(NOTICE, "connections of group … wait for Apache asleep in read(), not in poll(): …"),
    JVM01327(ERR, "application group '…' not created: this JVM has N application groups already, the maximum …"),
    JVM01330(DEBUG, "removed … from the cache …: an earlier version of …"),
    JVM01335(WARNING, "Apache closed the connection of a request running for N s (…): interrupted the request's thread"),
    JVM01336(ERR, "a request given up on (…) still runs 2 s after its thread was interrupted …: N of M threads now stuck"),
    JVM01337(INFO, "application … for GET /… ended with … after its request was given up"),
    JVM01338(NOTICE, "daemon processes of group … cannot tell when Apache closes the connection of a running request: …"),
    JVM01340(DEBUG, "HEAD … (…): the head is sent, the body is closed without asking it for more chunks"),
    JVM01341(DEBUG, "HEAD … (…): the application wrote after the head, and write() ended it with an IOException"),
    JVM01345(ERR, "script … is owned by uid … gid …; daemon process group … runs only scripts owned by script-user=… (uid …) …: forbidden"),
    JVM01346(ERR, "script …: the symbolic link … is owned by uid …; daemon process group … follows only symbolic links of root, of its user … and of its script-user …: forbidden"),
    JVM01348(CRIT, "… cannot check the owner of a script: …"),
    JVM01349(INFO, "daemon process group … runs only scripts owned by …, checked on the file read (JNA, native part …)"),
    JVM01350(WARNING, "-Dmod_jvm.compile=… is neither 'process' nor 'inprocess': using 'process'"),
    JVM01351(INFO, "Apache closed the connection of a request running for N s (its client went away): interrupted the request's thread"),
    JVM01352(ERR, "cannot check the owner of script … (… requires …): …"),
    JVM01353(INFO, "daemon process (pid …) stopping before it was ready: …"),
    JVM01400(ERR, "web applications cannot be served: the servlet engine is not installed (…)", Message.STARTUP_FAILURE),
    JVM01401(CRIT, "the servlet engine could not start: …", Message.STARTUP_FAILURE),
    JVM01402(WARNING, "cannot remove the servlet work directories of processes that are gone from …: …"),
    JVM01403(INFO, "servlet engine … started for … in N ms (work directory …)"),
    JVM01404(INFO, "web application … deployed at context path … in N ms"),
    JVM01405(ERR, "web application … (context path …) failed to deploy: …; answering 503 until it changes", Message.STARTUP_FAILURE),
    JVM01406(WARNING, "… for … sets response header …: …; the header is left out"),
    JVM01407(ERR, "(an error of the servlet engine's own log: …) [its logger]"),
    JVM01408(ERR, "exception serving … for …"),
    JVM01409(INFO, "web application … changed: redeploying it"),
    JVM01410(WARNING, "(a warning of the servlet engine's own log: …) [its logger]"),
    JVM01411(INFO, "(an information line of the servlet engine's own log: …) [its logger]"),
    JVM01412(DEBUG, "(a debug line of the servlet engine's own log: …) [its logger]"),
    JVM01420(WARNING, "web application … (context path …) uses sessions in embedded mode with more than one Apache child: …"),
    JVM01421(INFO, "web application … (context path …): took over N sessions of route R saved by the process before"),
    JVM01422(INFO, "web application … (context path …): saved N sessions of route R for the next process"),
    JVM01423(WARNING, "this process cannot accept on its own socket …: …; requests of its sessions go to any process"),
    JVM01424(WARNING, "the process before on route R did not hand over its sessions within N s: …"),
    JVM01425(WARNING, "sessions of web applications are not kept across process replacement: …"),
    JVM01426(WARNING, "stopping the web applications (saving their sessions) took longer than N s: …"),
    JVM01440(INFO, "web application … is a javax.servlet application (Servlet 4.0 or older: …): converted to jakarta.servlet …"),
    JVM01441(ERR, "web application … is a javax.servlet application (…) and could not be converted to jakarta.servlet: …", Message.STARTUP_FAILURE),
    JVM01442(ERR, "web application … is a javax.servlet application (…), which Tomcat 11 cannot run as it is, and the converter … is not installed …", Message.STARTUP_FAILURE),
    JVM01450(INFO, "web application … (context path …): the new version (…) serves, N ms after the change was noticed; the old one stopped and handed over N sessions, …"),
    JVM01451(ERR, "the new version of web application … (context path …) failed to deploy: …; the old version keeps serving until the application changes again"),
    JVM01452(WARNING, "web application … (context path …): requests of a session still running in the old version after N s: stopping it anyway, they may fail"),
    JVM01453(WARNING, "web application … (context path …): the old version's sessions were not handed to the new one: …"),
    JVM01454(NOTICE, "Spring Boot application refuses traffic (its ReadinessState is REFUSING_TRAFFIC): daemon process (pid …) takes no requests until it accepts traffic again; …"),
    JVM01455(NOTICE, "Spring Boot application accepts traffic again (ReadinessState ACCEPTING_TRAFFIC): daemon process (pid …) takes requests"),
    JVM01460(INFO, "Spring Boot application … started at context path … in N ms: served through mod_jvm's connector, no TCP port"),
    JVM01461(ERR, "Spring Boot application … failed to start: …; the process exits before it is ready: …", Message.STARTUP_FAILURE),
    JVM01462(ERR, "Spring Boot application … refused: it is not a web application / a reactive (WebFlux) web application / started without mod_jvm's connector …; the process exits before it is ready: …", Message.STARTUP_FAILURE),
    JVM01463(ERR, "Spring Boot application … has context path … (server.servlet.context-path) but is mounted at …: set …; the process exits before it is ready: …", Message.STARTUP_FAILURE),
    JVM01464(ERR, "Spring Boot application …: Boot applications run in daemon mode only (…): answering 503"),
    JVM01465(WARNING, "stopping Spring Boot application … failed: …"),
    JVM01466(ERR, "Spring Boot application … refused: it runs on … (the Jetty starter's server), and mod_jvm is the connector of Boot's embedded Tomcat only: build it with the Tomcat starter …; the process exits before it is ready: …", Message.STARTUP_FAILURE),
    JVM01475(NOTICE, "Spring Boot application … changed: daemon process (pid …) asks the Apache parent for a successor, …"),
    JVM01476(NOTICE, "the successor of daemon process (pid …) is ready (pid …): this process stops taking requests, …"),
    JVM01477(ERR, "Spring Boot application did not start in this successor of pid …: it exits before it is ready; …"),
    JVM01478(INFO, "daemon process (pid …) takes over route R (the requests of its sessions) from the process it succeeds (pid …), …"),
    JVM01479(ERR, "web application … (context path …): the sessions of route R saved by the process it succeeds could not be read from …: …; their clients get new sessions");

    /**
     * The C module's lines that mean "the application (or its daemon group) did not start"
     * (JVM_STARTUP_FAILURES in native/jvm_messages.h; MessageRegistryTest keeps the two equal).
     */
    public static final List<String> NATIVE_STARTUP_FAILURES =
            List.of("JVM00011", "JVM00020", "JVM00051", "JVM00052", "JVM00055");

    private static final boolean STARTUP_FAILURE = true;

    private final int level;
    private final String summary;
    private final boolean startupFailure;

    Message(int level, String summary) {
        this(level, summary, false);
    }

    Message(int level, String summary, boolean startupFailure) {
        this.level = level;
        this.summary = summary;
        this.startupFailure = startupFailure;
    }

    /** The number, {@code JVMnnnnn}. */
    public String id() {
        return name();
    }

    /** The Apache log level it is always logged at, {@link Log#CRIT} … {@link Log#DEBUG}. */
    public int level() {
        return level;
    }

    /** {@code JVMnnnnn: }, for the lines written without a {@link Log} (at {@link #level}). */
    public String prefix() {
        return name() + ": ";
    }

    /** How the message starts (… for what the call site fills in), as documented. */
    public String summary() {
        return summary;
    }

    /** Whether the line means the application could not be started (a load or start failure). */
    public boolean startupFailure() {
        return startupFailure;
    }

    /**
     * The message numbered {@code id}, or null when there is none (a compiler process reports
     * its failure by number; one that says something else has failed in another way).
     */
    public static Message ofId(String id) {
        for (Message message : values()) {
            if (message.name().equals(id)) {
                return message;
            }
        }
        return null;
    }

    /**
     * An extended regular expression (grep -E) matching the numbers, of the runtime and of the C
     * module, of the lines that say an application did not start: what mod_jvm-express looks
     * for in the error log once Apache is up.
     */
    public static String startupFailurePattern() {
        List<String> ids = new ArrayList<>();
        for (Message message : values()) {
            if (message.startupFailure) {
                ids.add(message.id());
            }
        }
        ids.addAll(NATIVE_STARTUP_FAILURES);
        return String.join("|", ids);
    }
}
