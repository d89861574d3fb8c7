/* Kiosk enhancements (the kiosk works without them): the inactivity timer, keeping the code
   field focused for a keyboard-wedge scanner, the optional camera scan, the print button. */
(function () {
  "use strict";

  /* Inactivity: after `data-inactivite` seconds without a touch or a key, a dialog counts
     down `data-compte-a-rebours` seconds, then the journey is cleared (POST to reset). */
  function inactivite() {
    var page = document.getElementById("kiosque-page");
    var dialog = document.getElementById("kiosque-inactivite");
    if (!page || !dialog) return;
    var delai = parseInt(page.getAttribute("data-inactivite"), 10) || 120;
    var duree = parseInt(page.getAttribute("data-compte-a-rebours"), 10) || 10;
    var compte = document.getElementById("kiosque-compte");
    var continuer = document.getElementById("kiosque-continuer");
    var form = document.getElementById("kiosque-reset-form");
    var attente = null, tic = null, reste = duree, retour = null;

    function armer() {
      window.clearTimeout(attente);
      attente = window.setTimeout(ouvrir, delai * 1000);
    }
    function ouvrir() {
      retour = document.activeElement;
      reste = duree;
      compte.textContent = String(reste);
      dialog.hidden = false;
      continuer.focus();
      tic = window.setInterval(function () {
        reste -= 1;
        compte.textContent = String(Math.max(reste, 0));
        if (reste <= 0) {
          window.clearInterval(tic);
          form.submit();
        }
      }, 1000);
    }
    function fermer() {
      window.clearInterval(tic);
      dialog.hidden = true;
      if (retour && retour.focus) retour.focus();
      armer();
    }
    continuer.addEventListener("click", fermer);
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") fermer();
      if (event.key === "Tab") { /* keep the focus inside the dialog */
        var boutons = dialog.querySelectorAll("button");
        var premier = boutons[0], dernier = boutons[boutons.length - 1];
        if (event.shiftKey && document.activeElement === premier) { event.preventDefault(); dernier.focus(); }
        else if (!event.shiftKey && document.activeElement === dernier) { event.preventDefault(); premier.focus(); }
      }
    });
    ["pointerdown", "keydown", "touchstart", "wheel", "input"].forEach(function (type) {
      document.addEventListener(type, function () { if (dialog.hidden) armer(); }, { passive: true });
    });
    armer();
  }

  /* The scan field keeps the focus: a scanner types wherever the focus is. */
  function champScan() {
    var form = document.querySelector("form[data-scan]");
    if (!form) return;
    var champ = form.querySelector("input[name='code']");
    if (!champ) return;
    champ.focus();
    document.addEventListener("keydown", function (event) {
      var cible = event.target;
      var dialog = document.getElementById("kiosque-inactivite");
      if (dialog && !dialog.hidden) return;
      if (cible === champ || event.ctrlKey || event.metaKey || event.altKey) return;
      if (cible && (cible.tagName === "INPUT" || cible.tagName === "TEXTAREA" || cible.tagName === "SELECT")) return;
      if (event.key && event.key.length === 1) champ.focus();
    });
  }

  /* Optional camera scan with the browser's BarcodeDetector (hidden where it is missing). */
  function camera() {
    var bouton = document.getElementById("kiosque-camera");
    if (!bouton || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    var zone = document.getElementById("kiosque-camera-zone");
    var video = document.getElementById("kiosque-camera-video");
    var stop = document.getElementById("kiosque-camera-stop");
    var erreur = document.getElementById("kiosque-camera-erreur");
    var form = bouton.form;
    var champ = form.querySelector("input[name='code']");
    var flux = null, actif = false;
    bouton.hidden = false;

    function arreter() {
      actif = false;
      if (flux) flux.getTracks().forEach(function (t) { t.stop(); });
      flux = null;
      zone.hidden = true;
      champ.focus();
    }
    function refusee() {
      // Refused, absent or busy camera: say so, the scanner and the keyboard still work.
      arreter();
      erreur.hidden = false;
    }
    bouton.addEventListener("click", function () {
      erreur.hidden = true;
      var detecteur = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        flux = stream;
        video.srcObject = stream;
        zone.hidden = false;
        actif = true;
        video.play();
        (function chercher() {
          if (!actif) return;
          detecteur.detect(video).then(function (codes) {
            if (codes.length) {
              champ.value = codes[0].rawValue;
              arreter();
              form.submit();
            } else {
              window.setTimeout(chercher, 250);
            }
          }).catch(function () { window.setTimeout(chercher, 500); });
        })();
      }).catch(refusee);
    });
    stop.addEventListener("click", arreter);
  }

  function imprimer() {
    document.querySelectorAll("[data-imprimer]").forEach(function (bouton) {
      bouton.hidden = false;
      bouton.addEventListener("click", function () { window.print(); });
    });
  }

  inactivite();
  champScan();
  camera();
  imprimer();
})();
