/* The result's "Imprimer" button: shown only when a script can print. The page says how to
   print without it. */
(function () {
  "use strict";
  document.querySelectorAll("[data-imprimer]").forEach(function (bouton) {
    bouton.hidden = false;
    bouton.addEventListener("click", function () { window.print(); });
  });
})();
