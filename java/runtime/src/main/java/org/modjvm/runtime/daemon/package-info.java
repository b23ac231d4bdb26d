/**
 * Daemon mode: the server of a daemon process (accepting Apache's connections on its socket),
 * a connection's frames, recycling, and the settings from the daemon's command line.
 */
package org.modjvm.runtime.daemon;
