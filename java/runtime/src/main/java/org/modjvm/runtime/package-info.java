/**
 * The runtime's entry points, named by the C module and by command lines, and nothing else:
 * {@link org.modjvm.runtime.Bootstrap} and {@link org.modjvm.runtime.Worker} (embedded mode,
 * through JNI), {@link org.modjvm.runtime.Natives} (registered by RegisterNatives),
 * {@link org.modjvm.runtime.DaemonMain} (a daemon process's main class) and
 * {@link org.modjvm.runtime.CompileMain} (a compiler process's main class). Their names are
 * fixed: native/mod_jvm_embedded.c and native/mod_jvm_daemon.c spell them.
 */
package org.modjvm.runtime;
