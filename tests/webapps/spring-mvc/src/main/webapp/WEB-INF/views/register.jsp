<%@ page contentType="text/html;charset=UTF-8" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<%@ taglib prefix="form" uri="http://www.springframework.org/tags/form" %>
<!DOCTYPE html>
<html>
<head><title>spring-mvc register</title><link rel="stylesheet" href="<c:url value='/css/app.css'/>"></head>
<body>
<h1>Register</h1>
<form:form modelAttribute="registration" method="post">
  <p><label>Name <form:input path="name"/></label> <form:errors path="name" cssClass="error" element="span"/></p>
  <p><label>Email <form:input path="email"/></label> <form:errors path="email" cssClass="error" element="span"/></p>
  <p><label>Age <form:input path="age"/></label> <form:errors path="age" cssClass="error" element="span"/></p>
  <p><button type="submit">Register</button></p>
</form:form>
</body>
</html>
