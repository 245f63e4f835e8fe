// The meeting form (new and edit): says, before saving, on which date the meeting (or the series) really
// starts — "First date: Monday 7 December" — as the server works it out (GET /meetings/preview,
// the same check saving uses), in the page's language. Without JavaScript the meeting page shows
// the dates after saving.
(function () {
  var out = document.querySelector('[data-first-date]');
  var form = out && out.closest('form');
  if (!form) return;
  var FIELDS = ['date', 'startTime', 'endTime', 'timezone', 'repeat', 'count'];
  var timer = null;
  var asked = 0;

  function value(name) {
    var field = form.elements.namedItem(name);
    return field && typeof field.value === 'string' ? field.value.trim() : '';
  }
  function show(text, isError) {
    out.textContent = text;
    out.hidden = !text;
    out.classList.toggle('first-date-error', !!isError);
  }
  function ask() {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      if (value(name)) params.append(name, value(name));
    });
    form.querySelectorAll('input[name="weekdays"]:checked').forEach(function (box) {
      params.append('weekdays', box.value);
    });
    if (!value('date') || !value('startTime') || !value('timezone')) return show('');
    var mine = ++asked;
    var url = out.getAttribute('data-url');
    fetch(url + (url.indexOf('?') < 0 ? '?' : '&') + params.toString(), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) {
        return res.json().then(function (body) {
          return { ok: res.ok, body: body };
        });
      })
      .then(function (answer) {
        if (mine !== asked) return; // an older answer arriving after a newer one
        var body = answer.body || {};
        if (answer.ok) return show([body.text, body.rule, body.moved].filter(Boolean).join(' · '));
        var first = (body.details || [])[0];
        show(first && first.messages && first.messages[0] ? first.messages[0] : '', true);
      })
      .catch(function () {
        if (mine === asked) show('');
      });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  }
  form.addEventListener('input', later);
  form.addEventListener('change', later);
  ask();
})();
