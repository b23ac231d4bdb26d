package org.modjvm.webapps.boot35;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootVersion;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** JSON answers; the tests read them field by field. */
@RestController
public class InventoryController {
    @Value("${inventory.greeting}")
    private String greeting;

    @GetMapping("/")
    public Map<String, Object> index(HttpServletRequest request) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("greeting", greeting); // from the jar's application.properties
        answer.put("boot", SpringBootVersion.getVersion());
        answer.put("servletApi", request.getServletContext().getMajorVersion() + "."
                + request.getServletContext().getMinorVersion());
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
        answer.put("pid", ProcessHandle.current().pid()); // which process of the group has the session
        return answer;
    }

    /** A JSON body in, read by Jackson through the connector's request body. */
    @PostMapping("/items")
    public Map<String, Object> add(@RequestBody Map<String, Object> item) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("added", item.get("name"));
        answer.put("quantity", item.get("quantity"));
        return answer;
    }
}
