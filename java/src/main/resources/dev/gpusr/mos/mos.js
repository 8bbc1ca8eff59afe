// gpu-sr mos: keyboard shortcuts (1-5 rate, R shows/hides the original) and one submission per page.
"use strict";
(function () {
  var form = document.getElementById("rate");
  if (!form) return;
  var reference = document.getElementById("reference");
  var toggle = document.getElementById("toggle-reference");
  var sent = false;

  function showReference(show) {
    reference.hidden = !show;
    toggle.setAttribute("aria-pressed", show ? "true" : "false");
    toggle.firstChild.nodeValue = show ? "Hide original " : "Show original ";
  }

  toggle.addEventListener("click", function () { showReference(reference.hidden); });

  form.addEventListener("submit", function (event) {
    if (sent) { event.preventDefault(); return; }
    sent = true;
    document.body.classList.add("sending");
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
    var key = event.key;
    if (key >= "1" && key <= "5" && key.length === 1) {
      event.preventDefault();
      if (sent) return;
      var button = document.getElementById("score-" + key);
      button.classList.add("chosen");
      if (form.requestSubmit) form.requestSubmit(button); else button.click();
    } else if (key === "r" || key === "R") {
      event.preventDefault();
      showReference(reference.hidden);
    }
  });
})();
