package org.modjvm.tests;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultScratchTest {
    @Test
    void explore() throws Exception {
        try (ApacheServer s = ApacheServer.create().name("scratch")) {
            Path app = s.installApp("faultapp.java", "fault");
            s.config("""
                    SetEnv MARKER_DIR @ROOT@/markers
                    JvmDaemonProcess fx processes=1 threads=8 request-timeout=3
                    JvmScriptAlias /e %s
                    JvmScriptAlias /d %s process-group=fx
                    """.formatted(app, app)).start();
            Daemons.awaitPids(s, "fx", 1, Duration.ofSeconds(15));
            System.out.println(FaultHarnessTest.get(s, "/e?case=ok"));
            System.out.println(FaultHarnessTest.get(s, "/d?case=ok"));
            for (String c : System.getProperty("cases", "checked,unchecked,error,null,oom,so,keepwrite,usewrite").split(",")) {
                for (String m : new String[] {"e", "d"}) {
                    long mark = s.errorLogMark();
                    long t0 = System.nanoTime();
                    var o = FaultHarnessTest.get(s, "/" + m + "?case=" + c + "&tag=T" + c);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    ApacheServer.sleep(1500);
                    System.out.println("=== " + m + " " + c + " -> " + o + " in " + ms + " ms");
                    System.out.println(FaultHarnessTest.tail(s.errorLogSince(mark), 15));
                }
            }
            System.out.println(FaultHarnessTest.snapshot(s));
        }
    }
}
