// Questionnaire pages: keep the answers in this browser as they are tapped (a reload or a
// lost connection loses nothing), show how many are answered, move on to the next question,
// and forget the kept answers once the server has saved them. The server checks everything;
// without this script the form works the same, only without the keeping.
(function () {
  "use strict";
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }

  function read(key) {
    if (!store) return {};
    try { return JSON.parse(store.getItem(key) || "{}") || {}; } catch (e) { return {}; }
  }
  function write(key, answers) {
    if (!store) return;
    try { store.setItem(key, JSON.stringify(answers)); } catch (e) { /* full or private: no keeping */ }
  }

  var done = document.querySelector("[data-q-done]");
  if (done && store) {
    try { store.removeItem(done.getAttribute("data-q-done")); } catch (e) { /* nothing kept */ }
  }

  var form = document.querySelector("form[data-q-draft]");
  if (!form) return;
  var key = form.getAttribute("data-q-draft");
  var total = parseInt(form.getAttribute("data-q-total"), 10) || 0;
  var items = Array.prototype.slice.call(form.querySelectorAll("[data-q-item]"));
  var count = form.querySelector("[data-q-count]");
  var fill = form.querySelector("[data-q-fill]");
  var motion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";

  function answers() {
    var out = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (input) { out[input.name] = input.value; });
    return out;
  }
  function progress() {
    var n = Object.keys(answers()).length;
    if (count) count.textContent = String(n);
    if (fill) fill.style.width = (total ? Math.round(100 * n / total) : 0) + "%";
  }

  // put back what was kept, where the page has no answer of its own (a form sent back by
  // the server with its errors shows what was sent)
  var kept = read(key);
  var restored = false;
  Object.keys(kept).forEach(function (name) {
    var group = form.querySelectorAll("input[type=radio][name='" + name.replace(/'/g, "") + "']");
    var chosen = Array.prototype.some.call(group, function (i) { return i.checked; });
    if (chosen) return;
    Array.prototype.forEach.call(group, function (input) {
      if (input.value === kept[name]) { input.checked = true; restored = true; }
    });
  });
  if (restored) {
    var note = document.querySelector("[data-q-restored]");
    if (note) note.hidden = false;
  }
  progress();

  // only a tap or a click moves on: arrow keys walk through one question's answers
  var byPointer = false;
  form.addEventListener("pointerdown", function () { byPointer = true; });
  form.addEventListener("keydown", function () { byPointer = false; });

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "radio") return;
    write(key, answers());
    progress();
    var item = input.closest("[data-q-item]");
    var at = items.indexOf(item);
    var next = items.slice(at + 1).find(function (it) { return !it.querySelector("input:checked"); });
    if (next && byPointer) {
      window.setTimeout(function () { next.scrollIntoView({ behavior: motion, block: "start" }); }, 150);
    }
  });
})();
