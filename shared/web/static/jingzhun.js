/* The few behaviours every page shares, without a framework (served by the app, no CDN):
   - the header's menu button folds the service links away on a phone;
   - every table with a header row gets its cells labelled with their column's heading, so
     that on a phone each row can show as a stack of "heading: value" (jingzhun.css). */
(function () {
  "use strict";
  // Loaded in <head>, before the body is drawn: the stylesheet folds the menu only when the
  // script can unfold it.
  document.documentElement.classList.add("js");

  function labelCells(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) { return; }
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (th) {
      for (var i = 0; i < (th.colSpan || 1); i++) { labels.push(th.textContent.trim()); }
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      if (row.parentNode === table.tHead) { return; }
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        // A cell spanning every column ("none yet") is a message, not a value: no label.
        if (cell.colSpan < labels.length) { cell.setAttribute("data-label", labels[column] || ""); }
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("stack");
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table"), labelCells);
    var toggle = document.querySelector(".menu-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var open = toggle.closest(".topbar").classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
  });
}());
