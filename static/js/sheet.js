// Referral sheet selection: up to five services kept in this browser (localStorage), nothing sent anywhere until
// the professional opens the sheet. Links marked data-sheet-add="ID" become add/remove toggles.
(function () {
  "use strict";
  var KEY = "qfq-sheet";
  var bar = document.getElementById("sheet-bar");
  if (!bar) { return; }
  var MAX = parseInt(bar.getAttribute("data-max"), 10) || 5;

  function load() {
    try { return (JSON.parse(window.localStorage.getItem(KEY)) || []).filter(function (id) { return /^\d+$/.test(id); }); }
    catch (e) { return []; }
  }
  function save(ids) { try { window.localStorage.setItem(KEY, JSON.stringify(ids)); } catch (e) { /* private mode */ } }

  function render(message) {
    var ids = load();
    bar.hidden = ids.length === 0 && !message;
    var one = ids.length === 1 || (ids.length === 0 && document.documentElement.lang === "fr");
    var count = bar.getAttribute(one ? "data-count-one" : "data-count-other").replace("{n}", ids.length);
    bar.querySelector(".sheet-count").textContent = message || count;
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
