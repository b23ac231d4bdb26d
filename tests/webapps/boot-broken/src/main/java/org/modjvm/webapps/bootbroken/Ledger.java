package org.modjvm.webapps.bootbroken;

import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** The prod profile's ledger: its constructor throws when its journal file does not exist. */
@Component
@Profile("prod")
public class Ledger {
    public Ledger(@Value("${ledger.journal}") Path journal) {
        if (!Files.isRegularFile(journal)) {
            throw new IllegalStateException("the ledger's journal " + journal + " does not exist");
        }
    }
}
