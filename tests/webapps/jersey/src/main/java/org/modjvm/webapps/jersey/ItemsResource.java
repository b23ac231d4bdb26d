package org.modjvm.webapps.jersey;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JSON in and out: GET /api/items (query parameters {@code q}, a name substring, and
 * {@code limit}), GET /api/items/{id} (a 404 from the framework for an unknown id), POST
 * /api/items (JSON only: another media type is the framework's 415; answers 201 with a Location
 * built from the request's absolute URI, so it shows the host and port the application sees).
 */
@Path("items")
public class ItemsResource {
    private static final Map<Integer, Item> ITEMS = new ConcurrentSkipListMap<>(Map.of(
            1, new Item(1, "apple", List.of("fruit", "red"), 0.5),
            2, new Item(2, "pear", List.of("fruit"), 0.75),
            3, new Item(3, "walnut", List.of("nut"), 0.2)));
    private static final AtomicInteger NEXT_ID = new AtomicInteger(100);

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<Item> list(@QueryParam("q") String q, @QueryParam("limit") @DefaultValue("10") int limit) {
        return ITEMS.values().stream()
                .filter(i -> q == null || i.name().contains(q))
                .limit(limit)
                .toList();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Item get(@PathParam("id") int id) {
        Item item = ITEMS.get(id);
        if (item == null) {
            throw new NotFoundException("no item " + id);
        }
        return item;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(Item in, @Context UriInfo uri) {
        int id = NEXT_ID.getAndIncrement();
        Item stored = new Item(id, in.name(), in.tags() == null ? List.of() : List.copyOf(in.tags()), in.price());
        ITEMS.put(id, stored);
        return Response.created(uri.getAbsolutePathBuilder().path(Integer.toString(id)).build()).entity(stored).build();
    }
}
