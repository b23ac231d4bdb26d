/**
 * Applications: scripts read (as their owner when script-user= asks), application groups and
 * their generations, class loaders, callables, reloading.
 */
package org.modjvm.runtime.apps;
