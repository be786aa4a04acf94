// Sends the page's CSRF token with every request htmx makes (forms also carry it as a
// hidden field, so they work without this script).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
  }
});
