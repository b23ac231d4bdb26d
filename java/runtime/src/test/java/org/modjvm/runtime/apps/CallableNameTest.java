package org.modjvm.runtime.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.modjvm.runtime.compile.ScriptLoadException;

/** JvmCallableObject names (moved from FramesTest with the class it tests). */
class CallableNameTest {
    @Test
    void parsesCallableNames() throws ScriptLoadException {
        assertEquals(new CallableName(null, "application"), CallableName.parse(""));
        assertEquals(new CallableName(null, "app"), CallableName.parse("app"));
        assertEquals(new CallableName("com.example.App", "handle"), CallableName.parse("com.example.App::handle"));
        assertEquals(new CallableName("Outer$Inner", "handle"), CallableName.parse("Outer$Inner::handle"));
        for (String bad : new String[] {"a b", "::x", "A::", "a.b", "com..App::x", "1x"}) {
            assertThrows(ScriptLoadException.class, () -> CallableName.parse(bad), bad);
        }
    }
}
