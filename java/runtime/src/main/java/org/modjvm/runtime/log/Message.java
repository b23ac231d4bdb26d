package org.modjvm.runtime.log;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry of the runtime's numbered log messages, JVM01nnn (the C module's,
 * JVM00nnn, are in native/jvm_messages.h). Each number is declared here once, with the
 * start of its message (the row of docs/troubleshooting.md that explains it), and every log call
 * names its constant instead of a string: a mistyped or reused number does not compile, and
 * MessageRegistryTest checks that each one is used and documented. A number whose message is
 * gone stays retired: a new message takes a free number, never an old one's.
 */
public enum Message {
    JVM01001("mod_jvm runtime … started on Java …"),
    JVM01002("(the runtime could not initialize: what failed, then its stack trace)", Message.STARTUP_FAILURE),
    JVM01003("the mod_jvm runtime is not initialized (Bootstrap.init failed, see JVM01002): answering 500"),
    JVM01010("invalid request frame from the web server"),
    JVM01011("request frame has no SCRIPT_FILENAME"),
    JVM01012("internal error in worker …"),
    JVM01015("a request on Apache thread N ran longer than JvmRequestTimeout (S s): interrupted it"),
    JVM01100("exception in application … for GET /…:"),
    JVM01101("application … for …: …"),
    JVM01104("exception closing the body of application …"),
    JVM01105("client went away during …"),
    JVM01107("application … (callable …, application group '…') …", Message.STARTUP_FAILURE),
    JVM01200("loaded … into application group '…' generation N: …"),
    JVM01201("… changed: reloading application group '…'"),
    JVM01202("… has a new modification time or size but the same content"),
    JVM01203("resolved …"),
    JVM01210("cannot read script …", Message.STARTUP_FAILURE),
    JVM01211("…/site.java:12: error: …", Message.STARTUP_FAILURE),
    JVM01212("JvmHome … has no Java compiler (a JRE?)", Message.STARTUP_FAILURE),
    JVM01213("application class … of …", Message.STARTUP_FAILURE),
    JVM01214("class … is defined by both … and …", Message.STARTUP_FAILURE),
    JVM01215("cannot initialize …:", Message.STARTUP_FAILURE),
    JVM01216("cannot read jar …", Message.STARTUP_FAILURE),
    JVM01217("cannot inspect class … of …", Message.STARTUP_FAILURE),
    JVM01218("…: N of its classes are on the class path", Message.STARTUP_FAILURE),
    JVM01219("unexpected failure loading …", Message.STARTUP_FAILURE),
    JVM01220("compiling … in a separate JVM (pid …) …"),
    JVM01221("…"),
    JVM01222("the compiler process of … wrote to stderr"),
    JVM01223("another process held the compile lock of …"),
    JVM01230("not using the compiled-class cache …: …"),
    JVM01231("cannot write compiled classes to the cache …"),
    JVM01232("ignoring cached classes …"),
    JVM01300("daemon process of group … ready: pid …, Java …, N threads, N preloaded"),
    JVM01301("connection rejected: …"),
    JVM01302("accepting connections failed"),
    JVM01303("recycling daemon process (pid …): …"),
    JVM01304("daemon process (pid …) stopping: …"),
    JVM01305("N requests still running after the drain"),
    JVM01306("cannot announce this process in …"),
    JVM01310("a request ran longer than request-timeout"),
    JVM01311("protocol error"),
    JVM01312("daemon connection failed"),
    JVM01313("all N threads busy for more than queue-timeout"),
    JVM01320("daemon process: bad arguments from the Apache parent"),
    JVM01321("… without its listening socket"),
    JVM01322("daemon process of group … failed"),
    JVM01323("preloading took longer than startup-timeout"),
    JVM01324("daemon process (pid …) is exiting (System.exit in an application?) with N requests running"),
    JVM01325("the socket file … was removed or replaced"),
    JVM01326("connections of group … wait for Apache asleep in read(), not in poll(): …"),
    JVM01327("application group '…' not created: this JVM has N application groups already, the maximum …"),
    JVM01330("removed … from the cache …: an earlier version of …"),
    JVM01335("Apache closed the connection of a request running for N s (…): interrupted the request's thread"),
    JVM01336("a request given up on (…) still runs 2 s after its thread was interrupted …: N of M threads now stuck"),
    JVM01337("application … for GET /… ended with … after its request was given up"),
    JVM01338("daemon processes of group … cannot tell when Apache closes the connection of a running request: …"),
    JVM01340("HEAD … (…): the head is sent, the body is closed without asking it for more chunks"),
    JVM01341("HEAD … (…): the application wrote after the head, and write() ended it with an IOException"),
    JVM01345("script … is owned by uid … gid …; daemon process group … runs only scripts owned by script-user=… (uid …) …: forbidden"),
    JVM01346("script …: the symbolic link … is owned by uid …; daemon process group … follows only symbolic links of root, of its user … and of its script-user …: forbidden"),
    JVM01348("… cannot check the owner of a script: …"),
    JVM01349("daemon process group … runs only scripts owned by …, checked on the file read (JNA, native part …)"),
    JVM01400("web applications cannot be served: the servlet engine is not installed (…)", Message.STARTUP_FAILURE),
    JVM01401("the servlet engine could not start: …", Message.STARTUP_FAILURE),
    JVM01402("cannot remove the servlet work directories of processes that are gone from …: …"),
    JVM01403("servlet engine … started for … in N ms (work directory …)"),
    JVM01404("web application … deployed at context path … in N ms"),
    JVM01405("web application … (context path …) failed to deploy: …; answering 503 until it changes", Message.STARTUP_FAILURE),
    JVM01406("… for … sets response header …: …; the header is left out"),
    JVM01407("(a line of the servlet engine's own log, at its level)"),
    JVM01408("exception serving … for …"),
    JVM01409("web application … changed: redeploying it");

    /**
     * The C module's lines that mean "the application (or its daemon group) did not start"
     * (JVM_STARTUP_FAILURES in native/jvm_messages.h; MessageRegistryTest keeps the two equal).
     */
    public static final List<String> NATIVE_STARTUP_FAILURES =
            List.of("JVM00011", "JVM00020", "JVM00051", "JVM00052", "JVM00055");

    private static final boolean STARTUP_FAILURE = true;

    private final String summary;
    private final boolean startupFailure;

    Message(String summary) {
        this(summary, false);
    }

    Message(String summary, boolean startupFailure) {
        this.summary = summary;
        this.startupFailure = startupFailure;
    }

    /** The number, {@code JVMnnnnn}. */
    public String id() {
        return name();
    }

    /** {@code JVMnnnnn: }, for the lines written without a {@link Log}. */
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
