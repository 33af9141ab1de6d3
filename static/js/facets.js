// Apply a filter as soon as a checkbox changes (the "Apply filters" button stays for keyboard and no-JS users).
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches(".facet input[type=checkbox]")) {
    var page = box.form.querySelector("input[name=page]");
    if (page) { page.remove(); }
    box.form.submit();
  }
});
