/**
 * Compiling scripts and the compiled-class cache. Public API for other programs (mod_jvm-express):
 * {@link org.modjvm.runtime.compile.CacheKey} (an entry's key and file, the compile lock) and
 * {@link org.modjvm.runtime.compile.RuntimeVersion}; the compiler process is
 * {@code org.modjvm.runtime.CompileMain}.
 */
package org.modjvm.runtime.compile;
