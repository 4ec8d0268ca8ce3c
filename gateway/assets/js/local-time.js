// A gathering's page writes its times in the gathering's own time zone; this adds the same
// times in the visitor's zone (from the UTC instants in data-starts and data-ends), in the
// page's language. Without it the page still reads well: the zone is named with its offset.
(function () {
  "use strict";
  var box = document.querySelector("[data-local-time]");
  if (!box || !window.Intl || !box.dataset.starts) {
    return;
  }
  var starts = new Date(box.dataset.starts);
  var ends = new Date(box.dataset.ends || box.dataset.starts);
  if (isNaN(starts.getTime()) || isNaN(ends.getTime())) {
    return;
  }
  var lang = box.dataset.lang || document.documentElement.lang;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  var day = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" });
  var hour = new Intl.DateTimeFormat(lang, { timeStyle: "short" });
  var dayOf = new Intl.DateTimeFormat("en-CA", { dateStyle: "short" });
  var end = dayOf.format(starts) === dayOf.format(ends) ? hour.format(ends) : day.format(ends);
  var time = function (date, text) {
    var element = document.createElement("time");
    element.dateTime = date.toISOString();
    element.textContent = text;
    return element;
  };
  box.textContent = box.dataset.label + ": ";
  box.appendChild(time(starts, day.format(starts)));
  box.appendChild(document.createTextNode(" – "));
  box.appendChild(time(ends, end));
  if (zone) {
    box.appendChild(document.createTextNode(" (" + zone + ")"));
  }
  box.hidden = false;
})();
