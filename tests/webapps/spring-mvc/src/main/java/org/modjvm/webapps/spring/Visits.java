package org.modjvm.webapps.spring;

import java.io.Serializable;
import org.springframework.stereotype.Component;
import org.springframework.web.context.annotation.SessionScope;

/**
 * A session-scoped bean (one per HttpSession, reached through a class proxy): the number of
 * times this session saw the home page, and the names it registered.
 */
@Component
@SessionScope
public class Visits implements Serializable {
    private static final long serialVersionUID = 1L;
    private int homeViews;
    private final java.util.List<String> registered = new java.util.ArrayList<>();

    public synchronized int countHomeView() {
        return ++homeViews;
    }

    public synchronized void registered(String name) {
        registered.add(name);
    }

    public synchronized java.util.List<String> getRegistered() {
        return java.util.List.copyOf(registered);
    }
}
