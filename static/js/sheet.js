// Referral sheet selection: up to five services kept in this browser (localStorage), nothing sent anywhere until
// the professional opens the sheet. Links marked data-sheet-add="ID" become add/remove toggles.
(function () {
  "use strict";
  var KEY = "qfq-sheet";
  var MAX = 5;
  var bar = document.getElementById("sheet-bar");
  if (!bar) { return; }

  function load() {
    try { return (JSON.parse(window.localStorage.getItem(KEY)) || []).filter(function (id) { return /^\d+$/.test(id); }); }
    catch (e) { return []; }
  }
  function save(ids) { try { window.localStorage.setItem(KEY, JSON.stringify(ids)); } catch (e) { /* private mode */ } }

  function render(message) {
    var ids = load();
    bar.hidden = ids.length === 0 && !message;
    bar.querySelector(".sheet-count").textContent = message || bar.getAttribute("data-count").replace("{n}", ids.length);
    var url = new URL(bar.getAttribute("data-url"), window.location.href);
    url.searchParams.set("ids", ids.join(","));
    bar.querySelector("a").href = url.pathname + url.search;
    Array.prototype.forEach.call(document.querySelectorAll("[data-sheet-add]"), function (link) {
      var chosen = ids.indexOf(link.getAttribute("data-sheet-add")) !== -1;
      link.setAttribute("role", "button");
      link.setAttribute("aria-pressed", chosen ? "true" : "false");
      link.textContent = bar.getAttribute(chosen ? "data-remove" : "data-add");
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-sheet-add]");
    if (link) {
      event.preventDefault();
      var id = link.getAttribute("data-sheet-add");
      var ids = load();
      var at = ids.indexOf(id);
      if (at !== -1) { ids.splice(at, 1); }
      else if (ids.length >= MAX) { render(bar.getAttribute("data-full")); return; }
      else { ids.push(id); }
      save(ids);
      render();
      return;
    }
    if (event.target.closest && event.target.closest("[data-sheet-clear]")) { save([]); render(); }
  });
  document.addEventListener("keydown", function (event) {  // role=button: Space activates too
    var link = event.target.closest && event.target.closest("[data-sheet-add]");
    if (link && event.key === " ") { event.preventDefault(); link.click(); }
  });
  // Popups of the map are added later: render again when one opens.
  document.addEventListener("sheet:refresh", function () { render(); });
  render();
})();
