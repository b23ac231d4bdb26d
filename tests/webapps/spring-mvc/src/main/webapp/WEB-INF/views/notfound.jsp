<%@ page contentType="text/html;charset=UTF-8" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html>
<head><title>spring-mvc not found</title></head>
<body>
<h1>Not found (spring-mvc 404 page)</h1>
<p class="path"><c:out value="${path}"/></p>
</body>
</html>
