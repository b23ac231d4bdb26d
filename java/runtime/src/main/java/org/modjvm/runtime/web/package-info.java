/**
 * Web applications (Servlet WARs and exploded directories) behind the same request path as
 * scripts: the engine interface a servlet engine's connector implements ({@link WebEngine},
 * found through {@link WebEngineProvider} by {@link WebEngines}), and what a request hands it
 * ({@link WebRequest}). The engine itself (Tomcat, connected by mod_jvm) lives in the module
 * {@code java/servlet}, loaded from the runtime directory's {@code servlet/} only when a web
 * application is first asked for: a JVM that runs scripts only never loads it.
 */
package org.modjvm.runtime.web;
