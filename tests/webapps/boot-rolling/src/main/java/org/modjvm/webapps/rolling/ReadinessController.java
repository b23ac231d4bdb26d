package org.modjvm.webapps.rolling;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application that stops accepting traffic for a while (maintenance, a lost database), the way
 * Boot's documentation shows: it publishes {@code ReadinessState.REFUSING_TRAFFIC}, and
 * {@code ACCEPTING_TRAFFIC} again {@code ms} milliseconds later.
 */
@RestController
public class ReadinessController {
    private static final long PID = ProcessHandle.current().pid();

    private final ApplicationContext context;

    public ReadinessController(ApplicationContext context) {
        this.context = context;
    }

    @GetMapping("/refuse")
    public String refuse(@RequestParam(name = "ms") long ms) {
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }, "accept-traffic-later");
        later.setDaemon(true);
        later.start();
        return "refusing pid=" + PID + " ms=" + ms + "\n";
    }
}
