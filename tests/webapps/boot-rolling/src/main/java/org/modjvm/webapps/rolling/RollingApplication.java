package org.modjvm.webapps.rolling;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Boot application as start.spring.io makes it: nothing of mod_jvm in it. */
@SpringBootApplication
public class RollingApplication {
    public static void main(String[] args) {
        SpringApplication.run(RollingApplication.class, args);
    }
}
