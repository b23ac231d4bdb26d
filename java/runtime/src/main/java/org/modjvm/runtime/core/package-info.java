/**
 * The request core, the same in both modes: decodes a request, finds the application, calls it,
 * sends the response through a {@link org.modjvm.runtime.core.Transport}, and turns every
 * failure into the right outcome.
 */
package org.modjvm.runtime.core;
