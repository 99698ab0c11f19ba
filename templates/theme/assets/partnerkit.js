// partnerkit: lists marked data-pk-phone-closed (a tier's methods) start folded on phones, so that the partner
// table comes within the first two screens; wider screens and browsers without scripts show them open.
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(max-width: 44.984375em)").matches) {
    document.querySelectorAll("details[data-pk-phone-closed]").forEach(function (details) {
      details.open = false;
    });
  }
})();

// partnerkit: on narrow screens Material's menu button is a <label>, which the keyboard cannot reach.
// Make it a button for keyboard and screen reader users (Material itself clicks a focused label on Enter;
// Space is added here), move focus into the opened menu, and close it with Escape. The closed drawer is
// out of the tab order (partnerkit.css).
(function () {
  "use strict";
  var drawer = document.getElementById("__drawer");
  var button = document.querySelector('.md-header label[for="__drawer"]');
  if (!drawer || !button) {
    return;
  }
  button.setAttribute("role", "button");
  button.setAttribute("tabindex", "0");
  button.setAttribute("aria-label", "Valikko");

  function sync() {
    button.setAttribute("aria-expanded", drawer.checked ? "true" : "false");
    if (drawer.checked && document.activeElement === button) {
      // The first element that can take focus: some links of the drawer are hidden at this width.
      var candidates = document.querySelectorAll(".md-sidebar--primary a[href], .md-sidebar--primary [tabindex='0']");
      for (var i = 0; i < candidates.length && document.activeElement === button; i++) {
        candidates[i].focus();
      }
    }
  }

  sync();
  drawer.addEventListener("change", sync);
  button.addEventListener("keydown", function (event) {
    if (event.key === " ") {
      event.preventDefault();
      button.click();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && drawer.checked) {
      drawer.checked = false;
      drawer.dispatchEvent(new Event("change"));
      button.focus();
    }
  });
})();
