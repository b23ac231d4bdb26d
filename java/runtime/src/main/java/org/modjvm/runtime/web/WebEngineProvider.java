package org.modjvm.runtime.web;

import java.nio.file.Path;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;

/**
 * Makes the {@link WebEngine}: the service ({@code META-INF/services}) a servlet engine's
 * connector jar provides. Called once per JVM, by {@link WebEngines}.
 */
public interface WebEngineProvider {
    /**
     * @param config    the JVM's settings
     * @param serverLog where lines that belong to no request go
     * @param workDirectory a directory of this process only, private to its user, for the
     *                  unpacked WARs and the compiled JSPs
     */
    WebEngine start(RuntimeConfig config, Log serverLog, Path workDirectory) throws Exception;
}
