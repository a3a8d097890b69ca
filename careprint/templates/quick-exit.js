/* quick-exit.js: the quick-exit button (#quick-exit) of the web edition (web-page.html)
   and of the library page (library.html, inline).
   Pressing Escape once, or the button, replaces this page with the button's neutral page
   (location.replace: the guide is not left in the Back history of this tab). Without
   JavaScript the button is an ordinary link to the same page. */
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) {
    return;
  }
  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    document.documentElement.style.visibility = "hidden";
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      leave(event);
    }
  });
})();
