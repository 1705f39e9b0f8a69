// Live charts of the service page: the server renders each chart as SVG; this module only reloads the images
// every few seconds (no charting library, nothing evaluated from the network).
const PERIOD_MS = 3000;

function refresh() {
  const stamp = Date.now();
  for (const img of document.querySelectorAll('img.chart')) {
    const url = new URL(img.getAttribute('src'), window.location.href);
    url.searchParams.set('t', String(stamp));
    img.src = url.pathname + url.search;
  }
}

if (document.querySelector('img.chart')) {
  window.setInterval(refresh, PERIOD_MS);
}
