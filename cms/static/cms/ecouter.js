/* "Écouter": reads the main text aloud with the browser's speech synthesis, in French.
   The button stays hidden when the browser cannot speak. Parts marked data-ecouter="non"
   are skipped. No framework; the page works the same without this file. */
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || !("SpeechSynthesisUtterance" in window)) return;

  function texteDe(element) {
    var morceaux = [];
    (function parcourir(noeud) {
      if (noeud.nodeType === Node.TEXT_NODE) {
        morceaux.push(noeud.textContent);
        return;
      }
      if (noeud.nodeType !== Node.ELEMENT_NODE) return;
      if (noeud.getAttribute("data-ecouter") === "non" || noeud.hidden ||
          noeud.getAttribute("aria-hidden") === "true" ||
          /^(SCRIPT|STYLE|SVG|AUDIO|VIDEO|TEMPLATE)$/i.test(noeud.tagName)) return;
      for (var i = 0; i < noeud.childNodes.length; i++) parcourir(noeud.childNodes[i]);
      if (/^(P|LI|H[1-6]|DT|DD|DIV|FIGCAPTION|SUMMARY|BR)$/.test(noeud.tagName)) {
        morceaux.push(". ");
      }
    })(element);
    return morceaux.join(" ").replace(/\s+/g, " ").replace(/(\.\s*){2,}/g, ". ").trim();
  }

  function demarrer() {
    var bouton = document.getElementById("ecouter");
    var main = document.querySelector("main");
    if (!bouton || !main) return;
    var libelle = bouton.querySelector(".outil__libelle");
    var synthese = window.speechSynthesis;
    var enCours = false;

    function afficher(lecture) {
      enCours = lecture;
      bouton.setAttribute("aria-pressed", lecture ? "true" : "false");
      libelle.textContent = lecture ? "Arrêter" : "Écouter";
    }

    bouton.addEventListener("click", function () {
      if (enCours) {
        synthese.cancel();
        afficher(false);
        return;
      }
      var phrase = new SpeechSynthesisUtterance(texteDe(main));
      phrase.lang = "fr-FR";
      phrase.rate = 0.9;
      var voix = synthese.getVoices().filter(function (v) { return /^fr/i.test(v.lang); });
      if (voix.length) phrase.voice = voix[0];
      phrase.onend = phrase.onerror = function () { afficher(false); };
      afficher(true);
      synthese.speak(phrase);
    });
    window.addEventListener("pagehide", function () { synthese.cancel(); });
    bouton.hidden = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", demarrer);
  } else {
    demarrer();
  }
})();
