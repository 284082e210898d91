// The live view of the consolidated stream page (registry/feed.html).
// EventSource resumes by itself: when the server ends a stream (max_seconds) the browser
// reconnects with Last-Event-ID, which the server prefers to the ?cursor= in the URL.
(function () {
  "use strict";
  var MAX_ROWS = 500; // an open tab must not grow without bound

  function yuan(fen) {
    if (typeof fen !== "number") return "";
    var sign = fen < 0 ? "-" : "";
    fen = Math.abs(fen);
    var whole = Math.floor(fen / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + whole + "." + String(fen % 100).padStart(2, "0");
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text == null ? "" : String(text); // text only: event data never becomes markup
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function rowFor(entry, table) {
    var data = entry.data || {};
    var zh = (table.dataset.locale || "").indexOf("zh") === 0;
    var names = JSON.parse(table.dataset.programNames || "{}");
    var tr = document.createElement("tr");
    tr.dataset.id = entry.id;
    cell(tr, (entry.time || "").slice(0, 19).replace("T", " "));
    var link = document.createElement("a");
    link.href = table.dataset.householdUrl.replace("HOUSEHOLD", encodeURIComponent(entry.subject || ""));
    link.textContent = entry.subject || "";
    cell(tr, "").appendChild(link);
    cell(tr, names[data.program] || data.program);
    cell(tr, (zh ? data.title_zh : data.title_en) || entry.type);
    cell(tr, yuan(data.income_fen), "money");
    cell(tr, data.county_code);
    cell(tr, data.village);
    return tr;
  }

  function start() {
    var table = document.querySelector("table[data-stream-url]");
    var toggle = document.getElementById("feed-live");
    var status = document.getElementById("feed-status");
    var rows = document.getElementById("feed-rows");
    if (!table || !toggle || !window.EventSource) {
      if (toggle) toggle.disabled = true;
      return;
    }
    var source = null;
    var url = table.dataset.streamUrl;

    function onEntry(message) {
      var entry = JSON.parse(message.data);
      // Reopening after "off" continues from here, not from the page's first position.
      var next = new URL(table.dataset.streamUrl, window.location.href);
      next.searchParams.set("cursor", entry.cursor);
      url = next.toString();
      if (rows.querySelector("tr[data-id='" + CSS.escape(entry.id) + "']")) return;
      var empty = rows.querySelector("tr.empty");
      if (empty) empty.remove();
      rows.insertBefore(rowFor(entry, table), rows.firstChild);
      while (rows.children.length > MAX_ROWS) rows.removeChild(rows.lastChild);
    }

    function open() {
      status.textContent = table.dataset.textConnecting;
      source = new EventSource(url);
      JSON.parse(table.dataset.eventTypes).forEach(function (type) {
        source.addEventListener(type, onEntry);
      });
      source.onopen = function () { status.textContent = table.dataset.textLive; };
      source.onerror = function () {
        // CONNECTING: the browser retries by itself. CLOSED: refused (logged out, 403).
        if (source.readyState === EventSource.CLOSED) {
          status.textContent = table.dataset.textFailed;
          toggle.checked = false;
        } else {
          status.textContent = table.dataset.textConnecting;
        }
      };
    }

    function close() {
      if (source) source.close();
      source = null;
      status.textContent = table.dataset.textOff;
    }

    toggle.addEventListener("change", function () {
      if (toggle.checked) open(); else close();
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
