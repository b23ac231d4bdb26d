/** Logging to Apache's error log: levels, numbered lines, stack traces, stdout/stderr as lines. */
package org.modjvm.runtime.log;
