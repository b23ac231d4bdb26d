/* jvm_messages.h: the registry of the C module's numbered log messages, JVM00001-JVM00999.
 *
 * Every log line of the module starts with its number. Each number is defined here once, as the
 * "JVMnnnnn: " prefix, so that a call site writes ap_log_error(..., JVM00051 "daemon process %d ...")
 * and a number can neither be mistyped nor used by accident for a second failure. Each one has a
 * row in docs/troubleshooting.md (the comment is the start of the message); the runtime test
 * MessageRegistryTest checks that every number used is defined here and documented, and that
 * every number defined here is used. A message that is gone keeps its number retired: never
 * give a number a new meaning, take a free one. */
#ifndef JVM_MESSAGES_H
#define JVM_MESSAGES_H

#define JVM00001 "JVM00001: " /* JvmHome: the default JDK … has no lib/server/libjvm.so */
#define JVM00002 "JVM00002: " /* JvmRuntimeDirectory: … does not hold mod_jvm-runtime.jar and mod_jvm-api.jar */
#define JVM00003 "JVM00003: " /* JvmScriptAlias script|web application|Spring Boot application … is under DocumentRoot …: its source|its classes and WEB-INF/ …|the whole jar … may be served as a static file */
#define JVM00004 "JVM00004: " /* JvmCacheDirectory: cannot create … */
#define JVM00005 "JVM00005: " /* JvmOptions: the JVM in … rejects these options: … */
#define JVM00006 "JVM00006: " /* … process group '…' is not defined for server … */
#define JVM00010 "JVM00010: " /* JVM … from … created in child … in N ms */
#define JVM00011 "JVM00011: " /* cannot start the JVM from JvmHome … in child … */
#define JVM00012 "JVM00012: " /* JVM: … */
#define JVM00013 "JVM00013: " /* the JVM is exiting with status N */
#define JVM00014 "JVM00014: " /* the JVM aborted: Apache child … */
#define JVM00015 "JVM00015: " /* JVM option … */
#define JVM00020 "JVM00020: " /* no JVM in this Apache child (…): cannot run … */
#define JVM00021 "JVM00021: " /* cannot attach this Apache thread to the JVM */
#define JVM00022 "JVM00022: " /* cannot set up this thread in the JVM: … */
#define JVM00023 "JVM00023: " /* the runtime failed for …: … */
#define JVM00030 "JVM00030: " /* script … for … does not exist or is not a regular file */
#define JVM00031 "JVM00031: " /* invalid response from the application … */
#define JVM00032 "JVM00032: " /* the application … sent more than its Content-Length of … */
#define JVM00033 "JVM00033: " /* the application … sent N bytes but its Content-Length is M */
#define JVM00034 "JVM00034: " /* response from … aborted after … */
#define JVM00035 "JVM00035: " /* the request's environ (N bytes: its headers) is too large */
#define JVM00036 "JVM00036: " /* the application side ended the request for … without a response */
#define JVM00037 "JVM00037: " /* reading the request body of … failed: … */
#define JVM00038 "JVM00038: " /* the request body of … (Content-Length of N bytes) is over the LimitRequestBody of M bytes: 413 before the application runs */
#define JVM00040 "JVM00040: " /* JvmScriptAliasMatch: substitution of '…' failed */
#define JVM00041 "JVM00041: " /* cannot run …: … */
#define JVM00042 "JVM00042: " /* … would run embedded, but JvmRestrictEmbedded is On */
#define JVM00050 "JVM00050: " /* started daemon process N of group … (pid …) */
#define JVM00051 "JVM00051: " /* daemon process N of group … (pid …) … */
#define JVM00052 "JVM00052: " /* daemon process …: cannot switch to user … */
#define JVM00053 "JVM00053: " /* cannot fork daemon process … */
#define JVM00054 "JVM00054: " /* daemon process N of group … (pid …) … */
#define JVM00055 "JVM00055: " /* JvmDaemonProcess …: … */
#define JVM00058 "JVM00058: " /* JVM: … */
#define JVM00060 "JVM00060: " /* daemon process group … was not started */
#define JVM00061 "JVM00061: " /* cannot connect to daemon process group … within … */
#define JVM00062 "JVM00062: " /* cannot send the request to daemon process group … */
#define JVM00063 "JVM00063: " /* timeout waiting for daemon process group … (socket-timeout) */
#define JVM00064 "JVM00064: " /* daemon process group … while handling … */
#define JVM00066 "JVM00066: " /* daemon process group … kept closing connections (draining) … longer than connect-timeout */
#define JVM00067 "JVM00067: " /* the socket … of daemon process group … was removed or replaced */
#define JVM00068 "JVM00068: " /* daemon process group …: cannot create its socket again */
#define JVM00069 "JVM00069: " /* daemon process group … reset the connection before reading …: sent again */
#define JVM00070 "JVM00070: " /* JvmDaemonProcess …: the daemon processes would run in the root group (gid 0): … */
#define JVM00071 "JVM00071: " /* JvmSocketPrefix …: the daemon sockets would be in a directory others can change: … */
#define JVM00072 "JVM00072: " /* JvmCacheDirectory …: … */
#define JVM00073 "JVM00073: " /* … has no Java compiler (…), but JvmScriptAlias … mounts the Java source … */
#define JVM00074 "JVM00074: " /* JvmScriptAlias … at … is never reached: the earlier JvmScriptAlias … mounts every URL under it */
#define JVM00080 "JVM00080: " /* daemon process N of group … (pid …) died before it was ready, K times in a row: the next one starts in S s */
#define JVM00081 "JVM00081: " /* no process of daemon process group … is ready for …: … */
#define JVM00095 "JVM00095: " /* JvmDaemonProcess …: script-user=/script-group= need jna.jar and libjnidispatch.so in the runtime directory … */
#define JVM00100 "JVM00100: " /* web application … for … does not exist */
#define JVM00110 "JVM00110: " /* the socket … of daemon process N of group … (its sessions' route) was removed or replaced */
#define JVM00111 "JVM00111: " /* daemon process group …: cannot create the socket of process N again: … */
#define JVM00112 "JVM00112: " /* a session of daemon process N of group … for …: no such process accepts on its socket / its socket is gone …; sent to any process of the group */
#define JVM00113 "JVM00113: " /* a session of daemon process N of group … for …: the process was not ready within socket-timeout …; sent to any process of the group */
#define JVM00120 "JVM00120: " /* JvmScriptAlias … (at …): web application … cannot be read by user … (uid …), who runs it (…): … */
#define JVM00130 "JVM00130: " /* JvmScriptAlias … (at …): … is a Spring Boot application, which runs in daemon mode only: … */
#define JVM00131 "JVM00131: " /* JvmScriptAlias … (at …): daemon process group … already runs the Spring Boot application …: one per group */
#define JVM00132 "JVM00132: " /* JvmScriptAlias … (at …): daemon process group … gives the Spring Boot application … the context path … (-Dserver.servlet.context-path= in jvm-options=), but mounts it at …: … */
#define JVM00135 "JVM00135: " /* daemon process N of group … (pid …) asked for a successor (its application changed): started pid …; the old process serves until the successor is ready */
#define JVM00136 "JVM00136: " /* the successor (pid …) of daemon process N of group … died before it was ready (…), K times in a row: pid … keeps serving the application as it was; the next successor starts in S s */
#define JVM00137 "JVM00137: " /* daemon process N of group … (pid …) exited (…): its successor (pid …, ready) takes its place */
#define JVM00138 "JVM00138: " /* the successor (pid …) of daemon process N of group … died after it was ready, before it took the slot over (…): a new process starts when the old one exits */
#define JVM00139 "JVM00139: " /* daemon process of group …: the Spring Boot jar … is still being written after N s (…): the process exits before it starts, and the group restarts it with a growing delay (JVM00080) */
#define JVM00140 "JVM00140: " /* daemon process of group … runs the Spring Boot jar … in place, not from a private copy: …; replace the jar by renaming a new file over it (mv), never by writing into it (cp, scp) */
#define JVM00141 "JVM00141: " /* JvmScriptAlias …: '…' is a Spring Boot executable jar with Boot's classic launcher (…JarLauncher: Boot before 3.2, or … CLASSIC): …; build the application with Boot 3.2 or later and its default launcher */

/* The lines that mean "the application (or its daemon group) did not start": mod_jvm-express
 * looks for them in the error log after starting Apache. The Java side reads this list through
 * Message.NATIVE_STARTUP_FAILURES (MessageRegistryTest keeps the two equal). */
#define JVM_STARTUP_FAILURES "JVM00011 JVM00020 JVM00051 JVM00052 JVM00055"

#endif
