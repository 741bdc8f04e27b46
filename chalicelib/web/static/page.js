/* Tapaamo booking page: the one enhancement. Choosing a place (or a day, or a week) fetches
   the same page and swaps only the times, so the page does not jump and focus stays where
   it was. Without this script the same form reloads the page with the same answer. */
(function () {
  "use strict";
  var form = document.getElementById("slot-form");
  var times = document.getElementById("times");
  if (!form || !times || !window.fetch || !window.DOMParser || !window.URLSearchParams) {
    return;
  }
  form.classList.add("enhanced");
  var latest = 0;  // arrow keys on the places fire a change each: only the last one counts

  function query(submitter) {
    // What the browser would send for this submitter: the form's fields and its own value.
    var data = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.tagName === "INPUT" && (field.type !== "radio" || field.checked)) {
        data.append(field.name, field.value);
      }
    });
    data.append(submitter.name, submitter.value);
    return data;
  }

  function show(data, focusId) {
    var url = form.action + "?" + data.toString();
    var asked = ++latest;
    times.setAttribute("aria-busy", "true");
    fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (html) {
      if (asked !== latest) { return; }
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("times");
      if (!fresh) { throw new Error("no times in the answer"); }
      times.innerHTML = fresh.innerHTML;
      times.dataset.day = fresh.dataset.day;
      times.removeAttribute("aria-busy");
      history.replaceState(null, "", url);
      var again = focusId && document.getElementById(focusId);
      if (again && !again.disabled) { again.focus(); }
    }).catch(function () {
      if (asked === latest) { window.location.assign(url); }  // the page itself always answers
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "place") {
      show(query({name: "day", value: times.dataset.day}), null);
    }
  });
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    // A time goes to the confirm page (its own formaction): only the picker is swapped.
    if (!submitter || submitter.hasAttribute("formaction") || !submitter.name) { return; }
    event.preventDefault();
    show(query(submitter), submitter.id);
  });
}());
