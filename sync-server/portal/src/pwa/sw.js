// The Bürgerportal's service worker: when a page cannot be loaded (the phone lost its
// connection, the server cannot be reached), the browser shows the portal's offline page
// instead of its own error. Nothing else is cached: requests and their answers are personal.
const CACHE = "naper-portal-offline-v1";
const OFFLINE = "/portal/offline.html";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll([OFFLINE, "/portal/static/portal.css"]))
  );
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.mode === "navigate") {
    event.respondWith(fetch(event.request).catch(() => caches.match(OFFLINE)));
  } else if (url.pathname === "/portal/static/portal.css") {
    event.respondWith(fetch(event.request).catch(() => caches.match(event.request)));
  }
});
