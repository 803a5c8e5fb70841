// Starts Swagger UI on the API's own OpenAPI document (served by this site, no CDN).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
  });
})();
