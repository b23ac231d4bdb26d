package org.modjvm.webapps.sci;

/**
 * A type the initializer asks the container for (@HandlesTypes): the application's
 * implementations are found by the container's class scan, the way Spring's
 * WebApplicationInitializer implementations are.
 */
public interface Plugin {
    /** A name the /sci servlet lists. */
    String name();
}
