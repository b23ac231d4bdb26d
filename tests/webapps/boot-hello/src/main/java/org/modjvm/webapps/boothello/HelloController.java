package org.modjvm.webapps.boothello;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The benchmark's hello world: the 12 bytes every other bench/run target answers, as text/plain. */
@RestController
public class HelloController {
    @GetMapping(path = "/hello", produces = MediaType.TEXT_PLAIN_VALUE)
    public String hello() {
        return "Hello World!";
    }
}
