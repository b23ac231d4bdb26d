package org.modjvm.webapps.bootjetty;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Spring MVC on Jetty (the Jetty starter in place of Tomcat's). */
@SpringBootApplication
@RestController
public class JettyApplication {
    public static void main(String[] args) {
        SpringApplication.run(JettyApplication.class, args);
    }

    @GetMapping("/")
    public Map<String, String> index() {
        return Map.of("server", "jetty");
    }
}
