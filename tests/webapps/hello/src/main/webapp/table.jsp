<%@ page contentType="text/html;charset=UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%-- The benchmark's JSP: a 50-row table, compiled by the engine (Jasper), no tag library. --%>
<!DOCTYPE html>
<html>
<head><title>table</title></head>
<body>
<table>
<tr><th>#</th><th>name</th><th>square</th></tr>
<% for (int i = 1; i <= 50; i++) { %>
<tr><td><%= i %></td><td>row <%= i %></td><td><%= i * i %></td></tr>
<% } %>
</table>
</body>
</html>
