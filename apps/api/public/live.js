// "In the room now": every element with data-live="<JSON URL>" asks its URL every 10 seconds
// (same origin, the page's session) and shows the count and the names it answers, without a reload.
(function () {
  var boxes = document.querySelectorAll('[data-live]');
  if (!boxes.length) return;
  function fill(box, live) {
    var count = box.querySelector('[data-live-count]');
    var names = box.querySelector('[data-live-names]');
    if (!count || !names) return;
    var text =
      live.count === 0 ? count.getAttribute('data-text-none') : live.count === 1 ? count.getAttribute('data-text-one') : count.getAttribute('data-text-many');
    count.textContent = (text || '{count}').replace('{count}', String(live.count));
    count.setAttribute('data-live-count', String(live.count));
    names.textContent = '';
    live.names.forEach(function (name) {
      var li = document.createElement('li');
      li.textContent = name;
      names.appendChild(li);
    });
  }
  function poll() {
    boxes.forEach(function (box) {
      fetch(box.getAttribute('data-live'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) {
          return res.ok ? res.json() : null;
        })
        .then(function (live) {
          if (live) fill(box, live);
        })
        .catch(function () {});
    });
  }
  setInterval(poll, 10000);
})();
