/**
 * Web applications on Tomcat's servlet engine, with mod_jvm as its connector (docs/servlet.md;
 * why Tomcat: docs/internals.md, "Web applications"). The runtime finds
 * {@link org.modjvm.servlet.TomcatEngineProvider} as a service; the engine, the Coyote processor
 * and the request mapping are in {@code internal}.
 */
package org.modjvm.servlet;
