// Small enhancements on every page; each page works without them.
// - Copy buttons: <button data-copy="#id" hidden> next to the text; shown only where the clipboard
//   can be written, then "Copied" for a moment (also said to screen readers).
// - The menus (<details>): Escape or a click elsewhere closes an open one.
(function () {
  if (navigator.clipboard && window.isSecureContext) {
    document.querySelectorAll('button[data-copy]').forEach(function (button) {
      var source = document.querySelector(button.getAttribute('data-copy'));
      if (!source) return;
      var label = button.textContent;
      var status = document.createElement('span');
      status.className = 'visually-hidden';
      status.setAttribute('role', 'status');
      button.after(status);
      button.hidden = false;
      button.addEventListener('click', function () {
        var text = source.getAttribute('data-copy-text') || source.textContent.trim();
        navigator.clipboard.writeText(text).then(
          function () {
            button.textContent = button.getAttribute('data-done') || label;
            button.setAttribute('data-state', 'done');
            status.textContent = button.textContent;
            setTimeout(function () {
              button.textContent = label;
              button.removeAttribute('data-state');
              status.textContent = '';
            }, 2500);
          },
          function () {
            status.textContent = button.getAttribute('data-failed') || '';
            window.getSelection().selectAllChildren(source);
          },
        );
      });
    });
  }
  var menus = document.querySelectorAll('details[data-nav-menu], details[data-nav-sub]');
  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(except)) menu.open = false;
    });
  }
  document.addEventListener('click', function (event) {
    closeAll(event.target);
  });
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    var open = Array.prototype.filter.call(menus, function (menu) {
      return menu.open;
    });
    if (!open.length) return;
    var last = open[open.length - 1];
    last.open = false;
    last.querySelector('summary').focus();
  });
})();
