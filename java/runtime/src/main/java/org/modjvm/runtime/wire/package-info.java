/** The frames C and Java exchange (request, config, response head): their layout and codecs. */
package org.modjvm.runtime.wire;
