/* Qui fait quoi / Wie doet wat — embeddable search box.
 *
 *   <div data-qfq-widget data-lang="fr" data-bassin="nord"></div>
 *   <script src="https://<this site>/static/js/widget.js" defer></script>
 *
 * Builds a labelled search box and a list of services inside every [data-qfq-widget] element, pre-filtered by
 * data-bassin, data-commune, data-sector (codes; commas for several), in data-lang (fr or nl). Calls the public
 * API of the site that serves this script (CORS, credentials omitted: no cookie), writes only text nodes (no
 * innerHTML, no eval), and its labels come from /api/v1/widget (the site's translations). */
(function () {
  "use strict";
  var script = document.currentScript;
  var ORIGIN = script ? new URL(script.src, window.location.href).origin : window.location.origin;
  var FILTERS = ["bassin", "commune", "sector", "quartier", "public"];
  var SHOWN = 10;
  var counter = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function query(params) {
    return Object.keys(params)
      .filter(function (key) { return params[key] !== "" && params[key] != null; })
      .map(function (key) { return encodeURIComponent(key) + "=" + encodeURIComponent(params[key]); })
      .join("&");
  }

  function getJSON(url) {
    return fetch(url, { credentials: "omit", mode: "cors", headers: { Accept: "application/json" } }).then(
      function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }
    );
  }

  function addStyle(api) {
    var href = api + "/static/css/widget.css";
    var links = document.querySelectorAll("link[rel=stylesheet]");
    for (var i = 0; i < links.length; i++) if (links[i].href === href) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  function build(root, api, lang, filters, info) {
    var t = info.labels;
    var id = "qfq-widget-" + ++counter;
    var box = el("section", "qfq-widget");
    box.setAttribute("lang", lang);
    box.setAttribute("aria-labelledby", id + "-title");
    var title = el("h2", "qfq-title", t.title);
    title.id = id + "-title";
    var form = el("form", "qfq-form");
    form.setAttribute("role", "search");
    var label = el("label", "qfq-label", t.search_label);
    label.htmlFor = id + "-q";
    var input = el("input", "qfq-input");
    input.type = "search";
    input.id = id + "-q";
    input.name = "q";
    input.autocomplete = "off";
    input.placeholder = t.placeholder;
    input.maxLength = 200;
    var button = el("button", "qfq-submit", t.submit);
    button.type = "submit";
    form.append(label, input, button);
    var status = el("p", "qfq-status");
    status.setAttribute("role", "status");
    var list = el("ul", "qfq-results");
    list.setAttribute("aria-label", t.results);
    var more = el("a", "qfq-more", t.more);
    var source = el("p", "qfq-source", t.source);
    box.append(title, form, status, list, more, source);
    root.replaceChildren(box);

    var pending = 0;
    var timer = null;

    function link(q) {
      return info.search_url + "?" + query(Object.assign({ q: q }, filters));
    }

    function render(answer, q) {
      list.replaceChildren();
      var seen = {};
      answer.hits.forEach(function (hit) {
        if (seen[hit.service_id]) return;
        seen[hit.service_id] = true;
        var item = el("li", "qfq-item");
        var name = el("a", "qfq-name", hit["name_" + lang] || hit.name_fr || hit.name_nl);
        name.href = api + "/" + lang + "/services/" + hit.service_id;
        item.append(name);
        var org = hit["organization_" + lang] || hit.organization_fr;
        if (org && org !== name.textContent) item.append(el("span", "qfq-org", org));
        var address = hit["address_" + lang] || hit.address_fr;
        if (address) item.append(el("span", "qfq-address", address));
        if (hit.phones && hit.phones.length) {
          var phone = el("a", "qfq-phone", hit.phones[0]);
          phone.href = "tel:" + hit.phones[0].replace(/[^+0-9]/g, "");
          phone.setAttribute("aria-label", t.phone + " " + hit.phones[0]);
          item.append(phone);
        }
        list.append(item);
      });
      var n = answer.total;
      var shown = Object.keys(seen).length;
      status.textContent =
        n === 0 ? t.none : n === 1 ? t.one : (n > shown ? t.many : t.all).replace("{n}", n).replace("{shown}", shown);
      more.href = link(q);
    }

    function search(q) {
      var ticket = ++pending;
      status.textContent = t.loading;
      var params = Object.assign({ q: q, lang: lang, per_page: SHOWN }, filters);
      getJSON(api + "/api/v1/services?" + query(params)).then(
        function (answer) { if (ticket === pending) render(answer, q); },
        function () { if (ticket === pending) { list.replaceChildren(); status.textContent = t.error; } }
      );
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      search(input.value.trim());
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { search(input.value.trim()); }, 400);
    });
    more.href = link("");
    search("");
  }

  function setup(root) {
    if (root.getAttribute("data-qfq-ready")) return;
    root.setAttribute("data-qfq-ready", "1");
    var api = (root.getAttribute("data-api") || ORIGIN).replace(/\/+$/, "");
    var lang = root.getAttribute("data-lang") === "nl" ? "nl" : "fr";
    var filters = {};
    FILTERS.forEach(function (name) {
      var value = root.getAttribute("data-" + name);
      if (value) filters[name] = value;
    });
    if (root.getAttribute("data-style") !== "none") addStyle(api);
    getJSON(api + "/api/v1/widget?lang=" + lang).then(
      function (info) { build(root, api, lang, filters, info); },
      function () { root.textContent = ""; }
    );
  }

  function start() {
    var roots = document.querySelectorAll("[data-qfq-widget]");
    for (var i = 0; i < roots.length; i++) setup(roots[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
