package org.modjvm.runtime.core;

import java.util.List;

/**
 * The keys of the settings frame C gives the runtime, in both modes (docs/internals.md,
 * "Settings frame"): {@code Bootstrap.init}'s argument in embedded mode, {@code MOD_JVM_SETTINGS}
 * in a daemon's environment. The same list, in the same order, is native/config_keys.txt and
 * native/jvm_settings.c's; a unit test on each side checks its list against that file.
 */
public final class SettingKeys {
    // both modes
    public static final String VERSION = "mod_jvm.version";
    public static final String PROCESS_GROUP = "mod_jvm.process_group";
    public static final String MULTITHREAD = "mod_jvm.multithread";
    public static final String MULTIPROCESS = "mod_jvm.multiprocess";
    public static final String LOG_LEVEL = "mod_jvm.log_level";
    public static final String CACHE_DIR = "mod_jvm.cache_dir";
    public static final String UID = "mod_jvm.uid";
    public static final String JVM_HOME = "mod_jvm.jvm_home";
    public static final String REQUEST_TIMEOUT = "mod_jvm.request_timeout";
    // daemon mode only
    public static final String PROCESSES = "mod_jvm.daemon.processes";
    public static final String THREADS = "mod_jvm.daemon.threads";
    public static final String MAXIMUM_REQUESTS = "mod_jvm.daemon.maximum_requests";
    public static final String RESTART_INTERVAL = "mod_jvm.daemon.restart_interval";
    public static final String INACTIVITY_TIMEOUT = "mod_jvm.daemon.inactivity_timeout";
    public static final String GRACEFUL_TIMEOUT = "mod_jvm.daemon.graceful_timeout";
    public static final String SHUTDOWN_TIMEOUT = "mod_jvm.daemon.shutdown_timeout";
    public static final String QUEUE_TIMEOUT = "mod_jvm.daemon.queue_timeout";
    public static final String STARTUP_TIMEOUT = "mod_jvm.daemon.startup_timeout";
    public static final String SOCKET = "mod_jvm.daemon.socket";
    public static final String SOCKET_INODE = "mod_jvm.daemon.socket_inode";
    public static final String GENERATION = "mod_jvm.daemon.generation";
    /** The preloaded applications ("script|group|callable"), separated by NUL. */
    public static final String PRELOADS = "mod_jvm.daemon.preloads";
    public static final String SCRIPT_UID = "mod_jvm.daemon.script_uid";
    public static final String SCRIPT_USER = "mod_jvm.daemon.script_user";
    public static final String SCRIPT_GID = "mod_jvm.daemon.script_gid";
    public static final String SCRIPT_GROUP = "mod_jvm.daemon.script_group";
    /** The secrets are raw bytes (ISO-8859-1 strings, like every frame value). */
    public static final String SECRET = "mod_jvm.daemon.secret";
    public static final String PREVIOUS_SECRET = "mod_jvm.daemon.previous_secret";
    public static final String NEXT_SECRET = "mod_jvm.daemon.next_secret";
    /** The daemon process's route: its index in the group, the end of its session ids (sticky sessions). */
    public static final String ROUTE = "mod_jvm.daemon.route";
    /** The path of the process's own listening socket, inherited as fd 3 (absent: none, processes=1). */
    public static final String ROUTE_SOCKET = "mod_jvm.daemon.route_socket";

    /** Every key, in the order of native/config_keys.txt. */
    public static final List<String> ALL = List.of(VERSION, PROCESS_GROUP, MULTITHREAD, MULTIPROCESS, LOG_LEVEL,
            CACHE_DIR, UID, JVM_HOME, REQUEST_TIMEOUT, PROCESSES, THREADS, MAXIMUM_REQUESTS, RESTART_INTERVAL,
            INACTIVITY_TIMEOUT, GRACEFUL_TIMEOUT, SHUTDOWN_TIMEOUT, QUEUE_TIMEOUT, STARTUP_TIMEOUT, SOCKET,
            SOCKET_INODE, GENERATION, PRELOADS, SCRIPT_UID, SCRIPT_USER, SCRIPT_GID, SCRIPT_GROUP, SECRET,
            PREVIOUS_SECRET, NEXT_SECRET, ROUTE, ROUTE_SOCKET);

    private SettingKeys() {
    }
}
