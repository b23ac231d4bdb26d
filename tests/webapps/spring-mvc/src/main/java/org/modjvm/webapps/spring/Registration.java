package org.modjvm.webapps.spring;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The registration form, validated by Hibernate Validator (bean validation). */
public class Registration {
    @NotBlank(message = "name is required")
    @Size(max = 20, message = "name is at most {max} characters")
    private String name;

    @NotBlank(message = "email is required")
    @Email(message = "email is not an address")
    private String email;

    @NotNull(message = "age is required")
    @Min(value = 18, message = "age must be at least {value}")
    @Max(value = 150, message = "age must be at most {value}")
    private Integer age;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public Integer getAge() {
        return age;
    }

    public void setAge(Integer age) {
        this.age = age;
    }
}
