// Loaded only while the signed-in person has no time zone yet: tells Moderato the browser's zone
// once (the server keeps it only if none is set by then). Without JavaScript nothing happens and
// times stay in the organisation's default zone, each labelled with that zone.
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  if (!zone || !window.fetch || sessionStorage.getItem('moderato-zone-sent') === zone) return;
  sessionStorage.setItem('moderato-zone-sent', zone);
  var meta = document.querySelector('meta[name="csrf-token"]');
  var script = document.currentScript || document.querySelector('script[data-page-zone]');
  var pageZone = script && script.getAttribute('data-page-zone');
  fetch('/settings/timezone', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': meta ? meta.content : '', accept: 'application/json' },
    body: 'timezone=' + encodeURIComponent(zone),
  }).then(
    function (response) {
      // The page was shown in another zone: show it again in the reader's own, unless they are busy with it.
      var idle = !document.activeElement || document.activeElement === document.body;
      if (response.status === 204 && pageZone && pageZone !== zone && idle) location.reload();
    },
    function () {},
  );
})();
