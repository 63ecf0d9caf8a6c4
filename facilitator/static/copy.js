/* A Copy button beside each read-only link field (input.copy with
   data-copy-label): copies the link and announces "Copied" in the field's
   status region (id "<field>-status", aria-live). Without JavaScript the
   field stays as it is: a read-only text to select and copy by hand. */
(function () {
  "use strict";

  function announce(status, text) {
    if (!status) return;
    status.textContent = "";
    // A change after a pause is announced again on a second press.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copyBySelection(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("input.copy[data-copy-label]").forEach(function (input) {
    var status = document.getElementById(input.id + "-status");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small secondary copy-button";
    button.textContent = input.getAttribute("data-copy-label");
    input.insertAdjacentElement("afterend", button);
    input.addEventListener("focus", function () { input.select(); });

    button.addEventListener("click", function () {
      var copied = function () { announce(status, input.getAttribute("data-copied")); };
      var fallback = function () {
        if (copyBySelection(input)) {
          copied();
        } else {
          announce(status, input.getAttribute("data-copy-failed"));
        }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(copied, fallback);
      } else {
        fallback();
      }
    });
  });
})();
