<%@ page contentType="text/plain;charset=UTF-8" %>smoke error page: not found <%= request.getAttribute("jakarta.servlet.error.request_uri") %>
