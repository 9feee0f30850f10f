// Marks a chapter read once the learner scrolls to the end of the article.
// Without JavaScript the "Mark as read" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-mark-read]");
  if (!form) return;
  var sent = false;

  function atEnd() {
    return form.getBoundingClientRect().top <= window.innerHeight;
  }

  function send() {
    if (sent || !atEnd()) return;
    sent = true;
    window.removeEventListener("scroll", send);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) return;
      var mark = document.createElement("p");
      mark.className = "read-mark";
      mark.setAttribute("role", "status");
      mark.textContent = "Read ✓";
      form.replaceWith(mark);
    });
  }

  window.addEventListener("scroll", send, { passive: true });
  // The page may already stand at the end when this runs (a scroll before the script
  // loaded, or a return to a scrolled page): no scroll event would come.
  send();
})();
