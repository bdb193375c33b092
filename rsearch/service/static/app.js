// Instant search for the server-rendered page: the same URL is fetched with
// X-Rsearch-Partial: 1 and the results part swapped in, and the URL (history)
// holds the whole state. Without this script the form submits normally.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.history.pushState) return;
  var box = form.querySelector("input[name=q]");
  var results = document.getElementById("results");
  var DEBOUNCE_MS = 250;
  // IME input (pinyin, cangjie...): no search while a composition is open, and
  // the Enter that ends one must not submit. Chrome sends that Enter as a
  // keydown with isComposing before compositionend; Safari sends
  // compositionend first, then a keydown with keyCode 229.
  var composing = false, compositionEndedAt = -Infinity, ENTER_AFTER_COMPOSITION_MS = 100;
  var timer = null, latest = 0;
  window.rsearchSearches = 0; // searches sent (the browser tests read it)

  function formUrl() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key === "sort" && value === "relevance") return; // the default stays out of the URL
      params.append(key, value);
    });
    return "/?" + params.toString();
  }

  function load(url, how) {
    var mine = ++latest;
    window.rsearchSearches++;
    return fetch(url, { headers: { "X-Rsearch-Partial": "1" } })
      .then(function (resp) { return resp.text(); })
      .then(function (html) {
        if (mine !== latest) return; // a later search overtook this one
        results.innerHTML = html;
        var state = results.querySelector(".state");
        var shown = state ? state.getAttribute("data-url") : url;
        if (how === "push") history.pushState({ typing: false }, "", shown);
        else if (how === "typing") {
          // One history entry per burst of typing, not one per keystroke.
          if (history.state && history.state.typing) history.replaceState({ typing: true }, "", shown);
          else history.pushState({ typing: true }, "", shown);
        }
        document.title = (box.value ? box.value + " - " : "") + "rsearch";
      })
      .catch(function () {
        if (mine !== latest) return;
        var p = document.createElement("p");
        p.className = "error";
        p.setAttribute("role", "alert");
        p.textContent = document.body.getAttribute("data-offline"); // in the page's language
        results.replaceChildren(p);
      });
  }

  function searchNow(how) {
    clearTimeout(timer);
    timer = null;
    return load(formUrl(), how);
  }

  box.addEventListener("compositionstart", function () { composing = true; clearTimeout(timer); });
  box.addEventListener("compositionend", function () {
    composing = false;
    compositionEndedAt = performance.now();
    clearTimeout(timer);
    timer = setTimeout(function () { searchNow("typing"); }, DEBOUNCE_MS);
  });
  box.addEventListener("input", function (e) {
    if (e.isComposing || composing) return;
    clearTimeout(timer);
    timer = setTimeout(function () { searchNow("typing"); }, DEBOUNCE_MS);
  });
  box.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    e.preventDefault(); // this script submits, or not
    if (e.isComposing || composing || e.keyCode === 229 ||
        performance.now() - compositionEndedAt < ENTER_AFTER_COMPOSITION_MS) return;
    searchNow("push");
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); searchNow("push"); });
  form.addEventListener("change", function (e) {
    if (e.target === box) return; // typing has its own handling
    if (!e.target.name) return; // the filter panel's fold (no name: not part of the search)
    searchNow("push"); // a facet, the sort or grouping: back to page 1
  });
  results.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.page-link");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    load(a.getAttribute("href"), "push").then(function () { window.scrollTo(0, 0); });
  });
  window.addEventListener("popstate", function () {
    box.value = new URLSearchParams(location.search).get("q") || "";
    clearTimeout(timer);
    load(location.pathname + location.search, "none");
  });
})();
