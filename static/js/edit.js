// Edit form helpers; the form works without JavaScript (every field is a plain input).
(function () {
  "use strict";
  var form = document.querySelector("form.edit-form");
  if (!form) return;

  // Show the grid or the expert field according to the chosen hours mode.
  var grid = form.querySelector("[data-mode=grid]");
  var expert = form.querySelector("[data-mode=expert]");
  function showMode() {
    var checked = form.querySelector("input[name=hours_mode]:checked");
    var mode = checked ? checked.value : "grid";
    if (grid) grid.hidden = mode !== "grid";
    if (expert) expert.hidden = mode !== "expert";
  }
  form.querySelectorAll("input[name=hours_mode]").forEach(function (input) {
    input.addEventListener("change", showMode);
  });
  showMode();

  // Copy Monday's ranges to Tuesday–Friday.
  var copy = form.querySelector("[data-copy-monday]");
  if (copy) {
    copy.addEventListener("click", function () {
      var monday = form.querySelector("#hours_Mo").value;
      ["Tu", "We", "Th", "Fr"].forEach(function (day) {
        form.querySelector("#hours_" + day).value = monday;
      });
    });
  }

  // Map pin (only when Leaflet is installed): dragging or clicking sets the latitude and longitude fields.
  var mapBox = document.getElementById("pin-map");
  if (!mapBox || typeof L === "undefined") return;
  var lat = form.querySelector("#lat");
  var lon = form.querySelector("#lon");
  var start = lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : [50.8466, 4.3528];
  var map = L.map(mapBox).setView(start, lat.value ? 17 : 12);
  if (mapBox.dataset.tiles) {
    L.tileLayer(mapBox.dataset.tiles, { maxZoom: 19, attribution: mapBox.dataset.attribution }).addTo(map);
  }
  var marker = L.marker(start, { draggable: true, keyboard: true }).addTo(map);
  function setFields(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
  }
  marker.on("dragend", function () { setFields(marker.getLatLng()); });
  map.on("click", function (event) { marker.setLatLng(event.latlng); setFields(event.latlng); });
  [lat, lon].forEach(function (input) {
    input.addEventListener("change", function () {
      var point = [parseFloat(lat.value), parseFloat(lon.value)];
      if (!isNaN(point[0]) && !isNaN(point[1])) { marker.setLatLng(point); map.panTo(point); }
    });
  });
})();
