/* Accessibility glue for FAB's widgets (loaded on every page, after select2).
   - search-as-you-type boxes (select2) get the accessible name of their field's label;
   - the check boxes and file inputs without a label get one from their context. */
(function () {
  "use strict";
  function labelText(select) {
    var id = select.getAttribute("id");
    var label = id ? document.querySelector('label[for="' + id + '"]') : null;
    return label ? label.textContent.replace(/\*/g, "").replace(/\s+/g, " ").trim() : (select.getAttribute("name") || "");
  }
  function nameSelect2() {
    var selects = document.querySelectorAll("select.select2-hidden-accessible, select[data-select2-id]");
    Array.prototype.forEach.call(selects, function (select) {
      var text = labelText(select);
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) { return; }
      Array.prototype.forEach.call(box.querySelectorAll(".select2-selection"), function (el) {
        if (!el.getAttribute("aria-label")) { el.setAttribute("aria-label", text); }
      });
      Array.prototype.forEach.call(box.querySelectorAll(".select2-selection__rendered"), function (el) {
        el.setAttribute("aria-label", text);
      });
      Array.prototype.forEach.call(box.querySelectorAll("input.select2-search__field"), function (el) {
        el.setAttribute("aria-label", text);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("input.select2-search__field"), function (el) {
      if (!el.getAttribute("aria-label")) { el.setAttribute("aria-label", document.documentElement.lang === "en" ? "Search" : "Ara"); }
    });
  }
  function nameInputs() {
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file]:not([aria-label]):not([id])"), function (el) {
      el.setAttribute("aria-label", document.documentElement.lang === "en" ? "File to attach" : "Eklenecek dosya");
    });
  }
  function listSemantics() {
    // select2's multiple choice box is a <ul> that also holds a clear button and
    // the search box: not a list for assistive technology
    Array.prototype.forEach.call(document.querySelectorAll("ul.select2-selection__rendered"), function (ul) {
      ul.setAttribute("role", "presentation");
      Array.prototype.forEach.call(ul.children, function (li) { li.setAttribute("role", "presentation"); });
    });
  }
  function run() { nameSelect2(); nameInputs(); listSemantics(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
  window.addEventListener("load", run);
  if (window.jQuery) {
    // jQuery 3 runs ready handlers asynchronously (after "load" at times): name the
    // pickers once every ready handler (ozk.js's select2 set-up) has run
    window.jQuery(function () { setTimeout(run, 0); });
    window.jQuery(document).on("select2:open select2:select select2:clear", function () { setTimeout(nameSelect2, 0); });
  }
  if (window.MutationObserver) {
    var pending = false;
    new MutationObserver(function () {
      if (pending) { return; }
      pending = true;
      setTimeout(function () { pending = false; run(); }, 0);
    }).observe(document.documentElement, { childList: true, subtree: true });
  }
})();
