/* The widget page: a button that copies the snippet (the snippet itself is written by the server). */
(function () {
  "use strict";
  var button = document.querySelector(".widget-copy");
  if (!button || !navigator.clipboard) return;
  var status = document.querySelector(".widget-copy-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    var code = document.getElementById(button.getAttribute("data-copy"));
    navigator.clipboard.writeText(code.textContent).then(function () {
      status.textContent = button.getAttribute("data-copied");
    });
  });
})();
