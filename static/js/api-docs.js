// Starts Swagger UI on /api/v1/docs/ from a file, not an inline script (the site's CSP allows none).
document.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    domNode: element,
    // No call to the public validator's badge: nothing leaves the site.
    validatorUrl: null,
    deepLinking: true,
  });
});
