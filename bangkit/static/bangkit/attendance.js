/* The phone attendance screen: the search box and the "only unmarked" switch filter the rows in the page,
   without asking the server. Each word typed must appear in the row's name or village; accents are ignored. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function start() {
    var box = document.getElementById("attendance-search");
    var unmarkedOnly = document.getElementById("attendance-unmarked-only");
    var list = document.getElementById("attendance-rows");
    var nothing = document.getElementById("attendance-nothing");
    if (!box || !list) {
      return;
    }

    function apply() {
      var words = fold(box.value).split(/\s+/).filter(Boolean);
      var onlyUnmarked = unmarkedOnly && unmarkedOnly.checked;
      var shown = 0;
      list.querySelectorAll(".attendance-row").forEach(function (row) {
        var text = fold(row.getAttribute("data-search") || "");
        var visible = words.every(function (word) { return text.indexOf(word) !== -1; }) &&
          !(onlyUnmarked && row.getAttribute("data-status"));
        row.hidden = !visible;
        shown += visible ? 1 : 0;
      });
      if (nothing) {
        nothing.hidden = shown > 0;
      }
    }

    box.addEventListener("input", apply);
    if (unmarkedOnly) {
      unmarkedOnly.addEventListener("change", apply);
    }
    // A marked row stays in view until the filter changes, so that the new status can be seen.
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        box.blur();
      }
    });
    apply();

    // A tap that did not reach the server (no signal at the venue) says so in its row, so that it is tapped again
    // rather than taken for saved; the row's status badge is unchanged until the server answers.
    function showUnsaved(event) {
      var row = event.target.closest(".attendance-row");
      if (!row) {
        return;
      }
      var notice = row.querySelector(".attendance-unsaved");
      if (!notice) {
        notice = document.createElement("div");
        notice.className = "attendance-unsaved alert alert-warning py-1 px-2 my-1 small";
        notice.setAttribute("role", "alert");
        row.insertBefore(notice, row.querySelector("form"));
      }
      notice.textContent = list.getAttribute("data-unsaved-message");
    }
    list.addEventListener("htmx:sendError", showUnsaved);
    list.addEventListener("htmx:timeout", showUnsaved);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
