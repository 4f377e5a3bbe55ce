// Traced figures (pipeline/present/trace.py). A figure's description shows on hover and on keyboard
// focus by CSS alone; this script places it beside the figure in fixed position, so that a table that
// scrolls inside its frame does not clip it, and lets Escape hide it without moving focus (WCAG 1.4.13).
(function () {
  "use strict";
  document.documentElement.classList.add("js-trace");
  function place(figure) {
    var note = figure.querySelector(".trace-note");
    if (!note) return;
    var box = figure.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    var height = document.documentElement.clientHeight;
    var left = Math.max(4, Math.min(box.left, width - note.offsetWidth - 4));
    var top = box.bottom + 4;
    if (top + note.offsetHeight > height - 4 && box.top - note.offsetHeight - 4 > 0) {
      top = box.top - note.offsetHeight - 4;
    }
    note.style.left = left + "px";
    note.style.top = top + "px";
  }
  function entered(event) {
    var figure = event.target.closest && event.target.closest(".trace");
    if (!figure) return;
    if (event.relatedTarget && figure.contains(event.relatedTarget)) return;
    figure.classList.remove("trace-closed");
    place(figure);
  }
  document.addEventListener("focusin", entered);
  document.addEventListener("mouseover", entered);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".trace:focus, .trace:hover").forEach(function (figure) {
      figure.classList.add("trace-closed");
    });
  });
  window.addEventListener("scroll", function () {
    document.querySelectorAll(".trace:focus, .trace:hover").forEach(place);
  }, { passive: true, capture: true });
})();
