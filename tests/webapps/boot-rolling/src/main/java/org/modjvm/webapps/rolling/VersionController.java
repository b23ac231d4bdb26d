package org.modjvm.webapps.rolling;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** "version=V pid=P": which jar and which process answered. */
@RestController
public class VersionController {
    private static final long PID = ProcessHandle.current().pid();

    @Value("${rolling.version}")
    private String version;

    /** At /v too: a path segment that can carry ";jsessionid=" (the route of a session, for Apache). */
    @GetMapping({"/", "/v"})
    public String index() {
        return "version=" + version + " pid=" + PID + "\n";
    }

    /** The visits of this session: a reload must not lose them (its sessions are handed over). */
    @GetMapping("/visits")
    public String visits(jakarta.servlet.http.HttpSession session) {
        Integer visits = (Integer) session.getAttribute("visits");
        visits = visits == null ? 1 : visits + 1;
        session.setAttribute("visits", visits);
        return "version=" + version + " pid=" + PID + " visits=" + visits + "\n";
    }

    /** Answers after ms milliseconds: a request still running when its process is replaced. */
    @GetMapping("/slow")
    public String slow(@RequestParam(name = "ms", defaultValue = "1000") long ms) throws InterruptedException {
        Thread.sleep(ms);
        return "version=" + version + " pid=" + PID + " slept=" + ms + "\n";
    }
}
