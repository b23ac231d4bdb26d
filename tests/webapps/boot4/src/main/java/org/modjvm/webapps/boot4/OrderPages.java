package org.modjvm.webapps.boot4;

import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A Thymeleaf page with a form: an order placed by POST goes into the session (a list of what
 * was ordered) and the browser is sent back to the page (redirect-after-post), which lists the
 * session's orders. Each order is logged (Logback, Boot's default, on the console).
 */
@Controller
public class OrderPages {
    private static final Logger LOG = LoggerFactory.getLogger(OrderPages.class);

    @Value("${shop.greeting}")
    private String greeting;

    @GetMapping("/orders")
    public String orders(HttpSession session, Model model) {
        model.addAttribute("greeting", greeting);
        model.addAttribute("orders", orders(session));
        return "orders";
    }

    @PostMapping("/orders")
    public String place(HttpSession session, @RequestParam("item") String item, @RequestParam("quantity") int quantity,
            RedirectAttributes redirect) {
        List<String> orders = orders(session);
        orders.add(quantity + " × " + item);
        session.setAttribute("orders", orders); // (set again: a session stored elsewhere sees the change)
        LOG.info("order placed: {} x {} (session has {} orders)", quantity, item, orders.size());
        redirect.addAttribute("placed", orders.size());
        return "redirect:/orders";
    }

    @SuppressWarnings("unchecked")
    private static List<String> orders(HttpSession session) {
        Object orders = session.getAttribute("orders");
        return orders == null ? new ArrayList<>() : (List<String>) orders;
    }
}
