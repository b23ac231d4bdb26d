package org.modjvm.tests;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** On a failing test, prints the tail of the error log of every server still running (Tomcat's too). */
public final class DumpLogOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        for (ApacheServer s : ApacheServer.LIVE) {
            System.err.println("==== " + context.getDisplayName() + " failed: " + cause);
            System.err.println(s.diagnostics());
        }
        for (TomcatServer t : TomcatServer.LIVE) {
            System.err.println("==== " + context.getDisplayName() + " failed: " + cause);
            System.err.println(t.diagnostics());
        }
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        testFailed(context, cause);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        // nothing
    }
}
