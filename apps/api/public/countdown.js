// The waiting page: counts down and goes on to the room by itself when the join window opens.
(function () {
  var el = document.querySelector('[data-countdown]');
  if (!el) return;
  var opensAt = Date.parse(el.getAttribute('data-opens-at'));
  var lang = document.documentElement.lang === 'de' ? 'de' : 'en';
  var label = lang === 'de' ? 'Der Raum öffnet in ' : 'The room opens in ';
  function tick() {
    var left = Math.max(0, Math.round((opensAt - Date.now()) / 1000));
    var h = Math.floor(left / 3600),
      m = Math.floor((left % 3600) / 60),
      s = left % 60;
    el.textContent = label + (h ? h + ':' : '') + String(m).padStart(2, '0') + ':' + String(s).padStart(2, '0');
    if (left <= 0) {
      window.location.reload();
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
