// Maps built by folium (directory/maps/builder.py) get their content here: boundaries and markers are fetched
// as JSON and added to the layers folium created (their names are in <script id="map-config">).
// The page works without this script: the list below the map holds the same services.
(function () {
  "use strict";

  // A message in [singular, plural] form ("{n}" for the number); French uses the singular for 0 too.
  function plural(forms, n) {
    if (!forms) { return ""; }
    var one = n === 1 || (n === 0 && document.documentElement.lang === "fr");
    return forms[one ? 0 : 1].replace("{n}", n);
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  // "Near me": the browser's position goes into the URL (near=LAT,LNG), nowhere else.
  function setupNearMe() {
    var buttons = document.querySelectorAll("[data-near-me]");
    if (!buttons.length || !navigator.geolocation) { return; }
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        button.disabled = true;
        navigator.geolocation.getCurrentPosition(function (pos) {
          var url = new URL(button.getAttribute("data-near-me") || window.location.href, window.location.href);
          url.searchParams.set("near", pos.coords.latitude.toFixed(5) + "," + pos.coords.longitude.toFixed(5));
          url.searchParams.delete("address");
          url.searchParams.delete("page");
          var radius = document.getElementById("radius");
          url.searchParams.set("radius", (radius && radius.value) || url.searchParams.get("radius") || "1000");
          window.location.assign(url.toString());
        }, function () {
          button.disabled = false;
          var message = button.getAttribute("data-error");
          if (message) { window.alert(message); }
        }, { timeout: 15000, maximumAge: 60000 });
      });
    });
  }

  function markerIcon(need, label, big) {
    var size = big ? 44 : 28;
    var number = big && label ? '<span class="svc-number" aria-hidden="true">' + escapeHtml(label) + "</span>" : "";
    return L.divIcon({
      className: "svc-marker" + (big ? " svc-marker-big" : "") + (need ? " need-" + need : ""),
      html: number,
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
      popupAnchor: [0, -size / 2]
    });
  }

  function setupMap(config) {
    var map = window[config.map];
    if (!map) { return; }
    if (config.bounds) { map.fitBounds(config.bounds, { animate: false }); }
    var status = document.getElementById("map-status");
    var messages = config.messages || {};
    function say(text) { if (status && text) { status.textContent = text; } }

    Object.keys(config.boundaries || {}).forEach(function (level) {
      var layer = window[config.layers[level]];
      if (!layer) { return; }
      var loaded = false;
      function load() {
        if (loaded) { return; }
        loaded = true;
        getJson(config.boundaries[level]).then(function (data) {
          layer.addData(data);
          layer.bringToBack();
        }).catch(function () { loaded = false; });
      }
      if (map.hasLayer(layer)) { load(); } else { layer.on("add", load); }
    });

    var cluster = config.layers.cluster ? window[config.layers.cluster] : null;
    var group = cluster || L.featureGroup().addTo(map);

    function openPopup(marker) {
      if (marker.getPopup()) { marker.openPopup(); return; }
      fetch(config.popup_url.replace("__ID__", encodeURIComponent(marker.options.docId)), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (html) {
          marker.bindPopup(html, { maxWidth: 300 }).openPopup();
          document.dispatchEvent(new Event("sheet:refresh"));
        })
        .catch(function () {});
    }
    // Leaflet rewrites a popup's content at each opening: mark its sheet link again.
    map.on("popupopen", function () { document.dispatchEvent(new Event("sheet:refresh")); });
    group.on("click", function (event) { if (event.layer && event.layer.options.docId) { openPopup(event.layer); } });
    group.on("keypress", function (event) {
      if (event.layer && event.originalEvent && event.originalEvent.key === "Enter") { openPopup(event.layer); }
    });

    function show(data) {
      var big = !!config.big_markers;
      var bounds = [];
      var markers = data.points.map(function (p) {
        bounds.push([p[0], p[1]]);
        return L.marker([p[0], p[1]], {
          icon: markerIcon(p[4], p[5], big),
          title: p[3],
          alt: p[3],
          keyboard: true,
          riseOnHover: true,
          docId: p[2]
        });
      });
      function done() {
        document.documentElement.setAttribute("data-markers", String(markers.length));
        var text = plural(messages.shown, markers.length);
        var unmapped = data.total - markers.length;
        if (unmapped > 0) { text += " " + plural(messages.unmapped, unmapped); }
        say(text);
      }
      if (cluster) {
        cluster.options.chunkProgress = function (processed, total) { if (processed === total) { done(); } };
        cluster.addLayers(markers);
        if (!markers.length) { done(); }
      } else {
        markers.forEach(function (m) { group.addLayer(m); });
        done();
      }
      // Easy-read maps keep the streets around a lone marker in view (zoom 15).
      if (config.fit && bounds.length) { map.fitBounds(bounds, { maxZoom: big ? 15 : 16, padding: [20, 20], animate: false }); }
    }

    if (config.points) {
      show(config.points);
    } else if (config.points_url) {
      say(messages.loading);
      getJson(config.points_url).then(show).catch(function () { say(messages.failed); });
    }
  }

  setupNearMe();
  var element = document.getElementById("map-config");
  if (element && window.L) { setupMap(JSON.parse(element.textContent)); }
})();
