// Keyboard lessons: number keys pick an answer, Enter checks it, then goes on.
// Without JavaScript every step is a plain form or link; this only adds the keys.
(function () {
  "use strict";
  var root = document.querySelector("[data-lesson]");
  if (!root) return;
  var form = root.querySelector("form[data-answer]");
  var busy = false;
  root.dataset.keys = "on"; // tells tests (and CSS) that the shortcuts are live

  function typing(target) {
    return target.closest && target.closest("input[type=text], textarea, select");
  }

  function activatable(target) {
    return target.closest && target.closest("a[href], button, summary");
  }

  function submit() {
    if (!form || busy) return;
    if (!form.checkValidity()) {
      form.reportValidity();
      return;
    }
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  function pick(key) {
    if (!form) return false;
    var kind = form.dataset.kind;
    if (kind === "choice" || kind === "true-false") {
      var radio = form.querySelector('input[type=radio][data-key="' + key + '"]');
      if (!radio) return false;
      radio.checked = true;
      radio.focus();
      return true;
    }
    if (kind === "order") {
      var select = form.querySelector('select[data-place][data-key="' + key + '"]');
      if (!select || select.value) return false;
      var placed = form.querySelectorAll("select[data-place]");
      var next = 1;
      placed.forEach(function (s) { if (s.value) next += 1; });
      select.value = String(next);
      return true;
    }
    if (kind === "match") {
      var open = Array.prototype.find.call(
        form.querySelectorAll("select[data-pair]"),
        function (s) { return !s.value; }
      );
      if (!open) return false;
      var option = open.querySelectorAll("option")[key];
      if (!option) return false;
      open.value = option.value;
      return true;
    }
    return false;
  }

  if (form) {
    // One answer per step: a second press while the first is on its way does nothing.
    form.addEventListener("submit", function (event) {
      if (busy) event.preventDefault();
      busy = true;
    });
    var blank = form.querySelector("input.blank");
    if (blank) blank.focus();
  } else {
    var onward = root.querySelector("[data-continue]");
    if (onward) onward.focus({ preventScroll: true });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var target = event.target;
    if (/^[1-9]$/.test(event.key)) {
      if (typing(target) && !(target.matches && target.matches("select[data-place], select[data-pair]"))) return;
      if (pick(Number(event.key))) event.preventDefault();
    } else if (event.key === "Backspace" && form && form.dataset.kind === "order" && !typing(target)) {
      // take back the last place given
      var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-place]"));
      var last = selects.reduce(function (best, s) {
        return Number(s.value) > Number(best ? best.value : 0) ? s : best;
      }, null);
      if (last) { last.value = ""; event.preventDefault(); }
    } else if (event.key === "Enter") {
      if (typing(target) && target.matches("input[type=text]")) return; // the form submits itself
      if (activatable(target)) return; // the focused link or button acts
      if (form) {
        event.preventDefault();
        submit();
        return;
      }
      var onward = root.querySelector("[data-continue]");
      if (onward) {
        event.preventDefault();
        onward.click();
      }
    }
  });
})();
