// Search page enhancements; the page works without them.
// 1. Apply a filter as soon as a checkbox changes (the "Apply filters" button stays for keyboard and no-JS users).
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches(".facet input[type=checkbox]")) {
    var page = box.form.querySelector("input[name=page]");
    if (page) { page.remove(); }
    box.form.submit();
  }
});
// 2. On narrow screens, fold the filters so the results come first (one tap on "Filters" opens them).
document.addEventListener("DOMContentLoaded", function () {
  var filters = document.getElementById("filters");
  if (filters && window.matchMedia("(max-width: 59.99rem)").matches) {
    filters.open = false;
  }
});
