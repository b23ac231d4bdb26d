package org.modjvm.servlet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.modjvm.runtime.web.WebRequest;
import org.modjvm.runtime.wire.RequestFrame;

/** The gate of a rollover (ServletRollingTest rolls real WARs over under load). */
class RolloverTest {
    private static WebRequest request(String uri, String headers) {
        HashMap<String, Object> environ = new HashMap<>();
        environ.put("REQUEST_URI", uri);
        environ.put("mod_jvm.headers", headers);
        return new WebRequest(new RequestFrame(0, 0, 0, environ), "/srv/shop.war", "/shop", null, null);
    }

    private static Rollover rollover(long mtime, long size) {
        return new Rollover(mtime, size, "JSESSIONID", "jsessionid");
    }

    @Test
    void aRequestCarriesASessionByItsCookieOrItsPathParameter() {
        Rollover rollover = rollover(1, 2);
        assertTrue(rollover.carriesSession(request("/shop/cart", "Host: x\nCookie: theme=dark; JSESSIONID=AB12.0")));
        assertTrue(rollover.carriesSession(request("/shop/cart;jsessionid=AB12.0?x=1", "Host: x")));
        assertFalse(rollover.carriesSession(request("/shop/cart", "Host: x\nCookie: theme=dark")));
        assertFalse(rollover.carriesSession(request("/shop/cart", "Host: x")));
        // the new version's cookie name counts too once the gate closes
        rollover.close("SHOPSESSION", "shopsession", 10);
        assertTrue(rollover.carriesSession(request("/shop/cart", "Cookie: SHOPSESSION=CD34.1")));
        assertTrue(rollover.carriesSession(request("/shop/cart", "Cookie: JSESSIONID=AB12.0")));
        rollover.open();
    }

    @Test
    void theHandOverWaitsForSessionRequestsLetThroughAndHoldsTheNextOnes() throws Exception {
        Rollover rollover = rollover(1, 2);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Integer> before = CompletableFuture.supplyAsync(() -> rollover.serve(
                request("/shop/a", "Cookie: JSESSIONID=1"), r -> {
                    running.countDown();
                    await(finish);
                    return 7;
                }));
        assertTrue(running.await(5, TimeUnit.SECONDS));
        assertFalse(rollover.close("JSESSIONID", "jsessionid", 100),
                "a session request let through still runs: not drained");
        // closed: the next request with a session waits, one without goes on
        CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> rollover.serve(
                request("/shop/b", "Cookie: JSESSIONID=2"), r -> 8));
        assertEquals(9, rollover.serve(request("/shop/c", "Host: x"), r -> 9));
        Thread.sleep(100);
        assertFalse(held.isDone(), "a request carrying a session waits while the gate is closed");
        finish.countDown();
        assertEquals(7, before.get(5, TimeUnit.SECONDS));
        assertTrue(rollover.close("JSESSIONID", "jsessionid", 5000), "drained once the request let through ended");
        assertFalse(held.isDone());
        rollover.open();
        assertEquals(8, held.get(5, TimeUnit.SECONDS));
        assertTrue(rollover.held() > 0);
    }

    @Test
    void aRolloverCoversTheVersionItDeploysUntilItIsDone() {
        Rollover rollover = rollover(100, 2000);
        assertTrue(rollover.covers(100, 2000));
        assertFalse(rollover.covers(101, 2000), "another change meanwhile: not this rollover's");
        assertFalse(rollover.done());
        rollover.finished();
        assertTrue(rollover.done());
        assertFalse(rollover.covers(100, 2000), "done: the deployment that took over answers for it");
    }

    @Test
    void aRolloverThatFailedCoversItsVersionUntilTheApplicationChangesAgain() {
        Rollover rollover = rollover(100, 2000);
        rollover.failed(null); // (the deploy threw: no deployment to ask)
        assertTrue(rollover.done());
        assertTrue(rollover.covers(100, 2000), "the same WAR: not tried again, the old version serves");
        assertFalse(rollover.covers(100, 2001), "changed again: the next rollover");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
