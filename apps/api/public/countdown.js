// The waiting page: counts down and goes on to the room by itself when the join window opens.
// Says the time left as people do (days and hours far off, minutes and seconds at the end), in the
// page's language: the text around it comes from the page (data-text), the words from Intl.
(function () {
  var el = document.querySelector('[data-countdown]');
  if (!el) return;
  var opensAt = Date.parse(el.getAttribute('data-opens-at'));
  var text = el.getAttribute('data-text') || '{duration}';
  var lang = document.documentElement.lang || 'en';
  function unit(value, name) {
    try {
      return new Intl.NumberFormat(lang, { style: 'unit', unit: name, unitDisplay: 'long' }).format(value);
    } catch {
      return value + ' ' + name + (value === 1 ? '' : 's');
    }
  }
  function pair(big, bigUnit, small, smallUnit) {
    return small ? unit(big, bigUnit) + ', ' + unit(small, smallUnit) : unit(big, bigUnit);
  }
  function duration(left) {
    var d = Math.floor(left / 86400),
      h = Math.floor((left % 86400) / 3600),
      m = Math.floor((left % 3600) / 60),
      s = left % 60;
    if (d) return pair(d, 'day', h, 'hour');
    if (h) return pair(h, 'hour', m, 'minute');
    if (m) return pair(m, 'minute', s, 'second');
    return unit(s, 'second');
  }
  function tick() {
    var left = Math.max(0, Math.round((opensAt - Date.now()) / 1000));
    el.textContent = text.replace('{duration}', duration(left));
    if (left <= 0) {
      window.location.reload();
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
