package org.modjvm.webapps.rolling;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Makes the application's start as slow as rolling.start-delay-ms says (a request that waited for
 * it would take that long), or fail (rolling.fail=true: a bean that cannot be created).
 */
@Component
public class Startup implements InitializingBean {
    @Value("${rolling.start-delay-ms}")
    private long delayMillis;

    @Value("${rolling.fail}")
    private boolean fail;

    @Override
    public void afterPropertiesSet() throws InterruptedException {
        if (fail) {
            throw new IllegalStateException("rolling.fail=true: this version does not start");
        }
        Thread.sleep(delayMillis);
    }
}
