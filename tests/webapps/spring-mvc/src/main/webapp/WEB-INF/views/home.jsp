<%@ page contentType="text/html;charset=UTF-8" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html>
<head><title>spring-mvc home</title><link rel="stylesheet" href="<c:url value='/css/app.css'/>"></head>
<body>
<h1>Spring MVC home</h1>
<p id="views">home views in this session: <c:out value="${views}"/></p>
<p><a href="<c:url value='/register'/>">register</a></p>
</body>
</html>
