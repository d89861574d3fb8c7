/* The dashboard's search fields (mediation/forms_pilotage.py, ChampRecherche): an ARIA 1.2
   combobox with a list of matches asked from the server as the person types. Without this
   script the text typed is sent and the server finds it (or lists the candidates). */
(function () {
  "use strict";
  var ATTENTE = 200; // ms of quiet typing before asking

  function setUp(bloc) {
    var texte = bloc.querySelector('input[type="text"]');
    var valeur = bloc.querySelector('input[type="hidden"]');
    if (!texte || !valeur || !window.fetch) { return; }
    var url = bloc.getAttribute("data-recherche-url");
    var champ = bloc.getAttribute("data-recherche-champ");
    var min = parseInt(bloc.getAttribute("data-recherche-min"), 10) || 2;
    var nomSaisie = texte.getAttribute("name");
    var libelle = texte.labels && texte.labels.length ? texte.labels[0].textContent.trim() : champ;

    var liste = document.createElement("ul");
    liste.id = texte.id + "_liste";
    liste.className = "recherche-choix__liste";
    liste.setAttribute("role", "listbox");
    liste.setAttribute("aria-label", libelle);
    liste.hidden = true;
    var annonce = document.createElement("p");
    annonce.className = "visually-hidden";
    annonce.setAttribute("role", "status");
    bloc.appendChild(liste);
    bloc.appendChild(annonce);

    texte.setAttribute("role", "combobox");
    texte.setAttribute("aria-autocomplete", "list");
    texte.setAttribute("aria-expanded", "false");
    texte.setAttribute("aria-controls", liste.id);

    // The label of the id chosen: while the text is still it, the id stands.
    var choisi = valeur.value ? texte.value : null;
    var resultats = [];
    var actif = -1;
    var derniere = 0;
    var minuteur = null;

    function close() {
      liste.hidden = true;
      texte.setAttribute("aria-expanded", "false");
      texte.removeAttribute("aria-activedescendant");
      actif = -1;
    }

    function highlight(index) {
      var options = liste.querySelectorAll('[role="option"]');
      if (!options.length) { return; }
      actif = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === actif ? "true" : "false");
      });
      texte.setAttribute("aria-activedescendant", options[actif].id);
      options[actif].scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      var r = resultats[index];
      if (!r) { return; }
      valeur.value = String(r.id);
      texte.value = r.label;
      choisi = r.label;
      close();
      annonce.textContent = r.label + " : choisi.";
    }

    function show(data) {
      resultats = data.resultats || [];
      liste.textContent = "";
      resultats.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = liste.id + "_" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = r.label;
        // mousedown would take the focus from the field before the click.
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { pick(i); });
        liste.appendChild(li);
      });
      var n = resultats.length;
      if (n) {
        liste.hidden = false;
        texte.setAttribute("aria-expanded", "true");
        texte.removeAttribute("aria-activedescendant");
        actif = -1;
      } else {
        close();
      }
      annonce.textContent = n === 0
        ? "Aucun résultat."
        : n + (n > 1 ? " résultats" : " résultat")
          + (data.autres ? ", et d'autres : tapez plus de lettres pour les voir." : ".")
          + " Flèche bas pour les parcourir, Entrée pour choisir.";
    }

    function search() {
      var q = texte.value.trim();
      if (q.length < min) {
        close();
        annonce.textContent = "";
        return;
      }
      var numero = ++derniere;
      var params = new URLSearchParams({ champ: champ, q: q });
      fetch(url + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (reponse) {
          if (!reponse.ok) { throw new Error(String(reponse.status)); }
          return reponse.json();
        })
        .then(function (data) {
          if (numero === derniere) { show(data); } // an older answer arriving late is dropped
        })
        .catch(function () {
          // The form still works: the server finds the text typed when it is sent.
          close();
        });
    }

    texte.addEventListener("input", function () {
      if (texte.value !== choisi) { valeur.value = ""; }
      window.clearTimeout(minuteur);
      minuteur = window.setTimeout(search, ATTENTE);
    });

    texte.addEventListener("keydown", function (event) {
      var ouvert = !liste.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!resultats.length) { return; }
        event.preventDefault();
        if (!ouvert) {
          liste.hidden = false;
          texte.setAttribute("aria-expanded", "true");
        }
        var pas = event.key === "ArrowDown" ? 1 : -1;
        highlight(actif === -1 ? (pas === 1 ? 0 : -1) : actif + pas); // -1: the last one
      } else if (event.key === "Enter" && ouvert && actif >= 0) {
        event.preventDefault(); // choose, do not send the form yet
        pick(actif);
      } else if (event.key === "Escape" && ouvert) {
        event.preventDefault();
        close();
      }
    });

    texte.addEventListener("blur", close);

    // A choice made here goes as the id alone (?structure=12), the URL of the form without
    // script; an emptied field removes the filter; any other text is left to the server.
    texte.form.addEventListener("submit", function () {
      if (!texte.value.trim()) { valeur.value = ""; }
      if (!texte.value.trim() || (valeur.value && texte.value === choisi)) {
        texte.removeAttribute("name");
      }
    });
    // Back to this page from the next one (the browser's page cache): the field is whole again.
    window.addEventListener("pageshow", function () { texte.setAttribute("name", nomSaisie); });
  }

  document.querySelectorAll(".recherche-choix[data-recherche-url]").forEach(setUp);
})();
