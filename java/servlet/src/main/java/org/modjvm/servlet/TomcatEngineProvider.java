package org.modjvm.servlet;

import java.nio.file.Path;
import org.modjvm.runtime.core.RuntimeConfig;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.web.WebEngine;
import org.modjvm.runtime.web.WebEngineProvider;
import org.modjvm.servlet.internal.TomcatEngine;

/**
 * The runtime's way in ({@code META-INF/services}): Tomcat's servlet engine with mod_jvm as its
 * connector. Everything else of this module is internal ({@code org.modjvm.servlet.internal}).
 */
public final class TomcatEngineProvider implements WebEngineProvider {
    @Override
    public WebEngine start(RuntimeConfig config, Log serverLog, Path workDirectory) throws Exception {
        return TomcatEngine.start(config, serverLog, workDirectory);
    }
}
