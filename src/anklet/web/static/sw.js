// Anklet's service worker (issue #18, item 4), served as /sw.js (web/pages/offline.py fills
// in VERSION and PRECACHE): this week's plan and pictures on the phone, and a session logged
// without a connection kept here until it can be sent.
//
// * Static files: cached at install under the version (a hash of every static file), served
//   from there; a new deploy is a new version, and the old caches go when it activates.
// * The plan pages a person opens (Today, the guided session, the week, the log form: their
//   own, never a client's on a coach's phone) and the exercise pictures in them: network first; the copy kept is shown only when the network
//   fails, marked with the time it was saved (the page shows "You're offline — this is the
//   plan as of ..."). Kept in one cache for the account signed in here: offline.js empties it
//   when another account (or nobody) is signed in, and at sign-out.
// * Nothing else is kept: no API answer, no other page, no POST.
// * A session posted to /people/{key}/log that cannot reach the server goes into the offline
//   queue (outbox.js) with its idempotency key; the page says it is saved on this phone.
importScripts("/static/outbox.js");

var VERSION = "__VERSION__";
var PRECACHE = ["__PRECACHE__"];
var STATIC = "anklet-static-" + VERSION;
var PAGES = "anklet-pages";
var KEEP = [/^\/me$/, /^\/people\/[^/]+\/(guided|plan|log)$/, /^\/exercises\/[^/]+\/illustration\.svg$/];
var PICTURES = /\/exercises\/[A-Za-z0-9_.-]+\/illustration\.svg/g;
var LOG = /^\/people\/([^/]+)\/log$/;
var CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
  + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

self.addEventListener("install", function (event) {
  // each file on its own: one that fails to load (a deploy in progress) never stops the
  // worker installing; it is fetched from the network when asked for
  event.waitUntil(caches.open(STATIC).then(function (c) {
    return Promise.all(PRECACHE.map(function (u) { return c.add(u).catch(function () {}); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("anklet-static-") === 0 && n !== STATIC;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(path) { return KEEP.some(function (re) { return re.test(path); }); }

function signedIn() {  // the account offline.js last saw here ("" or null: nobody)
  return self.AnkletOutbox.getMeta("account").catch(function () { return null; });
}

function keep(url, response) {
  // a copy with the time it was saved; an HTML page's pictures kept with it. Only the signed-in
  // person's own pages: a coach's phone keeps no client's page (only the pictures)
  var whose = /^\/people\/([^/?]+)\//.exec(url);
  return Promise.all([signedIn(), self.AnkletOutbox.getMeta("person")]).then(function (got) {
    var account = got[0], person = got[1];
    if (!account || (whose && decodeURIComponent(whose[1]) !== person)) return null;
    return response.blob().then(function (blob) {
      var headers = new Headers(response.headers);
      headers.set("X-Anklet-Saved", new Date().toISOString());
      var copy = new Response(blob, {status: response.status, statusText: response.statusText,
                                     headers: headers});
      return caches.open(PAGES).then(function (c) {
        return c.put(url, copy).then(function () {
          if ((headers.get("content-type") || "").indexOf("text/html") !== 0) return null;
          return blob.text().then(function (html) {
            var pictures = (html.match(PICTURES) || []).filter(function (p, i, all) {
              return all.indexOf(p) === i;
            });
            return Promise.all(pictures.map(function (p) {
              return c.match(p).then(function (have) {
                if (have) return null;
                return fetch(p, {credentials: "same-origin"}).then(function (r) {
                  return r.ok ? keep(p, r) : null;
                }).catch(function () { return null; });
              });
            }));
          });
        });
      });
    });
  }).catch(function () { return null; });
}

function offlineCopy(cached) {
  // the kept page, marked as offline with the time it was saved (offline.js shows the banner)
  var saved = cached.headers.get("X-Anklet-Saved") || "";
  var type = cached.headers.get("content-type") || "";
  if (type.indexOf("text/html") !== 0) return Promise.resolve(cached);
  return cached.text().then(function (html) {
    var headers = new Headers(cached.headers);
    headers.delete("content-length");
    html = html.replace("<body", '<body data-offline-as-of="' + saved.replace(/[^0-9A-Za-z:.+-]/g, "") + '"');
    return new Response(html, {status: 200, headers: headers});
  });
}

function page(title, text) {
  var html = '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    + '<meta name="viewport" content="width=device-width, initial-scale=1">'
    + "<title>" + title + " · Anklet</title>"
    + '<link rel="stylesheet" href="/static/anklet.css"><link rel="stylesheet" href="/static/offline.css">'
    + '<script src="/static/outbox.js" defer></script><script src="/static/offline.js" defer></script>'
    + '</head><body data-offline-as-of=""><header class="topbar"><a class="brand" href="/me">Anklet</a></header>'
    + '<main><div class="narrow-page"><div id="offline-status" class="offline-status" role="status" aria-live="polite"></div>'
    + "<h1>" + title + "</h1><p>" + text + '</p><p><a href="/me">Today</a></p></div></main></body></html>';
  return new Response(html, {status: 200, headers: {"Content-Type": "text/html; charset=utf-8",
                                                    "Content-Security-Policy": CSP,
                                                    "Cache-Control": "no-store"}});
}

function alias(path) {  // /me/plan and /me/guided lead to the person's own pages
  var m = /^\/me\/(plan|guided)$/.exec(path);
  if (!m) return Promise.resolve(null);
  return self.AnkletOutbox.getMeta("person").then(function (key) {
    return key ? "/people/" + key + "/" + m[1] : null;
  }).catch(function () { return null; });
}

function networkFirst(request, url) {
  var key = url.pathname + url.search;
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected && kept(url.pathname)
        && !request.headers.get("HX-Request")) {  // a page, never an htmx fragment
      return keep(key, response.clone()).then(function () { return response; });
    }
    return response;
  }).catch(function () {
    return alias(url.pathname).then(function (other) {
      return caches.open(PAGES).then(function (c) { return c.match(other || key); });
    }).then(function (cached) {
      if (cached) return offlineCopy(cached);
      if (request.mode === "navigate") {
        return page("You're offline", "This page is not kept on this phone. Today, the "
          + "guided session and the week plan are, once you have opened them with a connection.");
      }
      return Response.error();
    });
  });
}

function sendOrKeep(event, url) {
  // a session posted with no connection: into the queue, and the person is told so
  var copy = event.request.clone();
  return fetch(event.request).catch(function () {
    return Promise.all([copy.text(), signedIn(), self.AnkletOutbox.getMeta("person")])
      .then(function (got) {
        var params = new URLSearchParams(got[0]);
        var key = params.get("idempotency_key") || self.AnkletOutbox.uuid();
        params.set("idempotency_key", key);
        return self.AnkletOutbox.add({
          key: key, account: got[1] || "", url: url.pathname, body: params.toString(),
          date: params.get("date") || "", created: new Date().toISOString(),
          state: "waiting", reason: ""
        }).then(function () {
          if (self.registration.sync) {
            self.registration.sync.register("anklet-outbox").catch(function () {});
          }
          return caches.open(PAGES).then(function (c) { return c.match("/me"); });
        }).then(function (today) {
          if (today && got[2] && LOG.exec(url.pathname)[1] === got[2]) {
            return Response.redirect("/me", 303);
          }
          return page("Saved on this phone", "Saved on this phone. It will be sent when "
            + "you're back online.");
        });
      });
  });
}

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  var method = event.request.method;
  if (method === "POST" && LOG.test(url.pathname)) {
    event.respondWith(sendOrKeep(event, url));
    return;
  }
  if (method !== "GET") return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(STATIC).then(function (c) {
      return c.match(url.pathname).then(function (hit) { return hit || fetch(event.request); });
    }));
    return;
  }
  if (kept(url.pathname) || /^\/me\/(plan|guided)$/.test(url.pathname) || event.request.mode === "navigate") {
    event.respondWith(networkFirst(event.request, url));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.urls)) {  // Today asks for the week's pages
    event.waitUntil(Promise.all(data.urls.map(function (u) {
      var url = new URL(u, self.location.origin);
      if (url.origin !== self.location.origin || !kept(url.pathname)) return null;
      return fetch(url.pathname + url.search, {credentials: "same-origin", redirect: "manual"})
        .then(function (r) {
          return r.ok && r.type === "basic" ? keep(url.pathname + url.search, r) : null;
        }).catch(function () { return null; });
    })));
  } else if (data.type === "send") {
    event.waitUntil(self.AnkletOutbox.sendAll());
  }
});

self.addEventListener("sync", function (event) {  // Background Sync, where the browser has it
  if (event.tag === "anklet-outbox") event.waitUntil(self.AnkletOutbox.sendAll());
});
