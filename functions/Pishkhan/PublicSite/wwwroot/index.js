/* index.html: the four services and the latest ranking report of each province (GET /api/public/reports). */
(function () {
  'use strict';
  var P = window.Pishkhan;
  var list = document.getElementById('reports');
  var message = document.getElementById('message');
  P.setStatus(message, 'info', 'در حال دریافت…');
  P.api('GET', '/public/reports').then(function (r) {
    if (r.status !== 200 || !r.body) return P.setStatus(message, 'bad', P.problemText(r));
    P.clear(message); message.className = 'status';
    if (!r.body.items.length) return P.setStatus(message, 'info', 'هنوز گزارشی منتشر نشده است.');
    r.body.items.forEach(function (report) {
      list.appendChild(P.el('li', { class: 'card' },
        P.el('a', { class: 'cover', href: report.reportUrl, text: 'استان ' + report.provinceName }),
        P.el('p', { text: 'رتبه‌بندی ' + report.periodName })));
    });
  });
})();
