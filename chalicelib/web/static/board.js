// The escalation board refreshes itself: refetch this same page and swap #board in.
// Without JavaScript a reload shows the same. A form being used is never replaced.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !window.fetch || !window.DOMParser) { return; }
  var seconds = Number(board.getAttribute("data-refresh-seconds")) || 10;

  function refresh() {
    if (board.contains(document.activeElement) && document.activeElement !== document.body) {
      return;  // someone is choosing an outcome or about to press a button
    }
    fetch(window.location.href, {credentials: "same-origin", headers: {Accept: "text/html"}})
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("board");
        if (fresh && fresh.innerHTML !== board.innerHTML) { board.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }

  window.setInterval(refresh, seconds * 1000);
}());
