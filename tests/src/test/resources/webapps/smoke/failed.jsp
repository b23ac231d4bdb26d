<%@ page contentType="text/plain;charset=UTF-8" isErrorPage="true" %>smoke error page: failed <%= request.getAttribute("jakarta.servlet.error.message") %>
