package org.modjvm.webapps.boot4;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** JSON answers; the tests read them field by field. */
@RestController
public class ShopController {
    @Value("${shop.greeting}")
    private String greeting;

    @GetMapping("/")
    public Map<String, Object> index(HttpServletRequest request) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("greeting", greeting); // from the jar's application.properties
        answer.put("contextPath", request.getContextPath());
        answer.put("requestUri", request.getRequestURI());
        answer.put("serverPort", request.getServerPort());
        answer.put("server", request.getServletContext().getServerInfo());
        return answer;
    }

    /** Counts the requests of a session: the attribute survives between requests. */
    @GetMapping("/visits")
    public Map<String, Object> visits(HttpSession session, @RequestParam(name = "name", defaultValue = "") String name) {
        Integer visits = (Integer) session.getAttribute("visits");
        visits = visits == null ? 1 : visits + 1;
        session.setAttribute("visits", visits);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("visits", visits);
        answer.put("name", name);
        return answer;
    }
}
