package org.modjvm.webapps.jersey;

import java.util.List;

/** The JSON document of /api/items (Jackson maps the record both ways). */
public record Item(int id, String name, List<String> tags, double price) {
}
