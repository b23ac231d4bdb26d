package org.modjvm.webapps.bootwebflux;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A WebFlux application as start.spring.io makes one: Boot runs it on Netty. */
@SpringBootApplication
@RestController
public class ReactiveApplication {
    public static void main(String[] args) {
        SpringApplication.run(ReactiveApplication.class, args);
    }

    @GetMapping("/")
    public Mono<Map<String, String>> index() {
        return Mono.just(Map.of("server", "netty"));
    }
}
