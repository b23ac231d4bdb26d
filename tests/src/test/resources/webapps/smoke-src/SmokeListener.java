package smoke;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

@WebListener
public class SmokeListener implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        if (event.getServletContext().getResourceAsStream("/WEB-INF/fail-deploy") != null) {
            throw new IllegalStateException("SmokeListener: WEB-INF/fail-deploy present, failing on purpose");
        }
        event.getServletContext().setAttribute("smoke.listener", "initialized");
    }
}
