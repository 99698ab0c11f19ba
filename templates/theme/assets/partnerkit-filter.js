// partnerkit: the partner table filters itself. A listing's rows come from a data file loaded as a script (so the
// filter works from file:// too); matching rows are drawn into the listing's own table, every column kept, the
// count is told in a status line (read out by screen readers), and the choices are kept in the address so a
// filtered view can be bookmarked and shared. Without JavaScript the form stays hidden and the full table (or the
// alphabetical pages of a long listing) shows. The rows drawn here mirror the templates' partner_table and
// partner_list_table (templates/site/_browse.j2).
(function () {
  "use strict";
  var STEP = 100;
  // Form field name -> [data list holding the choices, row position of the row's ids in that list].
  var CHOICES = {ala: ["groups", 3], tiimi: ["teams", 9], henkilo: ["contacts", 7], taso: ["tiers", 10]};

  function fold(text) {
    return text.toLocaleLowerCase("fi");
  }

  function stripTags(html) {
    return html.replace(/<[^>]*>/g, " ").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
      .replace(/&quot;/g, "\"").replace(/&#x27;|&#39;/g, "'");
  }

  function setup(box) {
    var form = box.querySelector("form");
    var status = box.querySelector(".pk-filter__status");
    var key = box.getAttribute("data-key");
    var root = box.getAttribute("data-root");
    var kind = box.getAttribute("data-kind");
    var wrap = document.querySelector(".pk-table-wrap[data-filter-table='" + key + "']");
    var table = wrap.querySelector("table");
    var original = table.tBodies[0];
    var caption = table.caption;
    var captionText = caption ? caption.textContent : "";
    var originalHidden = table.hidden;
    var drawn = document.createElement("tbody");
    var more = document.createElement("button");
    var loading = null;
    var data = null;
    var matches = [];
    var shown = 0;
    var answered = ""; // the criteria whose answer is on the page
    var narrowed = null; // the last answer's criteria and row numbers, which a longer text can only narrow

    more.type = "button";
    more.className = "md-button pk-filter__more";
    more.hidden = true;
    wrap.parentNode.insertBefore(more, wrap.nextSibling);

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
        }).then(prepare);
      }
      return loading;
    }

    // Everything a keystroke needs is worked out once: the folded text of each row and the choices' positions.
    function prepare(loaded) {
      loaded.position = {};
      Object.keys(CHOICES).forEach(function (name) {
        var index = {};
        loaded[CHOICES[name][0]].forEach(function (entry, number) {
          index[entry[0]] = number;
        });
        loaded.position[name] = index;
      });
      loaded.folded = loaded.rows.map(function (row) {
        var words = [row[0], row[2], row[3] >= 0 ? loaded.groups[row[3]][1] : "", stripTags(row[6])];
        row[7].forEach(function (c) {
          words.push(loaded.contacts[c][1]);
        });
        row[9].forEach(function (t) {
          words.push(loaded.teams[t][1]);
        });
        return fold(words.join("\n"));
      });
      data = loaded;
      return loaded;
    }

    function link(path, id, text) {
      var a = document.createElement("a");
      a.href = root + "/" + data.paths[path].replace("{id}", id);
      a.textContent = text;
      return a;
    }

    function cell(label) {
      var td = document.createElement("td");
      td.setAttribute("data-label", label);
      return td;
    }

    function contactCell(row, label) {
      var td = cell(label);
      if (!row[7].length) {
        var missing = document.createElement("span");
        missing.className = "pk-missing";
        missing.textContent = "Ei yhteyshenkilöä";
        td.appendChild(missing);
      }
      row[7].forEach(function (c, number) {
        var contact = data.contacts[c];
        if (number) {
          td.appendChild(document.createTextNode(", "));
        }
        td.appendChild(link("contact", contact[0], contact[1]));
        if (contact[2]) {
          var mail = document.createElement("a");
          mail.href = "mailto:" + contact[2];
          // As the page's own rows show it: a line may break after the @ (render.breakable_email).
          var at = contact[2].indexOf("@");
          if (at > 0 && at < contact[2].length - 1) {
            mail.appendChild(document.createTextNode(contact[2].slice(0, at + 1)));
            mail.appendChild(document.createElement("wbr"));
            mail.appendChild(document.createTextNode(contact[2].slice(at + 1)));
          } else {
            mail.textContent = contact[2];
          }
          td.appendChild(document.createTextNode(" ("));
          td.appendChild(mail);
          td.appendChild(document.createTextNode(")"));
        }
      });
      return td;
    }

    function draw(row) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.appendChild(link("partner", row[1], row[0]));
      if (row[4]) {
        var mark = document.createElement("span");
        mark.className = "pk-status";
        mark.textContent = "(" + row[4] + ")";
        th.appendChild(document.createTextNode(" "));
        th.appendChild(mark);
      }
      var contactLabel = data.people ? "Yhteyshenkilöt" : "Yhteystiedot";
      if (kind === "tier" && row[5]) {
        var site = document.createElement("a");
        site.className = "pk-external";
        site.href = row[5];
        site.textContent = "Verkkosivu";
        var hidden = document.createElement("span");
        hidden.className = "pk-sr";
        hidden.textContent = " (" + row[0] + ")";
        site.appendChild(hidden);
        th.appendChild(document.createElement("br"));
        th.appendChild(site);
      }
      tr.appendChild(th);
      var field = cell("Toimiala");
      field.textContent = row[2];
      tr.appendChild(field);
      if (kind === "tier") {
        var coop = cell("Yhteistyö");
        // The description is the page's own sanitised HTML (partnerkit.markup): parsed inert, then moved in.
        var parsed = document.createElement("template");
        parsed.innerHTML = row[6];
        coop.appendChild(parsed.content);
        tr.appendChild(coop);
        var contacts = contactCell(row, contactLabel);
        if (row[8] >= 0) {
          var team = data.teams[row[8]];
          if (row[7].length) {
            contacts.appendChild(document.createElement("br"));
          }
          contacts.appendChild(document.createTextNode("Tiimi: "));
          contacts.appendChild(link("team", team[0], team[1]));
        }
        tr.appendChild(contacts);
      } else {
        if (table.tHead.rows[0].cells.length === 4) {
          var tiers = cell("Tasot");
          row[10].forEach(function (t, number) {
            if (number) {
              tiers.appendChild(document.createTextNode(", "));
            }
            tiers.appendChild(link("tier", data.tiers[t][0], data.tiers[t][1]));
          });
          tr.appendChild(tiers);
        }
        tr.appendChild(contactCell(row, contactLabel));
      }
      return tr;
    }

    function showMore() {
      var rows = document.createDocumentFragment();
      var next = matches.slice(shown, shown + STEP);
      next.forEach(function (row) {
        rows.appendChild(draw(row));
      });
      drawn.appendChild(rows);
      shown += next.length;
      var left = matches.length - shown;
      more.hidden = left <= 0;
      more.textContent = "Näytä seuraavat " + Math.min(STEP, left) + " (" + left + " jäljellä)";
    }

    function describe(count, total) {
      if (count === 0) {
        return "Ei yhtään kumppania näillä ehdoilla (kaikkiaan " + total + ").";
      }
      var text = "Näytetään " + (count === 1 ? "1 kumppani" : count + " kumppania") + " / " + total + ".";
      return count > STEP ? text + " Taulukossa ensimmäiset " + STEP + "." : text;
    }

    function wanted() {
      var criteria = {q: fold(form.elements.namedItem("q").value.trim())};
      Object.keys(CHOICES).forEach(function (name) {
        var control = form.elements.namedItem(name);
        criteria[name] = control ? control.value : "";
      });
      return criteria;
    }

    function remember(criteria) {
      var params = new URLSearchParams(window.location.search);
      ["q"].concat(Object.keys(CHOICES)).forEach(function (name) {
        var control = form.elements.namedItem(name);
        var value = control ? control.value.trim() : "";
        if (value) {
          params.set(name, value);
        } else {
          params.delete(name);
        }
      });
      var query = params.toString();
      var address = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      if (address !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", address);
      }
      return criteria;
    }

    function restore() {
      table.hidden = originalHidden;
      if (drawn.parentNode) {
        table.replaceChild(original, drawn);
      }
      matches = [];
      more.hidden = true;
      status.textContent = "";
      if (caption) {
        caption.textContent = captionText;
      }
    }

    // Returns the rows that meet every criterion; a choice that is not offered matches nothing. Typing on narrows
    // the previous answer: when only the text grew, just the rows that matched before are looked at again.
    function match(loaded, criteria) {
      var rows = loaded.rows;
      var tests = [];
      Object.keys(CHOICES).forEach(function (name) {
        if (criteria[name]) {
          var at = loaded.position[name][criteria[name]];
          tests.push([CHOICES[name][1], at === undefined ? -2 : at]);
        }
      });
      var choices = JSON.stringify(tests);
      var candidates = null;
      if (narrowed && narrowed.choices === choices && narrowed.q && criteria.q.indexOf(narrowed.q) === 0) {
        candidates = narrowed.found;
      }
      var count = candidates ? candidates.length : rows.length;
      var found = [];
      for (var n = 0; n < count; n++) {
        var i = candidates ? candidates[n] : n;
        var row = rows[i];
        var ok = true;
        for (var t = 0; t < tests.length && ok; t++) {
          var value = row[tests[t][0]];
          ok = typeof value === "number" ? value === tests[t][1] : value.indexOf(tests[t][1]) >= 0;
        }
        if (ok && criteria.q && loaded.folded[i].indexOf(criteria.q) < 0) {
          ok = false;
        }
        if (ok) {
          found.push(i);
        }
      }
      narrowed = {choices: choices, q: criteria.q, found: found};
      return found.map(function (i) {
        return rows[i];
      });
    }

    function run() {
      var criteria = remember(wanted());
      var asked = JSON.stringify(criteria);
      // The text field fires "change" when it loses focus, as it does when the visitor goes on to a row's link
      // or to "show the next ones": unchanged criteria keep the rows already drawn.
      if (asked === answered) {
        return Promise.resolve();
      }
      var active = criteria.q || Object.keys(CHOICES).some(function (name) {
        return criteria[name];
      });
      if (!active) {
        restore();
        answered = asked;
        return Promise.resolve();
      }
      return load().then(function (loaded) {
        if (JSON.stringify(wanted()) !== asked) {
          return; // a later keystroke answers for itself
        }
        answered = asked;
        matches = match(loaded, criteria);
        drawn.replaceChildren();
        shown = 0;
        if (original.parentNode) {
          table.replaceChild(drawn, original);
        }
        table.hidden = matches.length === 0;
        showMore();
        status.textContent = describe(matches.length, loaded.rows.length);
        if (caption) {
          // The caption names what the table holds now, as the visitor narrowed it.
          var cut = captionText.lastIndexOf(": ");
          caption.textContent = (cut > 0 ? captionText.slice(0, cut) : captionText) + ": rajattu, " +
            matches.length + " / " + loaded.rows.length + " kumppania";
        }
      }, function () {
        status.textContent = "Suodattimen tietoja ei voitu ladata. Selaa kumppaneita aakkosittain.";
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    form.addEventListener("input", run);
    form.addEventListener("change", run);
    form.addEventListener("reset", function () {
      window.setTimeout(run, 0);
    });
    more.addEventListener("click", showMore);
    // Fetch the rows as soon as the visitor heads for the filter, so the first answer comes without a wait.
    box.addEventListener("focusin", function () {
      load().catch(function () {});
    });
    // A shared address brings its choices along: they are put into the form and answered at once.
    var params = new URLSearchParams(window.location.search);
    var given = false;
    ["q"].concat(Object.keys(CHOICES)).forEach(function (name) {
      var control = form.elements.namedItem(name);
      if (control && params.get(name)) {
        control.value = params.get(name);
        given = true;
      }
    });
    box.hidden = false;
    (given ? run() : Promise.resolve()).then(function () {
      box.setAttribute("data-ready", "");
    });
  }

  document.querySelectorAll(".pk-filter[data-key]").forEach(setup);
})();
