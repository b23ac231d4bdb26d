package org.modjvm.webapps.bootbroken;

import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Needs inventory.warehouse, which only the prod profile's properties set. */
@RestController
public class WarehouseController {
    private final String warehouse;

    public WarehouseController(@Value("${inventory.warehouse}") String warehouse) {
        this.warehouse = warehouse;
    }

    @GetMapping("/")
    public Map<String, String> index() {
        return Map.of("warehouse", warehouse);
    }
}
