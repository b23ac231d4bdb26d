package org.modjvm.webapps.jersey;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Plain text from a path parameter, a query parameter and a header: GET /api/hello/{name}. */
@Path("hello/{name}")
public class HelloResource {
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String hello(@PathParam("name") String name, @QueryParam("greeting") @DefaultValue("Hello") String greeting,
            @HeaderParam("X-Punctuation") @DefaultValue("!") String punctuation) {
        return greeting + ", " + name + punctuation + "\n";
    }
}
