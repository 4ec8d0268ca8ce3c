// The interactive map of the map page. The page works without it: the filters are a form, the
// result is the table. With it, the map shows the same selection as clustered points over the
// bundled country outlines, and changing a filter updates the points, the count (a live region),
// the table and the URL without reloading the page.
(function () {
  'use strict';

  var view = document.getElementById('map-view');
  var form = document.getElementById('filters');
  if (!view || !form || !window.L || !L.markerClusterGroup) {
    return;
  }
  view.hidden = false;

  var lang = view.getAttribute('data-lang') || 'es';
  var clusterLabel = view.getAttribute('data-cluster-label') || '';
  var container = document.getElementById('map');
  var map = L.map(container, {
    zoomControl: false,
    attributionControl: false,
    minZoom: 2,
    maxZoom: 14,
    zoomSnap: 0.5,
    worldCopyJump: false
  }).setView([-15, -70], 3);

  // The region's outlines: drawn once, never clickable.
  fetch(view.getAttribute('data-outlines'))
    .then(function (r) { return r.json(); })
    .then(function (shapes) {
      L.geoJSON(shapes, {
        interactive: false,
        style: function () {
          return { color: '#8aa1b1', weight: 0.8, fillColor: '#ffffff', fillOpacity: 1 };
        }
      }).addTo(map);
    });

  // A 24-pixel target around a 14-pixel dot (WCAG 2.2 target size).
  var pointIcon = L.divIcon({ className: 'point', iconSize: [24, 24], html: '' });
  // What to do once the cluster group holds every point of the latest request: a large set is
  // added in chunks between frames, so the points count as drawn only after the last chunk.
  var whenAllAdded = null;
  var clusters = L.markerClusterGroup({
    chunkedLoading: true,
    chunkProgress: function (processed, total) {
      if (processed === total && whenAllAdded) {
        var done = whenAllAdded;
        whenAllAdded = null;
        done();
      }
    },
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    iconCreateFunction: function (cluster) {
      var n = cluster.getChildCount();
      var size = n < 10 ? 34 : n < 100 ? 40 : n < 1000 ? 48 : 56;
      var label = document.createElement('span');
      label.textContent = String(n);
      var hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = ' ' + clusterLabel;
      var html = document.createElement('span');
      html.appendChild(label);
      html.appendChild(hidden);
      return L.divIcon({ html: html.innerHTML, className: 'cluster', iconSize: [size, size] });
    }
  });
  map.addLayer(clusters);

  function openInitiative(id) {
    window.location.href = '/initiatives/' + encodeURIComponent(id) + '?lang=' + lang;
  }

  function openOnKey(id, event) {
    var key = event.originalEvent.key;
    if (key === 'Enter' || key === ' ') {
      event.originalEvent.preventDefault();
      openInitiative(id);
    }
  }

  var bounds = null;
  var loading = 0;

  function draw(url) {
    var ticket = ++loading;
    performance.mark('articula:points-requested');
    return fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (ticket !== loading) {
          return;
        }
        clusters.clearLayers();
        var markers = new Array(body.points.length);
        var places = new Array(body.points.length);
        for (var i = 0; i < body.points.length; i++) {
          var p = body.points[i];
          places[i] = [p[0], p[1]];
          var marker = L.marker([p[0], p[1]], {
            icon: pointIcon,
            title: p[3],
            alt: p[3],
            keyboard: true,
            riseOnHover: true
          });
          marker.on('click', openInitiative.bind(null, p[2]));
          // Leaflet hands a focused marker's keys to it as `keypress`; a button opens with Enter
          // or Space.
          marker.on('keypress', openOnKey.bind(null, p[2]));
          markers[i] = marker;
        }
        // The points' own bounds: the cluster group knows its bounds only once every chunk is in.
        bounds = markers.length ? L.latLngBounds(places) : null;
        if (bounds) {
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: 8 });
        }
        whenAllAdded = function () {
          container.setAttribute('data-points-drawn', String(markers.length));
          performance.mark('articula:points-drawn');
          performance.measure('articula:points', 'articula:points-requested', 'articula:points-drawn');
        };
        clusters.addLayers(markers);
      });
  }

  draw(view.getAttribute('data-points'));

  // Zoom and pan without dragging.
  var step = 160;
  var actions = {
    'zoom-in': function () { map.zoomIn(); },
    'zoom-out': function () { map.zoomOut(); },
    'pan-north': function () { map.panBy([0, -step]); },
    'pan-south': function () { map.panBy([0, step]); },
    'pan-west': function () { map.panBy([-step, 0]); },
    'pan-east': function () { map.panBy([step, 0]); },
    'fit': function () { if (bounds) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 8 }); } }
  };
  view.addEventListener('click', function (event) {
    var button = event.target.closest('[data-map-action]');
    if (button && actions[button.getAttribute('data-map-action')]) {
      actions[button.getAttribute('data-map-action')]();
    }
  });

  // Filters: the same query the form would send, without a reload.
  function queryOf(formElement) {
    var params = new URLSearchParams();
    new FormData(formElement).forEach(function (value, key) {
      if (String(value).trim() !== '') {
        params.append(key, value);
      }
    });
    return params;
  }

  function filterKeys(params) {
    var kept = new URLSearchParams();
    params.forEach(function (value, key) {
      if (key !== 'lang' && key !== 'page') {
        kept.append(key, value);
      }
    });
    return kept;
  }

  function apply(search, push) {
    var page = '/?' + search.toString();
    if (push) {
      history.pushState(null, '', page);
    }
    var filters = filterKeys(search).toString();
    draw('/map/points.json' + (filters ? '?' + filters : ''));
    return fetch(page, { headers: { Accept: 'text/html' } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        var results = fresh.getElementById('results');
        var count = fresh.getElementById('result-count');
        if (results) {
          document.getElementById('results').replaceWith(document.adoptNode(results));
        }
        if (count) {
          document.getElementById('result-count').textContent = count.textContent;
        }
      });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    apply(queryOf(form), true);
  });
  form.addEventListener('change', function (event) {
    if (event.target.tagName === 'SELECT') {
      apply(queryOf(form), true);
    }
  });
  window.addEventListener('popstate', function () {
    var search = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.name !== 'lang') {
        field.value = search.get(field.name) || '';
      }
    });
    apply(search, false);
  });
}());
