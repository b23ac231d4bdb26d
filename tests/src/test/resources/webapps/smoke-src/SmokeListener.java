package smoke;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Fails the deploy if WEB-INF/fail-deploy is there; names the application's version from
 * WEB-INF/version (SmokeServlet says it) and starts slowly if WEB-INF/start-delay-ms says so
 * (ServletRollingTest).
 */
@WebListener
public class SmokeListener implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getResourceAsStream("/WEB-INF/fail-deploy") != null) {
            throw new IllegalStateException("SmokeListener: WEB-INF/fail-deploy present, failing on purpose");
        }
        String version = text(context, "/WEB-INF/version");
        if (version != null) {
            context.setAttribute("smoke.version", version);
        }
        String delay = text(context, "/WEB-INF/start-delay-ms");
        if (delay != null) {
            try {
                Thread.sleep(Long.parseLong(delay));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        context.setAttribute("smoke.listener", "initialized");
    }

    private static String text(ServletContext context, String path) {
        try (InputStream in = context.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
