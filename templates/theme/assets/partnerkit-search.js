// partnerkit: the search page (haku.html) over Pagefind's index (pagefind/). Pagefind loads only the index
// chunks a query needs, so the first result comes quickly even with tens of thousands of pages. Results are
// built with DOM methods (text, never HTML from the index); the number of results is announced (role=status).
// Each hit says what it is (type, field or role, tiers: Pagefind metadata) and search can be narrowed by type and
// tier (Pagefind filters). The query and the narrowing are kept in the address, so a search can be shared.
(function () {
  "use strict";
  var box = document.querySelector(".pk-search[data-pagefind]");
  if (!box) {
    return;
  }
  var form = box.querySelector("form");
  var input = form.elements.namedItem("q");
  var choices = [form.elements.namedItem("tyyppi"), form.elements.namedItem("taso")].filter(Boolean);
  var status = box.querySelector(".pk-search__status");
  var list = box.querySelector(".pk-search__results");
  var LIMIT = 20;
  var EXCERPT_WORDS = 28;
  // Words the index holds for search only (base forms, compound parts, synonyms) start with this mark and
  // follow the page's own word they belong to (render/search.py): they are never shown.
  var ADDED = "^^";
  var loading = null;
  var timer = 0;
  var latest = 0;

  function pagefind() {
    if (!loading) {
      var url = new URL(box.getAttribute("data-pagefind"), document.baseURI).href;
      // A large site's index comes in several bundles (render/search.py): the others are merged into the first.
      var others = (box.getAttribute("data-pagefind-merge") || "").split(" ").filter(Boolean);
      loading = import(url).then(function (module) {
        return Promise.all(others.map(function (folder) {
          // The bundle's path, not its whole address: Pagefind makes its hits' addresses from it, and the
          // first bundle's hits start from the site's path as well.
          return module.mergeIndex(new URL(folder, document.baseURI).pathname);
        })).then(function () {
          return module;
        });
      });
    }
    return loading;
  }

  // The excerpt: up to EXCERPT_WORDS of the page's own words after its title, from the start of the sentence
  // that holds the first match (or from the beginning), the matched words marked. A match on an added word
  // marks the page's word it was added for.
  function excerpt(data) {
    var holder = document.createElement("p");
    holder.className = "pk-search__excerpt";
    var words = (data.content || "").split(/[\r\n\s]+/g);
    var own = [];
    var owner = [];
    for (var i = 0; i < words.length; i++) {
      if (words[i].indexOf(ADDED) === 0) {
        owner[i] = own.length ? own[own.length - 1] : -1;
      } else {
        owner[i] = i;
        own.push(i);
      }
    }
    var marked = {};
    (data.locations || []).forEach(function (location) {
      if (owner[location] >= 0) {
        marked[owner[location]] = true;
      }
    });
    // The title, and a detail the hit shows above the excerpt (a field, a job title), are not repeated in it.
    own = skipping(skipping(own, words, (data.meta && data.meta.title) || ""), words,
      (data.meta && data.meta.tarkenne) || "");
    var first = own.findIndex(function (position) { return marked[position]; });
    var start = Math.max(first, 0);
    while (start > 0 && first - start < 12 && !/[.!?:]$/.test(words[own[start - 1]])) {
      start--;
    }
    var shown = own.slice(start, start + EXCERPT_WORDS);
    if (start > 0) {
      holder.appendChild(document.createTextNode("… "));
    }
    shown.forEach(function (position, index) {
      if (index > 0) {
        holder.appendChild(document.createTextNode(" "));
      }
      if (marked[position]) {
        var mark = document.createElement("mark");
        mark.textContent = words[position];
        holder.appendChild(mark);
      } else {
        holder.appendChild(document.createTextNode(words[position]));
      }
    });
    if (start + EXCERPT_WORDS < own.length) {
      holder.appendChild(document.createTextNode(" …"));
    }
    return holder;
  }

  // own without its first words when they are text's words (Pagefind may end a block with a full stop).
  function skipping(own, words, text) {
    var wanted = text.split(/\s+/).filter(Boolean);
    var same = wanted.length <= own.length && wanted.every(function (word, index) {
      var found = words[own[index]];
      return found === word || (index === wanted.length - 1 && found === word + ".");
    });
    return same ? own.slice(wanted.length) : own;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "pk-search-result";
    var link = document.createElement("a");
    // Index URLs start at the site root; this page is at the root, so they are made relative to it.
    link.href = data.url.replace(/^\//, "");
    link.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(link);
    var meta = data.meta || {};
    var kind = document.createElement("p");
    kind.className = "pk-search__type";
    kind.textContent = [meta.tyyppi, meta.tarkenne, meta.taso].filter(Boolean).join(" · ");
    li.appendChild(kind);
    if (data.content) {
      li.appendChild(excerpt(data));
    }
    return li;
  }

  // Narrowing by type and tier: each page's index holds a term for its type and tiers (render/search.py), and
  // a chosen term is searched with the query, so only pages that hold it are found.
  function narrowing() {
    var terms = [];
    var names = [];
    choices.forEach(function (select) {
      var option = select.options[select.selectedIndex];
      if (select.value && option) {
        terms.push(option.getAttribute("data-term"));
        names.push(option.textContent);
      }
    });
    return { terms: terms, names: names };
  }

  function run(query) {
    var mine = ++latest;
    var narrow = narrowing();
    if (!query && !narrow.names.length) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    if (location.protocol === "file:") {
      status.textContent = "Haku toimii, kun sivusto avataan verkko-osoitteesta (esimerkiksi python build.py serve).";
      return;
    }
    var asked = query ? "haulla \u201d" + query + "\u201d" : "";
    var narrowed = narrow.names.length ? "rajauksella " + narrow.names.join(", ") : "";
    pagefind().then(function (module) {
      return module.search([query].concat(narrow.terms).join(" ").trim());
    }).then(function (search) {
      if (mine !== latest || !search) {
        return null;
      }
      var total = search.results.length;
      return Promise.all(search.results.slice(0, LIMIT).map(function (result) {
        return result.data();
      })).then(function (found) {
        if (mine !== latest) {
          return;
        }
        list.replaceChildren.apply(list, found.map(item));
        if (total === 0) {
          var none = (asked || narrowed) + " ei löytynyt mitään" + (asked && narrowed ? " " + narrowed : "") + ".";
          status.textContent = none.charAt(0).toUpperCase() + none.slice(1);
        } else {
          status.textContent = (total === 1 ? "1 osuma" : total + " osumaa") + " " +
            [asked, narrowed].filter(Boolean).join(" ") + (total > LIMIT ? "; näytetään " + LIMIT + " parasta." : ".");
        }
      });
    }).catch(function () {
      status.textContent = "Hakua ei voitu tehdä: hakemistoa ei saatu ladattua.";
    });
  }

  function remember(query) {
    var url = new URL(location.href);
    url.searchParams.set("q", query);
    choices.forEach(function (select) {
      if (select.value) {
        url.searchParams.set(select.name, select.value);
      } else {
        url.searchParams.delete(select.name);
      }
    });
    history.replaceState(null, "", url.href);
  }

  function update() {
    window.clearTimeout(timer);
    remember(input.value.trim());
    run(input.value.trim());
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 250);
  });
  choices.forEach(function (select) {
    select.addEventListener("change", update);
  });
  box.hidden = false;
  var params = new URLSearchParams(location.search);
  var initial = params.get("q") || "";
  input.value = initial;
  choices.forEach(function (select) {
    var wanted = params.get(select.name) || "";
    // Only a value the page offers is taken from the address.
    select.value = Array.prototype.some.call(select.options, function (option) {
      return option.value === wanted;
    }) ? wanted : "";
  });
  var header = document.getElementById("pk-header-search");
  if (header) {
    header.value = initial;
  }
  if (initial || narrowing().names.length) {
    run(initial.trim());
  } else {
    input.focus();
  }
})();
