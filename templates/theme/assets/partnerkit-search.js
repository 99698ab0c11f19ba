// partnerkit: the search page (haku.html) over Pagefind's index (pagefind/). Pagefind loads only the index
// chunks a query needs, so the first result comes quickly even with tens of thousands of pages. Results are
// built with DOM methods (text, never HTML from the index); the number of results is announced (role=status).
(function () {
  "use strict";
  var box = document.querySelector(".pk-search[data-pagefind]");
  if (!box) {
    return;
  }
  var form = box.querySelector("form");
  var input = form.elements.namedItem("q");
  var status = box.querySelector(".pk-search__status");
  var list = box.querySelector(".pk-search__results");
  var LIMIT = 20;
  var loading = null;
  var timer = 0;
  var latest = 0;

  function pagefind() {
    if (!loading) {
      var url = new URL(box.getAttribute("data-pagefind"), document.baseURI).href;
      loading = import(url).then(function (module) {
        return Promise.resolve(module.options({ excerptLength: 20 })).then(function () {
          return module;
        });
      });
    }
    return loading;
  }

  // Pagefind marks the matched words with <mark>; everything else of the excerpt is copied as text.
  function excerpt(html) {
    var holder = document.createElement("p");
    holder.className = "pk-search__excerpt";
    var parsed = new DOMParser().parseFromString("<body>" + html, "text/html").body;
    parsed.childNodes.forEach(function (node) {
      if (node.nodeType === Node.ELEMENT_NODE && node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        holder.appendChild(mark);
      } else {
        holder.appendChild(document.createTextNode(node.textContent));
      }
    });
    return holder;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "pk-search-result";
    var link = document.createElement("a");
    // Index URLs start at the site root; this page is at the root, so they are made relative to it.
    link.href = data.url.replace(/^\//, "");
    link.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(link);
    li.appendChild(excerpt(data.excerpt || ""));
    return li;
  }

  function run(query) {
    var mine = ++latest;
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    if (location.protocol === "file:") {
      status.textContent = "Haku toimii, kun sivusto avataan verkko-osoitteesta (esimerkiksi python build.py serve).";
      return;
    }
    pagefind().then(function (module) {
      return module.search(query);
    }).then(function (search) {
      if (mine !== latest) {
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
          status.textContent = "Haulla \u201d" + query + "\u201d ei löytynyt mitään.";
        } else {
          status.textContent = (total === 1 ? "1 osuma" : total + " osumaa") + " haulla \u201d" + query + "\u201d" +
            (total > LIMIT ? ", näytetään " + LIMIT + " parasta." : ".");
        }
      });
    }).catch(function () {
      status.textContent = "Hakua ei voitu tehdä: hakemistoa ei saatu ladattua.";
    });
  }

  function remember(query) {
    var url = new URL(location.href);
    url.searchParams.set("q", query);
    history.replaceState(null, "", url.href);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    remember(input.value.trim());
    run(input.value.trim());
  });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      remember(input.value.trim());
      run(input.value.trim());
    }, 250);
  });
  box.hidden = false;
  var initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  var header = document.getElementById("pk-header-search");
  if (header) {
    header.value = initial;
  }
  if (initial) {
    run(initial.trim());
  } else {
    input.focus();
  }
})();
