/* console/sanctions.html (admin): the province's sanctions awaiting a decision (GET /api/sanctions?status=awaiting, paged),
   each with its reason, step, objection and dates, and a form to confirm or overturn it with a reason
   (POST /api/sanctions/{id}/decision). */
(function () {
  'use strict';
  var P = window.Pishkhan, C = window.Console;
  var message = document.getElementById('message');
  var list = document.getElementById('sanctions');
  var STATUS_FA = { proposed: 'پیشنهادشده', confirmed: 'تأییدشده (مهلت اعتراض)', objected: 'اعتراض دفتر', effective: 'اجرایی', ended: 'پایان‌یافته', overturned: 'لغوشده' };
  var SEVERITY_FA = { minor: 'جزئی', major: 'عمده' };

  function facts(s) {
    var dl = P.el('dl', { class: 'facts' });
    C.fact(dl, 'دفتر', P.el('a', { href: 'office.html#code=' + encodeURIComponent(s.officeCode), text: s.officeCode }));
    C.fact(dl, 'برخورد', s.stepFa + (s.fineRials ? ' — ' + C.num(s.fineRials) + ' ریال' : '') + (s.suspensionDays ? ' — ' + P.toPersianDigits(s.suspensionDays) + ' روز' : ''));
    C.fact(dl, 'شدت', (SEVERITY_FA[s.severity] || s.severity) + (s.priorPoints ? ' · امتیاز تخلفات پیشین: ' + P.toPersianDigits(s.priorPoints) : ''));
    C.fact(dl, 'وضعیت', STATUS_FA[s.status] || s.status);
    C.fact(dl, 'پیشنهاد', P.formatDateTime(s.proposedAt));
    C.fact(dl, 'علت', s.reason);
    if (s.decisionReason) C.fact(dl, 'تصمیم نخست', s.decisionReason + ' (' + P.formatDateTime(s.decidedAt) + ')');
    if (s.objectionReason) C.fact(dl, 'اعتراض دفتر', s.objectionReason + ' (' + P.formatDateTime(s.objectedAt) + ')');
    if (s.objectionDeadlineJalali) C.fact(dl, 'مهلت اعتراض تا', C.jalali(s.objectionDeadlineJalali));
    if (s.effectiveAt) C.fact(dl, 'اجرایی از', P.formatDateTime(s.effectiveAt));
    if (s.endsAt) C.fact(dl, 'پایان', P.formatDateTime(s.endsAt));
    return dl;
  }

  function card(s) {
    var id = 'r-' + s.id.replace(/[^A-Za-z0-9-]/g, '-');
    var item = P.el('li', { class: 'card', 'data-id': s.id });
    var body = P.el('div', { class: 'sanction-facts' }, facts(s));
    item.appendChild(P.el('h2', { class: 'card-title', text: (s.status === 'objected' ? 'اعتراض به ' : 'پیشنهاد ') + s.stepFa + ' — دفتر ' + s.officeCode }));
    item.appendChild(body);
    var form = P.el('form', { novalidate: true, class: 'decide' },
      P.el('div', { class: 'field' },
        P.el('label', { for: id, text: 'دلیل تصمیم' }),
        P.el('textarea', { id: id, 'aria-describedby': id + '-error' }),
        P.el('span', { class: 'error', id: id + '-error' })),
      P.el('div', { class: 'actions' },
        P.el('button', { type: 'submit', value: 'confirm', class: 'confirm', text: s.status === 'objected' ? 'رد اعتراض و اجرا' : 'تأیید' }),
        P.el('button', { type: 'submit', value: 'overturn', class: 'button secondary overturn', text: 'لغو برخورد' })));
    var status = P.el('div', { class: 'status', role: 'status' });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var decision = event.submitter && event.submitter.value === 'overturn' ? 'overturn' : 'confirm';
      P.clearFieldErrors(form);
      var reason = document.getElementById(id).value.trim();
      if (reason.length < 5) { P.showFieldError(document.getElementById(id), 'دلیل تصمیم را دست‌کم در پنج نویسه بنویسید.'); document.getElementById(id).focus(); return; }
      var buttons = form.querySelectorAll('button');
      if (buttons[0].disabled) return;
      buttons.forEach(function (b) { b.disabled = true; });
      C.call('POST', '/sanctions/' + encodeURIComponent(s.id) + '/decision', { decision: decision, reason: reason }).then(function (r) {
        buttons.forEach(function (b) { b.disabled = false; });
        if (r.status === 200 && r.body) {
          form.hidden = true;
          P.clear(body).appendChild(facts(r.body));
          P.setStatus(status, 'ok', decision === 'overturn' ? 'برخورد لغو شد و به دفتر اعلام می‌شود.'
            : r.body.status === 'confirmed' ? 'تأیید شد. دفتر تا ' + C.jalali(r.body.objectionDeadlineJalali) + ' مهلت اعتراض دارد.' : 'برخورد اجرایی شد.');
          return;
        }
        C.showProblem(form, r, { reason: { id: id, text: 'دلیل تصمیم پذیرفته نشد.' }, decision: { id: id, text: 'تصمیم پذیرفته نشد.' } }, status);
      });
    });
    item.appendChild(form);
    item.appendChild(status);
    return item;
  }

  C.start(['admin'], function () {
    C.pager(document.getElementById('sanctions-more'), function (token) {
      return C.call('GET', '/sanctions?status=awaiting&pageSize=20' + (token ? '&continuationToken=' + encodeURIComponent(token) : '')).then(function (r) {
        if (r.status !== 200 || !r.body) { P.setStatus(message, 'bad', C.problemText(r)); return null; }
        if (!token && !r.body.items.length) list.appendChild(P.el('li', { class: 'card empty', text: 'برخوردی در انتظار تصمیم نیست.' }));
        r.body.items.forEach(function (s) { list.appendChild(card(s)); });
        return r.body.continuationToken;
      });
    }).reset();
  });
})();
