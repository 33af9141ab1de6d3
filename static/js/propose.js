// "Add a service": while the name, postcode, phones or website are typed, list the fiches that look alike, and
// the services already known and waiting for review.
// Progressive enhancement: without this script the server shows the same list after the first submission.
(function () {
  "use strict";
  var form = document.querySelector("form.propose-form");
  var box = document.getElementById("similar");
  if (!form || !box || !window.fetch) return;
  var fields = ["name_fr", "name_nl", "postcode", "phones", "website"];
  var timer = null;
  var last = "";

  function value(name) {
    var input = form.querySelector("[name=" + name + "]");
    return input ? input.value.trim() : "";
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function show(matches, known) {
    if (!matches.length && !known.length) { box.hidden = true; return; }
    var keep = box.querySelector("input[name=not_duplicate]");
    var label = keep ? box.querySelector("label[for=not_duplicate]") : null;
    box.textContent = "";
    var title = document.createElement("h2");
    title.className = "similar-title";
    title.textContent = box.dataset.title;
    var list = document.createElement("ul");
    matches.forEach(function (m) {
      var item = document.createElement("li");
      item.appendChild(link(m.url, m.name));
      if (m.address) item.appendChild(document.createTextNode(" — " + m.address));
      item.appendChild(document.createTextNode(" · "));
      item.appendChild(link(m.claim_url, box.dataset.claim));
      item.appendChild(document.createTextNode(" · "));
      item.appendChild(link(window.location.pathname + "?site_of=" + m.id, box.dataset.site));
      list.appendChild(item);
    });
    if (matches.length) { box.appendChild(title); box.appendChild(list); }
    if (known.length) {
      // Candidates are not public: the server sends only their name and commune.
      var note = document.createElement("p");
      note.textContent = box.dataset.known;
      var waiting = document.createElement("ul");
      known.forEach(function (k) {
        var item = document.createElement("li");
        item.textContent = k.commune ? k.name + " — " + k.commune : k.name;
        waiting.appendChild(item);
      });
      box.appendChild(note);
      box.appendChild(waiting);
    }
    if (keep) { box.appendChild(keep); box.appendChild(document.createTextNode(" ")); box.appendChild(label); }
    box.hidden = false;
  }

  function ask() {
    var names = [value("name_fr"), value("name_nl")].filter(Boolean).join(" ");
    var params = new URLSearchParams({ name: names, postcode: value("postcode"), phones: value("phones"), website: value("website") });
    var query = params.toString();
    if (query === last || (names.length < 4 && !value("phones") && !value("website"))) return;
    last = query;
    fetch(form.dataset.similarUrl + "?" + query, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { matches: [] }; })
      .then(function (data) { show(data.matches || [], data.known || []); })
      .catch(function () { /* hints are a help, not a requirement */ });
  }

  fields.forEach(function (name) {
    var input = form.querySelector("[name=" + name + "]");
    if (!input) return;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 400);
    });
  });
})();
