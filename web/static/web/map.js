/* Maps of deployments: Leaflet (served by the app), markers from a json_script element.
 * The OpenStreetMap tiles are the website's one outside call: when they cannot be loaded, the
 * markers stay on a plain background and a message says so (the places are listed under the map). */
(function () {
  "use strict";

  function popupContent(point) {
    var wrapper = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.className = "map-popup-link";
    link.textContent = point.deployment;
    wrapper.appendChild(link);
    wrapper.appendChild(document.createElement("br"));
    wrapper.appendChild(document.createTextNode(point.place));
    return wrapper;
  }

  function showStatus(container, status) {
    container.classList.add("map-no-tiles");
    if (status) {
      status.hidden = false;
    }
  }

  function initMap(container) {
    var status = document.getElementById(container.dataset.status);
    var source = document.getElementById(container.dataset.points);
    var points = source ? JSON.parse(source.textContent) : [];
    if (typeof window.L === "undefined") {
      showStatus(container, status);
      return;
    }
    var map = window.L.map(container, { scrollWheelZoom: false });
    var tiles = window.L.tileLayer(container.dataset.tiles, {
      maxZoom: 18,
      attribution: container.dataset.attribution,
    });
    tiles.on("tileerror", function () {
      showStatus(container, status);
    });
    tiles.addTo(map);

    var bounds = [];
    points.forEach(function (point) {
      var latLng = [point.lat, point.lng];
      window.L.circleMarker(latLng, {
        radius: 9,
        color: "#ffffff",
        weight: 2,
        fillColor: "#0b57a4",
        fillOpacity: 0.9,
        className: "map-marker",
      })
        .bindTooltip(point.deployment + " — " + point.place)
        .bindPopup(popupContent(point))
        .addTo(map);
      bounds.push(latLng);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 9);
    } else if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 9 });
    } else {
      map.setView([20, 0], 2);
    }
    container.dataset.markers = String(bounds.length);
  }

  document.querySelectorAll("[data-map]").forEach(initMap);
})();
