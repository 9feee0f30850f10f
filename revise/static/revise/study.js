// Keyboard study: Space shows the answer, 1-4 rate it, u undoes the last answer.
// Without JavaScript the same links and forms work; this only saves a page load.
(function () {
  "use strict";
  var root = document.querySelector("[data-study]");
  if (!root) return;
  var answer = root.querySelector("#answer");
  var ratings = root.querySelector("#ratings");
  var show = root.querySelector("[data-show]");
  var busy = false;
  root.dataset.keys = "on"; // tells tests (and CSS) that the shortcuts are live

  function reveal() {
    if (!answer || !answer.hidden) return false;
    answer.hidden = false;
    if (ratings) ratings.hidden = false;
    if (show) show.parentElement.hidden = true;
    var good = root.querySelector('[data-rating="3"]');
    if (good) good.focus();
    return true;
  }

  if (show) {
    show.addEventListener("click", function (event) {
      if (reveal()) event.preventDefault();
    });
  }
  // One answer per card: a second press or click while the first is sent does nothing.
  root.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (busy) event.preventDefault();
      busy = true;
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    if (event.key === " ") {
      if (reveal()) event.preventDefault();
    } else if (/^[1-4]$/.test(event.key) && answer && !answer.hidden) {
      var button = root.querySelector('[data-rating="' + event.key + '"]');
      if (button && !busy) {
        event.preventDefault();
        button.click();
      }
    } else if (event.key === "u" || event.key === "U") {
      var undo = root.querySelector("#undo");
      if (undo && !busy) {
        event.preventDefault();
        undo.requestSubmit ? undo.requestSubmit() : undo.submit();
      }
    }
  });
})();
