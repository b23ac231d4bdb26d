package org.modjvm.tests;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A load generator: {@code threads} client threads send GET requests (one connection each, with
 * {@code Connection: close}) until {@link #stop()}, a total count or a time limit; every request
 * is recorded with its start and end time (System.nanoTime) and whether it was good.
 */
final class Load implements AutoCloseable {
    /** One request: times in ns (System.nanoTime), status (-1: no response), the pid in the answer if any. */
    record Sample(long start, long end, int status, boolean good, long pid, String body, String detail) {
        @Override
        public String toString() {
            return "status " + status + (good ? "" : " BAD") + " started " + start / 1_000_000 + " ms, took "
                    + (end - start) / 1_000_000 + " ms: " + detail;
        }
    }

    private final int port;
    private final String target;
    private final int threads;
    private final Predicate<RawHttp.Response> ok;
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger issued = new AtomicInteger();
    private ExecutorService pool;
    private int limit = Integer.MAX_VALUE;
    private long staggerMillis;

    /** {@code ok} decides whether a 200 answer is right (e.g. the body matches). */
    Load(int port, String target, int threads, Predicate<RawHttp.Response> ok) {
        this.port = port;
        this.target = target;
        this.threads = threads;
        this.ok = ok;
    }

    Load(ApacheServer s, String target, int threads) {
        this(s.port(), target, threads, r -> true);
    }

    /** Stops after this many requests in total. */
    Load limit(int total) {
        this.limit = total;
        return this;
    }

    /**
     * Thread k sends its first request k × {@code millis} after the first thread: clients of slow
     * requests that would otherwise run in step, all of them between two requests at once.
     */
    Load stagger(long millis) {
        this.staggerMillis = millis;
        return this;
    }

    Load start() {
        pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            long delay = t * staggerMillis;
            pool.submit(() -> {
                if (delay > 0) {
                    ApacheServer.sleep(delay);
                }
                loop();
            });
        }
        return this;
    }

    private void loop() {
        while (!stop.get() && issued.incrementAndGet() <= limit) {
            long start = System.nanoTime();
            try {
                RawHttp.Response r = RawHttp.get(port, target);
                boolean good = r.status() == 200 && r.complete() && ok.test(r);
                long pid = -1;
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid=(\\d+)").matcher(r.text());
                if (m.find()) {
                    pid = Long.parseLong(m.group(1));
                }
                String detail = good ? "" : r.toString();
                String text = r.text();
                samples.add(new Sample(start, System.nanoTime(), r.status(), good, pid,
                        text.length() > 200 ? text.substring(0, 200) : text, detail));
            } catch (RuntimeException e) {
                samples.add(new Sample(start, System.nanoTime(), -1, false, -1, "", e.toString()));
            }
        }
    }

    /** Waits until the count limit is reached (or {@code maxMillis}), then stops. */
    Load awaitDone(long maxMillis) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(maxMillis, TimeUnit.MILLISECONDS)) {
                stop.set(true);
                pool.awaitTermination(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    Load stop() {
        stop.set(true);
        if (pool != null) {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(90, TimeUnit.SECONDS)) {
                    throw new AssertionError("load threads did not end within 90 s of stop");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return this;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    List<Sample> failures() {
        return samples().stream().filter(s -> !s.good()).toList();
    }

    int count() {
        return samples.size();
    }

    /** Blocks until at least {@code n} requests have completed. */
    void awaitCount(int n, long maxMillis) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        while (samples.size() < n && System.nanoTime() < deadline) {
            ApacheServer.sleep(10);
        }
    }

    /** A short report: counts and the first few failures. */
    String report() {
        List<Sample> all = samples();
        List<Sample> bad = all.stream().filter(s -> !s.good()).toList();
        StringBuilder b = new StringBuilder();
        b.append(all.size()).append(" requests, ").append(bad.size()).append(" failed");
        for (Sample s : bad.subList(0, Math.min(5, bad.size()))) {
            b.append("\n  ").append(s);
        }
        return b.toString();
    }

    @Override
    public void close() {
        stop();
    }
}
