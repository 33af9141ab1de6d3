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

  // A text label on the map (area names, line numbers): never interactive, never a keyboard stop.
  function label(latlng, className, html, pane) {
    return L.marker(latlng, {
      icon: L.divIcon({ className: className, html: html, iconSize: null }),
      interactive: false,
      keyboard: false,
      pane: pane || "markerPane"
    });
  }

  // Black or white text, whichever reads better on a line's colour.
  function inkOn(hex) {
    var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
    if (!m) { return "#fff"; }
    var lum = [m[1], m[2], m[3]].map(function (h) {
      var c = parseInt(h, 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2] > 0.18 ? "#000" : "#fff";
  }

  var ORIENTATION_STYLES = {
    park: { stroke: false, fillColor: "#cfe8c4", fillOpacity: 1 },
    water: { color: "#7fb2dc", weight: 2, fillColor: "#b7d5ee", fillOpacity: 1 },
    train: { color: "#555", weight: 2, dashArray: "6 3" },
    tram: { weight: 2.5, opacity: 0.9 },
    metro: { weight: 5, opacity: 0.9 }
  };

  // Parks, water, metro/tram/train lines, stops and line numbers, below the boundaries and the markers.
  function setupOrientation(map, config) {
    var group = config.layers.orientation ? window[config.layers.orientation] : null;
    if (!group || !config.orientation_url) { return; }
    var loaded = false;
    function load() {
      if (loaded) { return; }
      loaded = true;
      // Three panes: parks and water, then bus lines (close in only), then metro/tram/train lines, stops, names.
      if (!map.getPane("orientation")) { map.createPane("orientation").style.zIndex = 350; }
      if (!map.getPane("orientation-bus")) { map.createPane("orientation-bus").style.zIndex = 351; }
      if (!map.getPane("orientation-lines")) { map.createPane("orientation-lines").style.zIndex = 352; }
      getJson(config.orientation_url).then(function (data) {
        function style(f) {
          var p = f.properties;
          var s = L.extend({}, ORIENTATION_STYLES[p.t] || {});
          if (p.colour && (p.t === "metro" || p.t === "tram")) { s.color = p.colour; }
          if (p.tunnel && p.t === "train") { s.opacity = 0.5; }
          return s;
        }
        L.geoJSON(data, {
          pane: "orientation", interactive: false, style: style,
          filter: function (f) { return f.properties.t === "park" || f.properties.t === "water"; }
        }).addTo(group);
        L.geoJSON(data, {
          pane: "orientation-lines", interactive: false, style: style,
          filter: function (f) { return f.geometry.type !== "Point" && f.properties.t !== "park" && f.properties.t !== "water"; }
        }).addTo(group);
        data.features.forEach(function (f) {
          var p = f.properties;
          if (f.geometry.type !== "Point") { return; }
          var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          if (p.t === "stop") {
            var major = p.modes.indexOf("metro") >= 0 || p.modes.indexOf("train") >= 0;
            L.circleMarker(latlng, {
              pane: "orientation-lines", interactive: false, radius: major ? 4 : 2.5,
              color: "#222", weight: major ? 2 : 1, fillColor: "#fff", fillOpacity: 1
            }).addTo(group);
            label(latlng, "map-label stop-label" + (major ? " stop-major" : ""), "<span>" + escapeHtml(p.name) + "</span>", "orientation-lines").addTo(group);
          } else if (p.t === "label") {
            label(latlng, "map-label line-label", '<span style="background:' + escapeHtml(p.colour || "#333") +
              ";color:" + inkOn(p.colour) + '">' + escapeHtml(p.ref) + "</span>", "orientation-lines").addTo(group);
          }
        });
      }).catch(function () { loaded = false; });
    }
    if (map.hasLayer(group)) { load(); } else { group.on("add", load); }
    setupBus(map, config, group);
  }

  // Bus lines: many, so fetched only once the map is zoomed in to streets (zoom 15) and hidden further out;
  // thin and grey under the metro and trams, their numbers from zoom 16 (map.css).
  var BUS_ZOOM = 15;
  function setupBus(map, config, group) {
    if (!config.bus_url) { return; }
    var requested = false;
    function update() {
      var near = map.getZoom() >= BUS_ZOOM && map.hasLayer(group);
      var pane = map.getPane("orientation-bus");
      if (pane) { pane.style.display = near ? "" : "none"; }
      if (!near || requested) { return; }
      requested = true;
      getJson(config.bus_url).then(function (data) {
        L.geoJSON(data, {
          pane: "orientation-bus", interactive: false,
          filter: function (f) { return f.properties.t === "bus"; },
          style: function () { return { color: "#6b7280", weight: 1.5, opacity: 0.7 }; }
        }).addTo(group);
        data.features.forEach(function (f) {
          if (f.properties.t !== "bus_label") { return; }
          label([f.geometry.coordinates[1], f.geometry.coordinates[0]], "map-label bus-label",
            "<span>" + escapeHtml(f.properties.ref) + "</span>", "orientation-bus").addTo(group);
        });
        map.getContainer().setAttribute("data-bus", "loaded");
      }).catch(function () { requested = false; });
    }
    map.on("zoomend", update);
    group.on("add remove", update);
    update();
  }

  // Zoom level as classes on the container: labels appear as there is room for them (CSS in map.css).
  function trackZoom(map) {
    var container = map.getContainer();
    function update() {
      var z = map.getZoom();
      [13, 14, 15, 16].forEach(function (level) { container.classList.toggle("zoom-" + level, z >= level); });
    }
    map.on("zoomend", update);
    update();
  }

  // Leaflet's own words in the page language, and the data's attribution.
  function localizeControls(map, config) {
    var words = config.controls || {};
    if (map.zoomControl) {
      [[map.zoomControl._zoomInButton, words.zoom_in], [map.zoomControl._zoomOutButton, words.zoom_out]].forEach(function (pair) {
        if (pair[0] && pair[1]) { pair[0].title = pair[1]; pair[0].setAttribute("aria-label", pair[1]); }
      });
    }
    if (map.attributionControl) {
      map.attributionControl.setPrefix(false);
      if (config.attribution) { map.attributionControl.addAttribution(escapeHtml(config.attribution)); }
    }
    var container = map.getContainer();
    if (config.map_label) {
      // The easy-read map is a picture of the list below it: one name for screen readers, no stops inside.
      container.setAttribute("role", "img");
      container.setAttribute("aria-label", config.map_label);
    } else if (words.map) {
      container.setAttribute("aria-label", words.map);
    }
  }

  function setupMap(config) {
    var map = window[config.map];
    if (!map) { return; }
    if (config.bounds) { map.fitBounds(config.bounds, { animate: false }); }
    var status = document.getElementById("map-status");
    var messages = config.messages || {};
    function say(text) { if (status && text) { status.textContent = text; } }
    localizeControls(map, config);
    trackZoom(map);
    setupOrientation(map, config);

    Object.keys(config.boundaries || {}).forEach(function (level) {
      var layer = window[config.layers[level]];
      if (!layer) { return; }
      var loaded = false;
      function load() {
        if (loaded) { return; }
        loaded = true;
        getJson(config.boundaries[level]).then(function (data) {
          layer.addData(data);
          data.features.forEach(function (f) {
            var at = f.properties.label;
            if (at) {
              layer.addLayer(label([at[1], at[0]], "map-label area-label area-" + level, "<span>" + escapeHtml(f.properties.name) + "</span>"));
            }
          });
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
          keyboard: !big,  // easy-read: the numbered list below is the way in, the map is its picture
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
