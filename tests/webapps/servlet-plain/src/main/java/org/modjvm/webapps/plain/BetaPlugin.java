package org.modjvm.webapps.plain;

import org.modjvm.webapps.sci.Plugin;

/** Found by the container's @HandlesTypes scan for sci-lib's initializer. */
public final class BetaPlugin implements Plugin {
    @Override
    public String name() {
        return "beta";
    }
}
