/* "En quelques mots": a live count of the characters typed, and how many are too many. Without
   a script the help text gives the maximum, and the server says when it is exceeded. */
(function () {
  "use strict";
  document.querySelectorAll("[data-compteur-de]").forEach(function (compteur) {
    var champ = document.getElementById(compteur.getAttribute("data-compteur-de"));
    if (!champ) { return; }
    var max = parseInt(champ.getAttribute("data-compteur"), 10);
    if (!max) { return; }
    var dejaTrop = false;
    function montrer() {
      var n = champ.value.length;
      var trop = n > max;
      compteur.textContent = trop
        ? n + " caractères sur " + max + " : " + (n - max) + " de trop"
        : n + " caractère" + (n > 1 ? "s" : "") + " sur " + max;
      compteur.classList.toggle("compteur--trop", trop);
      // Announce only the crossing of the limit, not every key.
      if (trop !== dejaTrop) {
        compteur.setAttribute("role", trop ? "alert" : "status");
        dejaTrop = trop;
      }
    }
    compteur.hidden = false;
    champ.addEventListener("input", montrer);
    montrer();
  });
})();
