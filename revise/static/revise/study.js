// Keyboard study: Space shows the answer, 1-4 rate it, u undoes the last answer.
// Answers and undos are sent with fetch and the page that comes back (the next card)
// replaces this one: one round trip instead of a redirect and a second request.
// Without JavaScript the same links and forms work, with a redirect after each answer.
(function () {
  "use strict";
  var NEXT_CARD_HEADER = "X-Revise-Next";
  var busy = false;

  function root() {
    return document.querySelector("[data-study]");
  }

  function reveal() {
    var study = root();
    var answer = study && study.querySelector("#answer");
    if (!answer || !answer.hidden) return false;
    answer.hidden = false;
    var ratings = study.querySelector("#ratings");
    if (ratings) ratings.hidden = false;
    var show = study.querySelector("[data-show]");
    if (show) show.parentElement.hidden = true;
    var good = study.querySelector('[data-rating="3"]');
    if (good) good.focus();
    return true;
  }

  // The server's page replaces this one; the script itself stays (the new page's copy
  // of this script tag is inert), so only the new elements need their handlers.
  function show(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    document.title = next.title;
    document.body.replaceWith(next.body);
    busy = false;
    start();
    var card = document.querySelector(".flashcard") || document.querySelector("#main");
    if (card) {
      card.setAttribute("tabindex", "-1");
      card.focus({ preventScroll: true });
    }
  }

  // Sent as a plain form if fetch fails or the server answers with anything but the
  // next card (an error page, the sign-in page): the browser then shows what it says.
  function sendPlainly(form, submitter) {
    if (submitter && submitter.name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = submitter.name;
      input.value = submitter.value;
      form.appendChild(input);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var headers = {};
    headers[NEXT_CARD_HEADER] = "card";
    // Not form.action: the undo form's field named "action" hides that property.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      headers: headers,
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("not the next card");
        return response.text();
      })
      .then(show, function () {
        sendPlainly(form, submitter);
      });
  }

  function start() {
    var study = root();
    if (!study) return;
    var showLink = study.querySelector("[data-show]");
    if (showLink) {
      showLink.addEventListener("click", function (event) {
        if (reveal()) event.preventDefault();
      });
    }
    // One answer per card: a second press or click while the first is sent does nothing.
    study.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (busy) return;
        busy = true;
        send(form, event.submitter);
      });
    });
    study.dataset.keys = "on"; // tells tests (and CSS) that the shortcuts are live
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    var study = root();
    if (!study) return;
    var answer = study.querySelector("#answer");
    if (event.key === " ") {
      if (reveal()) event.preventDefault();
    } else if (/^[1-4]$/.test(event.key) && answer && !answer.hidden) {
      var button = study.querySelector('[data-rating="' + event.key + '"]');
      if (button && !busy) {
        event.preventDefault();
        button.click();
      }
    } else if (event.key === "u" || event.key === "U") {
      var undo = study.querySelector("#undo");
      if (undo && !busy) {
        event.preventDefault();
        undo.requestSubmit ? undo.requestSubmit() : undo.submit();
      }
    }
  });

  start();
})();
