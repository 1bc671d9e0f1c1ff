/* console/complaints.html: the open complaints of the caller's scope (an inspector: its county; an admin: its province),
   overdue first (GET /api/complaints?status=open&overdue=true, then overdue=false), each section paged with the API's
   continuation token. No complainant identity here: that is only in the case view, where every read is logged. */
(function () {
  'use strict';
  var P = window.Pishkhan, C = window.Console;
  var message = document.getElementById('message');
  var categories = {};
  var STATUS_FA = { underReview: 'در حال رسیدگی (مرحلهٔ نخست)', decided: 'تصمیم گرفته شد', escalated: 'اعتراض؛ رسیدگی در استان (مرحلهٔ دوم)', closed: 'مختومه', withdrawn: 'مسترد شد' };
  var DAY = 86400000;

  function card(c) {
    var due = c.due && c.due.date;
    var today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' }).format(new Date()); // YYYY-MM-DD in Tehran
    var late = due ? Math.round((Date.parse(today + 'T00:00:00Z') - Date.parse(due + 'T00:00:00Z')) / DAY) : 0;
    var dueText = due ? 'مهلت: ' + P.formatDate(due) + (c.overdue && late > 0 ? ' — ' + P.toPersianDigits(late) + ' روز گذشته' : '') : 'بدون مهلت باز';
    return P.el('li', { class: 'card' + (c.overdue ? ' overdue' : ''), 'data-code': c.trackingCode, 'data-office': c.officeCode },
      P.el('p', null, P.el('a', { class: 'cover code-link', href: 'case.html#code=' + encodeURIComponent(c.trackingCode), text: c.trackingCode })),
      P.el('p', { text: (categories[c.category] || c.category) + ' · دفتر ' + c.officeCode }),
      P.el('p', { text: STATUS_FA[c.status] || c.status }),
      P.el('p', { class: c.overdue ? 'due late' : 'due', text: dueText }),
      P.el('p', { class: 'hint', text: 'ثبت: ' + P.formatDateTime(c.filedAt) + (c.anonymous ? ' · بی‌نام' : '') }));
  }

  function section(overdue, listId, moreId) {
    var list = document.getElementById(listId);
    return C.pager(document.getElementById(moreId), function (token) {
      var path = '/complaints?status=open&overdue=' + overdue + '&pageSize=25' + (token ? '&continuationToken=' + encodeURIComponent(token) : '');
      return C.call('GET', path).then(function (r) {
        if (r.status !== 200 || !r.body) { P.setStatus(message, 'bad', C.problemText(r)); return null; }
        var items = r.body.items.slice().sort(function (a, b) { return ((a.due && a.due.date) || '9') < ((b.due && b.due.date) || '9') ? -1 : 1; });
        if (!token && !items.length) list.appendChild(P.el('li', { class: 'card empty', text: overdue ? 'شکایتی از مهلت نگذشته است.' : 'شکایت بازی در مهلت نیست.' }));
        items.forEach(function (c) { list.appendChild(card(c)); });
        return r.body.continuationToken;
      });
    });
  }

  C.start(['admin', 'inspector'], function () {
    P.api('GET', '/complaint-categories').then(function (r) {
      (Array.isArray(r.body) ? r.body : []).forEach(function (c) { categories[c.code] = c.fa; });
      section(true, 'overdue', 'overdue-more').reset();
      section(false, 'open', 'open-more').reset();
    });
  });
})();
