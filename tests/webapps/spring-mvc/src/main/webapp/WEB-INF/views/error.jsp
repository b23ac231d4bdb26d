<%@ page contentType="text/html;charset=UTF-8" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html>
<head><title>spring-mvc error</title></head>
<body>
<h1>Something went wrong (spring-mvc error page)</h1>
<p class="error"><c:out value="${message}"/></p>
</body>
</html>
