package org.modjvm.webapps.spring;

import jakarta.validation.Valid;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * GET / (home, counting views in the session bean); GET /register (the form); POST /register
 * (invalid: the form again, 200, with the errors; valid: redirect-after-post to /registered with a
 * flash message); GET /registered (the flash message and the session's names); GET /fail (throws:
 * the application's error page).
 */
@Controller
public class ShopController {
    private final Visits visits;

    public ShopController(Visits visits) {
        this.visits = visits;
    }

    @GetMapping("/")
    public String home(Model model) {
        model.addAttribute("views", visits.countHomeView());
        return "home";
    }

    @GetMapping("/register")
    public String form(Model model) {
        model.addAttribute("registration", new Registration());
        return "register";
    }

    @PostMapping("/register")
    public String register(@Valid @ModelAttribute("registration") Registration registration, BindingResult result,
            RedirectAttributes redirect) {
        if (result.hasErrors()) {
            return "register";
        }
        visits.registered(registration.getName());
        redirect.addFlashAttribute("message", "Registered " + registration.getName());
        return "redirect:/registered";
    }

    @GetMapping("/registered")
    public String registered(Model model) {
        model.addAttribute("names", visits.getRegistered());
        return "registered";
    }

    @GetMapping("/fail")
    public String fail() {
        throw new IllegalStateException("spring-mvc fails on purpose");
    }
}
