// The meeting page: while an invitee's mail is queued or retrying, ask every few seconds how it
// went and update the status cells (queued → sent, or failed). Without JavaScript the page
// shows the status as it was when loaded.
(function () {
  'use strict';
  var table = document.querySelector('table[data-mail-status]');
  if (!table || !window.fetch) return;
  var WAITING = ['pending', 'retrying'];
  var asked = 0;
  function waiting() {
    return Array.prototype.some.call(table.querySelectorAll('td[data-status]'), function (cell) {
      return WAITING.indexOf(cell.getAttribute('data-status')) >= 0;
    });
  }
  function ask() {
    // At most about ten minutes of asking for one page view.
    if (!waiting() || ++asked > 200) return;
    fetch(table.getAttribute('data-mail-status'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        data.invitations.forEach(function (invitation) {
          var row = table.querySelector('tr[data-invitation-id="' + invitation.id + '"]');
          var cell = row && row.querySelector('td[data-status]');
          if (cell && cell.getAttribute('data-status') !== invitation.status) {
            cell.setAttribute('data-status', invitation.status);
            cell.textContent = invitation.label;
          }
        });
        setTimeout(ask, 3000);
      })
      .catch(function () {
        setTimeout(ask, 10000);
      });
  }
  setTimeout(ask, 3000);
})();
