// Self review: keeps each answer as the learner types. A signed-in learner's answer is
// sent to its draft address a moment after they stop typing (one request at a time, the
// latest text last); a visitor's stays in this browser only (localStorage). Without
// JavaScript the page's buttons save the same answers with the form.
(function () {
  "use strict";
  var form = document.querySelector("[data-self-review]");
  if (!form) return;
  var WAIT_MS = 800;
  var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";
  var submitting = false;
  var flushers = [];

  function statusOf(area) {
    return area.closest(".sr-question").querySelector("[data-draft-status]");
  }

  function say(status, text, bad) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("sr-status-bad", !!bad);
  }

  function drafts(area) {
    var status = statusOf(area);
    var url = area.dataset.draftUrl;
    var sent = area.value;
    var timer = null;
    var sending = false;
    var again = false;

    function body(text) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      data.append("answer", text);
      return data;
    }

    function send() {
      timer = null;
      if (area.value === sent) return;
      if (sending) {
        again = true;
        return;
      }
      var text = area.value;
      sending = true;
      say(status, "Saving…");
      fetch(url, {
        method: "POST",
        body: body(text),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (data) {
              if (response.ok && data.saved) {
                sent = text;
                say(status, area.value === text ? "Draft saved." : "Saving…");
              } else {
                say(status, (data.error || "Not saved.") + " Your answer is still here.", true);
              }
            });
        })
        .catch(function () {
          say(status, "Not saved: check your connection. Your answer is still here.", true);
        })
        .then(function () {
          sending = false;
          if (again) {
            again = false;
            send();
          }
        });
    }

    area.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      if (sending) again = true;
      timer = setTimeout(send, WAIT_MS);
    });
    // Leaving the page before the wait is over: send what is left in the background.
    flushers.push(function () {
      if (!timer || submitting) return;
      clearTimeout(timer);
      timer = null;
      if (area.value !== sent && navigator.sendBeacon) {
        navigator.sendBeacon(url, body(area.value));
        sent = area.value;
      }
    });
  }

  function kept(area) {
    var status = statusOf(area);
    var key = area.dataset.localKey;
    try {
      var before = window.localStorage.getItem(key);
      if (!area.value && before) {
        area.value = before;
        say(status, "Your answer from before, kept in this browser only.");
      }
    } catch (error) {
      return; // storage switched off: the form still carries the answer
    }
    area.addEventListener("input", function () {
      try {
        window.localStorage.setItem(key, area.value);
        say(status, "Kept in this browser only: create a free account to save it.");
      } catch (error) {
        say(status, "");
      }
    });
  }

  form.querySelectorAll("textarea[data-draft-url]").forEach(drafts);
  form.querySelectorAll("textarea[data-local-key]").forEach(kept);

  // One submission at a time: a double click sends the form once.
  form.addEventListener("submit", function (event) {
    if (submitting) event.preventDefault();
    submitting = true;
  });
  window.addEventListener("pageshow", function () {
    submitting = false;
  });
  window.addEventListener("pagehide", function () {
    flushers.forEach(function (flush) {
      flush();
    });
  });
  form.dataset.drafts = "on"; // tells tests (and CSS) that drafts are kept as you type
})();
