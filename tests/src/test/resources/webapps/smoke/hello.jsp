<%@ page contentType="text/html;charset=UTF-8" %><html><body><% for (int i = 1; i <= 3; i++) { %><p>row <%= i %> of <%= request.getContextPath() %></p><% } %></body></html>
