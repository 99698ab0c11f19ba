// partnerkit: filter a long partner listing by name, field and team without a server. The rows come from a
// data file loaded as a script (so the filter works from file:// too), fetched when the filter is first used.
// The form stays hidden without JavaScript; the alphabetical pages work without it.
(function () {
  "use strict";
  var STEP = 100;

  function fold(text) {
    return text.toLocaleLowerCase("fi");
  }

  function setup(box) {
    var form = box.querySelector("form");
    var name = form.elements.namedItem("nimi");
    var field = form.elements.namedItem("toimiala");
    var team = form.elements.namedItem("tiimi");
    var status = box.querySelector(".pk-filter__status");
    var results = box.querySelector(".pk-filter__results");
    var more = document.createElement("button");
    var key = box.getAttribute("data-key");
    var base = box.getAttribute("data-base");
    var loading = null;
    var timer = 0;
    var matches = [];
    var shown = 0;
    var data = null;
    var answered = null; // the criteria whose matches are on the page

    more.type = "button";
    more.className = "md-button pk-filter__more";
    more.hidden = true;
    results.parentNode.insertBefore(more, results.nextSibling);

    function load() {
      if (!loading) {
        loading = new Promise(function (resolve, reject) {
          var registry = window.partnerkitFilterData || {};
          if (registry[key]) {
            resolve(registry[key]);
            return;
          }
          var script = document.createElement("script");
          script.src = box.getAttribute("data-source");
          script.onload = function () {
            resolve((window.partnerkitFilterData || {})[key]);
          };
          script.onerror = function () {
            loading = null;
            reject(new Error("load"));
          };
          document.head.appendChild(script);
        }).then(function (loaded) {
          // Folded once: filtering 15,000 names on every keystroke must stay instant.
          loaded.folded = loaded.rows.map(function (row) {
            return fold(row[0]);
          });
          data = loaded;
          return loaded;
        });
      }
      return loading;
    }

    function item(row) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = base + "/" + row[1] + ".html";
      link.textContent = row[0];
      li.appendChild(link);
      var kind = document.createElement("span");
      kind.className = "pk-field";
      kind.textContent = " " + data.fields[row[2]];
      li.appendChild(kind);
      return li;
    }

    function showMore() {
      var next = matches.slice(shown, shown + STEP);
      next.forEach(function (row) {
        results.appendChild(item(row));
      });
      shown += next.length;
      var left = matches.length - shown;
      more.hidden = left <= 0;
      more.textContent = "Näytä seuraavat " + Math.min(STEP, left) + " (" + left + " jäljellä)";
    }

    function describe(count) {
      if (count === 0) {
        return "Ei yhtään kumppania näillä ehdoilla.";
      }
      var text = count === 1 ? "Löytyi 1 kumppani." : "Löytyi " + count + " kumppania.";
      return count > STEP ? text + " Näytetään ensimmäiset " + STEP + "." : text;
    }

    function run() {
      var query = fold(name.value.trim());
      var wantField = field.value === "" ? -1 : Number(field.value);
      var wantTeam = !team || team.value === "" ? -1 : Number(team.value);
      var criteria = [query, wantField, wantTeam].join("\n");
      // The name field fires "change" when it loses focus, as it does when the visitor goes on to press
      // "show the next ones": unchanged criteria keep the rows already shown.
      if (criteria === answered) {
        return;
      }
      if (!query && wantField < 0 && wantTeam < 0) {
        answered = criteria;
        results.replaceChildren();
        matches = [];
        more.hidden = true;
        status.textContent = "";
        return;
      }
      load().then(function (loaded) {
        var rows = loaded.rows;
        matches = [];
        for (var i = 0; i < rows.length; i++) {
          var row = rows[i];
          if (wantField >= 0 && row[2] !== wantField) {
            continue;
          }
          if (wantTeam >= 0 && row[3].indexOf(wantTeam) < 0) {
            continue;
          }
          if (query && loaded.folded[i].indexOf(query) < 0) {
            continue;
          }
          matches.push(row);
        }
        results.replaceChildren();
        shown = 0;
        showMore();
        status.textContent = describe(matches.length);
        answered = criteria;
      }, function () {
        status.textContent = "Suodattimen tietoja ei voitu ladata. Selaa kumppaneita aakkosittain.";
      });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 200);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      run();
    });
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("reset", function () {
      window.setTimeout(run, 0);
    });
    more.addEventListener("click", showMore);
    // Fetch the rows as soon as the visitor heads for the filter, so the first result comes without a wait.
    box.addEventListener("focusin", function () {
      load().catch(function () {});
    });
    box.hidden = false;
    box.setAttribute("data-ready", "");
  }

  document.querySelectorAll(".pk-filter[data-key]").forEach(setup);
})();
