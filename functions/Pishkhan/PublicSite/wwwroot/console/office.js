/* console/office.html#code=…: an office as staff see it (GET /api/offices/{code}), its sanctions with their dates
   (GET /api/sanctions?officeCode=) and its inspections (GET /api/inspections?officeCode=, paged). The API answers 403/404
   for an office outside the caller's scope, and the page says so. */
(function () {
  'use strict';
  var P = window.Pishkhan, C = window.Console;
  var message = document.getElementById('message');
  var code = P.fragment().get('code') || '';
  var STATUS_FA = { active: 'فعال', suspended: 'تعلیق', revoked: 'لغو پروانه' };
  var SANCTION_FA = { proposed: 'پیشنهادشده', confirmed: 'تأییدشده (مهلت اعتراض)', objected: 'اعتراض دفتر', effective: 'اجرایی', ended: 'پایان‌یافته', overturned: 'لغوشده' };
  var TYPE_FA = { routine: 'دوره‌ای', complaint: 'در پی شکایت', followUp: 'پیگیری', unannounced: 'سرزده' };

  C.start(['admin', 'member', 'inspector'], function (me) {
    C.call('GET', '/offices/' + encodeURIComponent(code)).then(function (r) {
      if (r.status !== 200 || !r.body) { P.setStatus(message, 'bad', C.problemText(r)); return; }
      var o = r.body;
      document.getElementById('office-title').textContent = o.name + ' (' + o.officeCode + ')';
      var facts = document.getElementById('facts');
      C.fact(facts, 'وضعیت', STATUS_FA[o.status] || o.status);
      C.fact(facts, 'نشانی', o.address);
      C.fact(facts, 'ساعت کار', P.formatHours(o.openingHours.regular) + (o.openingHours.afterHours ? ' · عصر: ' + P.formatHours(o.openingHours.afterHours) : ''));
      C.fact(facts, 'رتبهٔ استان', o.latestRank ? P.toPersianDigits(o.latestRank) + ' (' + C.jalali(o.latestRankPeriod) + ')' : '—');
      C.fact(facts, 'شکایت باز', P.toPersianDigits(o.openComplaints));
      C.fact(facts, 'برخورد اجرایی', P.toPersianDigits(o.activeSanctions));
      document.getElementById('office').hidden = false;
      var inspect = document.getElementById('inspect-link');
      inspect.hidden = me.role === 'member';
      inspect.setAttribute('href', 'inspect.html#office=' + encodeURIComponent(o.officeCode));

      C.call('GET', '/sanctions?officeCode=' + encodeURIComponent(o.officeCode)).then(function (s) {
        var list = document.getElementById('sanctions');
        if (s.status !== 200) { list.appendChild(P.el('li', { class: 'card', text: C.problemText(s) })); return; }
        if (!s.body.items.length) list.appendChild(P.el('li', { class: 'card empty', text: 'برخوردی ثبت نشده است.' }));
        s.body.items.forEach(function (x) {
          var dates = [];
          if (x.objectionDeadlineJalali) dates.push('مهلت اعتراض تا ' + C.jalali(x.objectionDeadlineJalali));
          if (x.effectiveAt) dates.push('اجرایی از ' + P.formatDateTime(x.effectiveAt));
          if (x.endsAt) dates.push('تا ' + P.formatDateTime(x.endsAt));
          list.appendChild(P.el('li', { class: 'card', 'data-id': x.id, 'data-status': x.status },
            P.el('p', null, P.el('strong', { text: x.stepFa }), ' — ' + (SANCTION_FA[x.status] || x.status)),
            P.el('p', { text: x.reason }),
            x.decisionReason ? P.el('p', { class: 'hint', text: 'دلیل تصمیم: ' + x.decisionReason }) : null,
            dates.length ? P.el('p', { class: 'hint', text: dates.join(' · ') }) : null));
        });
      });

      var list = document.getElementById('inspections');
      C.pager(document.getElementById('inspections-more'), function (token) {
        return C.call('GET', '/inspections?pageSize=10&officeCode=' + encodeURIComponent(o.officeCode) + (token ? '&continuationToken=' + encodeURIComponent(token) : '')).then(function (i) {
          if (i.status !== 200) return null;
          if (!token && !i.body.items.length) list.appendChild(P.el('li', { class: 'card empty', text: 'بازرسی‌ای ثبت نشده است.' }));
          i.body.items.forEach(function (x) {
            list.appendChild(P.el('li', { class: 'card' },
              P.el('p', { text: (TYPE_FA[x.type] || x.type) + ' · ' + P.formatDateTime(x.visitedAt) }),
              P.el('p', { text: x.status === 'processed' ? 'امتیاز ' + C.num(x.score) + ' · تخلف ' + P.toPersianDigits(x.violations) : 'در صف پردازش' })));
          });
          return i.body.continuationToken;
        });
      }).reset();
    });
  });
})();
