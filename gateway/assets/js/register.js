// The initiative form's two helpers. The form works without them: coordinates are typed, and the
// server adds up the governance shares and says so beside them.
//  * The governance mix is added up as one types, and the total says whether it is 100.
//  * A small map of the region's outlines: a click (or Enter on the focused map, which takes its
//    centre) sets the latitude and longitude; typed coordinates move the marker.
(function () {
  'use strict';

  var total = document.getElementById('governance-total');
  var shares = ['private', 'public', 'academia', 'civil_society']
    .map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  function addUp() {
    var sum = 0;
    shares.forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (!isNaN(n)) { sum += n; }
    });
    var template = total.getAttribute(sum === 100 ? 'data-ok' : 'data-off') || '';
    total.textContent = template.replace('{total}', String(sum));
    total.className = sum === 100 ? 'total--ok' : 'total--off';
  }
  if (total && shares.length === 4) {
    shares.forEach(function (input) { input.addEventListener('input', addUp); });
    addUp();
  }

  var picker = document.getElementById('location-picker');
  var lat = document.getElementById('lat');
  var lon = document.getElementById('lon');
  if (!picker || !lat || !lon || !window.L) {
    return;
  }
  picker.hidden = false;
  var map = L.map('location-map', { attributionControl: false, minZoom: 2, maxZoom: 12 })
    .setView([-15, -70], 2.5);
  fetch(picker.getAttribute('data-outlines'))
    .then(function (r) { return r.json(); })
    .then(function (shapes) {
      L.geoJSON(shapes, {
        interactive: false,
        style: function () {
          return { color: '#6b7f8e', weight: 0.8, fillColor: '#ffffff', fillOpacity: 1 };
        }
      }).addTo(map);
    });
  var marker = null;
  function number(input) {
    var n = parseFloat(String(input.value).replace(',', '.'));
    return isNaN(n) ? null : n;
  }
  function place(latitude, longitude) {
    var at = [latitude, longitude];
    if (marker) {
      marker.setLatLng(at);
    } else {
      marker = L.circleMarker(at, { radius: 7, color: '#0b5563', fillColor: '#f2c14e', fillOpacity: 1 })
        .addTo(map);
    }
  }
  function set(point) {
    lat.value = point.lat.toFixed(4);
    lon.value = point.lng.toFixed(4);
    place(point.lat, point.lng);
  }
  map.on('click', function (event) { set(event.latlng); });
  map.getContainer().addEventListener('keydown', function (event) {
    if (event.key === 'Enter') { set(map.getCenter()); }
  });
  function typed() {
    var a = number(lat);
    var b = number(lon);
    if (a !== null && b !== null && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
      place(a, b);
      map.panTo([a, b]);
    }
  }
  lat.addEventListener('change', typed);
  lon.addEventListener('change', typed);
  typed();
}());
