<%@ page contentType="text/html;charset=UTF-8" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html>
<head><title>spring-mvc registered</title><link rel="stylesheet" href="<c:url value='/css/app.css'/>"></head>
<body>
<c:if test="${not empty message}"><p class="message"><c:out value="${message}"/></p></c:if>
<h1>Registered in this session</h1>
<ul>
<c:forEach var="name" items="${names}">
  <li><c:out value="${name}"/></li>
</c:forEach>
</ul>
</body>
</html>
