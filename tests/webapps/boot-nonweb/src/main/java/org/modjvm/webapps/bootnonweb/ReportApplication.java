package org.modjvm.webapps.bootnonweb;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A command-line application: its runner does its work and the application ends. */
@SpringBootApplication
public class ReportApplication {
    public static void main(String[] args) {
        SpringApplication.run(ReportApplication.class, args);
    }

    @Bean
    CommandLineRunner report() {
        // the tests look for this line: a refused application must not have done its work
        return args -> System.out.println("nightly report written");
    }
}
