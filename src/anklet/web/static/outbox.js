// The offline queue (issue #18, item 4): sessions logged on this phone without a connection,
// kept in IndexedDB until they reach Anklet. Loaded by every page (offline.js) and by the
// service worker (sw.js, which puts a session here when its post cannot reach the server).
//
// Each item keeps the form as it was sent and the idempotency key made once for it, so
// sending it twice (two tabs, a reload while sending, Background Sync and a page at the same
// moment) still logs it once: the server answers a repeat of the key with the session it
// already has. An item the server refuses stays, with the server's reason, until the person
// discards it; a signed-out phone keeps it and says "sign in to send". An item is sent only
// while the account that saved it is the one signed in.
(function (scope) {
  "use strict";
  var DB = "anklet-offline", OUTBOX = "outbox", META = "meta", NOTICES = "notices";
  var channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("anklet-outbox") : null;

  function open() {
    return new Promise(function (resolve, reject) {
      var req = scope.indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        var db = req.result;
        db.createObjectStore(OUTBOX, {keyPath: "key"});
        db.createObjectStore(META, {keyPath: "name"});
        db.createObjectStore(NOTICES, {keyPath: "id", autoIncrement: true});
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode), result;
        var s = t.objectStore(store);
        var req = work(s);
        if (req) req.onsuccess = function () { result = req.result; };
        t.oncomplete = function () { db.close(); resolve(result); };
        t.onerror = t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }
  function changed() {  // other tabs and the worker hear it on the channel, this page by an event
    if (channel) channel.postMessage("changed");
    if (typeof scope.dispatchEvent === "function" && typeof Event === "function") {
      try { scope.dispatchEvent(new Event("anklet-outbox")); } catch (e) { /* a worker: none */ }
    }
  }

  function uuid() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var b = scope.crypto.getRandomValues(new Uint8Array(16));  // plain HTTP: no randomUUID
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var api = {
    uuid: uuid,
    channel: channel,
    all: function () { return tx(OUTBOX, "readonly", function (s) { return s.getAll(); }); },
    add: function (item) {
      return tx(OUTBOX, "readwrite", function (s) { return s.put(item); }).then(changed);
    },
    remove: function (key) {
      return tx(OUTBOX, "readwrite", function (s) { return s.delete(key); }).then(changed);
    },
    update: function (key, patch) {
      return tx(OUTBOX, "readwrite", function (s) {
        var req = s.get(key);
        req.onsuccess = function () {
          if (!req.result) return;
          var item = req.result;
          Object.keys(patch).forEach(function (k) { item[k] = patch[k]; });
          s.put(item);
        };
        return null;
      });
    },
    getMeta: function (name) {
      return tx(META, "readonly", function (s) { return s.get(name); }).then(function (row) {
        return row ? row.value : null;
      });
    },
    setMeta: function (name, value) {
      return tx(META, "readwrite", function (s) { return s.put({name: name, value: value}); });
    },
    notices: function (account) {  // what was sent since this account last looked, taken
      return tx(NOTICES, "readwrite", function (s) {
        var req = s.getAll();
        req.onsuccess = function () {
          req.result.forEach(function (n) { if (n.account === account) s.delete(n.id); });
        };
        return req;
      }).then(function (all) {
        return (all || []).filter(function (n) { return n.account === account; });
      });
    },
    sendAll: function () {
      if (scope.navigator && scope.navigator.locks) {  // one sender at a time on this phone
        return scope.navigator.locks.request("anklet-outbox", send);
      }
      return send();
    }
  };

  function dayWords(iso) {
    if (!iso) return "";
    var d = new Date(iso + "T12:00:00");
    if (isNaN(d.getTime())) return iso;
    return d.toLocaleDateString("en-GB", {weekday: "short", day: "numeric", month: "short"});
  }
  api.dayWords = dayWords;

  function send() {
    return api.all().then(function (items) {
      var todo = (items || []).filter(function (i) { return i.state !== "refused"; });
      if (!todo.length) return null;
      return fetch("/offline/state", {credentials: "same-origin", cache: "no-store",
                                      headers: {"Accept": "application/json"}})
        .then(function (r) {
          return r.ok ? r.json() : null;  // the server is busy: try again later
        })
        .then(function (state) {
          if (state && !state.signed_in) {  // signed out: keep everything, "sign in to send"
            return Promise.all(todo.map(function (i) {
              return api.update(i.key, {state: "sign-in"});
            })).then(function () { return null; });
          }
          if (!state) return null;
          return todo.reduce(function (p, item) {
            return p.then(function () { return sendOne(item, state); });
          }, Promise.resolve());
        })
        .catch(function () { return null; })  // still offline: the item waits
        .then(changed);
    });
  }

  function sendOne(item, state) {
    if (item.account && item.account !== state.account) {
      return api.update(item.key, {state: "other-account"});
    }
    var body = new URLSearchParams(item.body);
    body.set("csrf_token", state.csrf);
    body.set("idempotency_key", item.key);
    return fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: {"Accept": "application/json", "Idempotency-Key": item.key, "X-CSRF-Token": state.csrf}
    }).then(function (r) {
      if (r.type === "opaqueredirect" || r.status === 401 || r.status === 403) {
        return api.update(item.key, {state: "sign-in"});
      }
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.status === 200 || r.status === 201) {
          return tx(NOTICES, "readwrite", function (s) {
            return s.add({account: item.account, date: item.date, text: "Sent: your session of "
              + dayWords(item.date) + " is logged."});
          }).then(function () { return api.remove(item.key); });
        }
        if (r.status === 404 || r.status === 409 || r.status === 422) {
          return api.update(item.key, {state: "refused", reason: data.message
            || "Anklet did not take it (answer " + r.status + ")."});
        }
        return api.update(item.key, {state: "waiting"});  // the server had a problem: later
      });
    });
  }

  scope.AnkletOutbox = api;
})(self);
