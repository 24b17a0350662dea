// Anklet on a phone without a connection (issue #18, item 4), on every page (base.html):
//
// * registers the service worker (/sw.js) and, on Today, asks it to keep the week's plan
//   pages (the guided session, the week, the log form) with their pictures;
// * keeps the phone's saved pages to one account: when another account (or nobody) is
//   signed in, or at sign-out, the saved pages are deleted (a session waiting to be sent is
//   not: the person is warned at sign-out, and it is sent when they sign in here again);
// * gives each session form an idempotency key, made once when the form is shown, so the
//   session is logged once however often it is sent;
// * shows "You're offline — this is the plan as of ..." on a page the worker served from
//   what it kept, and what the offline queue (outbox.js) holds: saved on this phone, sent,
//   sign in to send, or refused with the server's reason (kept until discarded);
// * sends the queue when the page loads and when the connection comes back.
(function () {
  "use strict";
  var body = document.body;
  if (!body) return;
  var me = body.getAttribute("data-account") || "";
  var person = body.getAttribute("data-person") || "";
  var asOf = body.getAttribute("data-offline-as-of");
  var box = document.getElementById("offline-status");
  var Q = window.AnkletOutbox;
  var PAGES = "anklet-pages";
  var LOG = /^\/people\/[^/]+\/log$/;

  function when(iso) {
    var d = new Date(iso);
    if (!iso || isNaN(d.getTime())) return "";
    return d.toLocaleString("en-GB", {weekday: "short", day: "numeric", month: "short",
                                      hour: "2-digit", minute: "2-digit"});
  }

  // --- "you're offline" on a kept copy --------------------------------------------------------
  if (asOf !== null) {
    var banner = document.createElement("p");
    banner.className = "offline-banner";
    banner.setAttribute("data-testid", "offline-banner");
    var at = when(asOf);
    banner.textContent = at ? "You're offline — this is the plan as of " + at + "."
                            : "You're offline.";
    var main = document.querySelector("main");
    if (main) main.insertBefore(banner, main.firstChild);
  }

  // --- one key per session form -----------------------------------------------------------------
  function newKey() {
    if (Q) return Q.uuid();
    return String(Date.now()) + "-" + Math.random().toString(36).slice(2, 14);
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
    var path;
    try { path = new URL(form.action, location.href).pathname; } catch (e) { return; }
    if (!LOG.test(path) || form.querySelector("input[name=idempotency_key]")) return;
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "idempotency_key"; input.value = newKey();
    form.appendChild(input);
  });

  if (!Q || !window.indexedDB) return;

  // --- one account's pages on this phone --------------------------------------------------------
  function forget() {  // the saved pages go; the queue stays (each item knows its account)
    var gone = window.caches ? caches.delete(PAGES).catch(function () {}) : Promise.resolve();
    return gone.then(function () { return Q.setMeta("account", ""); })
      .then(function () { return Q.setMeta("person", ""); });
  }
  var ready = asOf !== null ? Promise.resolve() : Q.getMeta("account").then(function (prev) {
    var work = [];
    if ((prev || "") !== me) {
      if (prev && window.caches) work.push(caches.delete(PAGES).catch(function () {}));
      work.push(Q.setMeta("account", me));
    }
    work.push(Q.setMeta("person", me ? person : ""));
    return Promise.all(work);
  }).catch(function () {});

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
    if (me && person && location.pathname === "/me" && asOf === null) {
      var base = "/people/" + encodeURIComponent(person);
      var wanted = ["/me", base + "/guided", base + "/plan", base + "/log"];
      ready.then(function () { return navigator.serviceWorker.ready; }).then(function (reg) {
        return caches.open(PAGES).then(function (c) {
          return Promise.all(wanted.map(function (u) { return c.match(u); }));
        }).then(function (hits) {
          var missing = wanted.filter(function (u, i) { return !hits[i]; });
          if (missing.length && reg.active) reg.active.postMessage({type: "keep", urls: missing});
        });
      }).catch(function () {});
    }
  }

  // --- what the queue holds, in words -----------------------------------------------------------
  var sent = [];
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text) n.textContent = text;
    return n;
  }
  function line(item) {
    var li = el("li", "offline-item offline-" + item.state);
    var day = Q.dayWords(item.date);
    if (item.state === "refused") {
      li.appendChild(el("span", null, "Anklet did not take the session of " + day
        + " saved on this phone: " + item.reason + " "));
      var discard = el("button", "small", "Discard it");
      discard.type = "button";
      discard.addEventListener("click", function () { Q.remove(item.key).then(render); });
      li.appendChild(discard);
    } else if (item.state === "sign-in") {
      li.appendChild(el("span", null, "The session of " + day + " is saved on this phone. "));
      var link = el("a", null, "Sign in to send it.");
      link.href = "/sign-in?next=" + encodeURIComponent(location.pathname);
      li.appendChild(link);
    } else {
      li.textContent = "Saved on this phone. It will be sent when you're back online.";
    }
    return li;
  }
  var warning = null;
  function render() {
    if (!box) return Promise.resolve();
    return Promise.all([Q.all(), me ? Q.notices(me) : Promise.resolve([])]).then(function (got) {
      var items = got[0] || [];
      got[1].forEach(function (n) { sent.push(n.text); });
      var own = items.filter(function (i) { return me ? i.account === me || !i.account : false; });
      box.textContent = "";
      if (warning) box.appendChild(warning);
      var list = el("ul", "offline-list");
      sent.forEach(function (text) { list.appendChild(el("li", "offline-item offline-sent", text)); });
      own.forEach(function (i) { list.appendChild(line(i)); });
      if (!me && items.length) {
        list.appendChild(el("li", "offline-item offline-sign-in",
          "A session saved on this phone is waiting: sign in to send it."));
      }
      if (list.childNodes.length) box.appendChild(list);
    }).catch(function () {});
  }
  function sendNow() {
    if (navigator.onLine === false) return Promise.resolve();
    return Q.sendAll().then(render, render);
  }
  if (Q.channel) Q.channel.onmessage = function () { render(); };
  window.addEventListener("anklet-outbox", function () { render(); });
  window.addEventListener("online", function () { sendNow(); });
  ready.then(render).then(function () {
    return Q.all().then(function (items) { if (items && items.length) return sendNow(); });
  }).catch(function () {});

  // --- sign-out: the saved pages go, a waiting session is never lost unsaid -----------------
  Array.prototype.forEach.call(document.querySelectorAll("form[action='/sign-out']"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      Q.all().then(function (items) {
        var waiting = (items || []).filter(function (i) { return i.account === me; });
        if (waiting.length && !form.hasAttribute("data-confirmed") && box) {
          warning = el("div", "offline-warning");
          warning.appendChild(el("p", null, (waiting.length === 1 ? "A session saved on this phone has"
            : waiting.length + " sessions saved on this phone have") + " not reached Anklet yet. "
            + "If you sign out, " + (waiting.length === 1 ? "it stays" : "they stay")
            + " on this phone and " + (waiting.length === 1 ? "is" : "are")
            + " sent when you sign in here again."));
          var go = el("button", "small", "Sign out anyway");
          go.type = "button";
          go.addEventListener("click", function () {
            form.setAttribute("data-confirmed", "");
            warning = null;
            forget().then(function () { form.submit(); }, function () { form.submit(); });
          });
          var stay = el("button", "small", "Stay signed in");
          stay.type = "button";
          stay.addEventListener("click", function () { warning = null; render(); });
          warning.appendChild(go); warning.appendChild(stay);
          render().then(function () { go.focus(); });
          return;
        }
        return forget().then(function () { form.submit(); });
      }).catch(function () { form.submit(); });
    });
  });
})();
