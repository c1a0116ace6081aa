// Progressive enhancement only: the portal works without this. With it, the browser keeps
// the offline page, shown when the connection is gone.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/portal/sw.js", { scope: "/portal/" });
}
