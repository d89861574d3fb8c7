/* The places' map: an extra drawn over the list (which stays complete without it).
   Reads the places from the JSON data island #lieux-carte and the tile server from
   data-tuiles. No inline script, no style attribute in the HTML: CSP stays strict. */
(function () {
  "use strict";
  var div = document.getElementById("carte");
  var ile = document.getElementById("lieux-carte");
  if (!div || !ile || !window.L || !div.dataset.tuiles) { return; }
  // Leaflet writes the attribution as HTML: the setting is shown as plain text.
  function texte(s) {
    var span = document.createElement("span");
    span.textContent = s;
    return span.innerHTML;
  }
  var lieux;
  try { lieux = JSON.parse(ile.textContent); } catch (e) { return; }
  if (!lieux.length) { return; }
  div.hidden = false;
  var carte = L.map(div, { scrollWheelZoom: false });
  L.tileLayer(div.dataset.tuiles, {
    maxZoom: 19,
    attribution: texte(div.dataset.attribution || "")
  }).addTo(carte);
  var points = [];
  lieux.forEach(function (lieu) {
    var bulle = document.createElement("div");
    var lien = document.createElement("a");
    lien.href = lieu.url;
    lien.textContent = lieu.nom;
    var adresse = document.createElement("p");
    adresse.textContent = lieu.adresse;
    bulle.appendChild(lien);
    bulle.appendChild(adresse);
    if (lieu.ouvert) {
      var ouvert = document.createElement("p");
      ouvert.textContent = "Ouvert maintenant";
      bulle.appendChild(ouvert);
    }
    L.marker([lieu.lat, lieu.lon], { title: lieu.nom, alt: lieu.nom })
      .addTo(carte).bindPopup(bulle);
    points.push([lieu.lat, lieu.lon]);
  });
  carte.fitBounds(points, { padding: [30, 30], maxZoom: 16 });
})();
