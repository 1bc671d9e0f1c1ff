/* console/admin.html (admin): issue a key (POST /api/keys; the key is shown once, here, and never stored by the page),
   revoke one (DELETE /api/keys/{keyId}), import offices from CSV (POST /api/offices:import, text/csv, per-row errors), and
   record a meeting with a decision (POST /api/meetings with an Idempotency-Key per form fill). */
(function () {
  'use strict';
  var P = window.Pishkhan, C = window.Console;
  var $ = function (id) { return document.getElementById(id); };
  var meetingKey = C.newIdempotencyKey();

  function once(form, button, run) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if ($(button).disabled) return;
      P.clearFieldErrors(form);
      $(button).disabled = true;
      run().then(function () { $(button).disabled = false; });
    });
  }

  once($('issue'), 'issue-submit', function () {
    var body = { role: $('role').value, scope: $('scope').value.trim() };
    if ($('label').value.trim()) body.label = $('label').value.trim();
    return C.call('POST', '/keys', body).then(function (r) {
      if (r.status === 201 && r.body) {
        $('issue').reset();
        P.setStatus($('issued'), 'ok', P.el('div', null,
          P.el('p', { text: 'کلید صادر شد. همین یک بار نشان داده می‌شود؛ آن را اکنون به دارنده‌اش برسانید:' }),
          P.el('p', { class: 'code', id: 'issued-key', text: r.body.key }),
          P.el('p', { text: (C.ROLE_FA[r.body.role] || r.body.role) + ' — ' + r.body.scope + ' · شناسه: ' + r.body.keyId })));
        return;
      }
      C.showProblem($('issue'), r, {
        role: { id: 'role', text: 'نقش را انتخاب کنید.' },
        scope: { id: 'scope', text: 'این حوزه در استان شما پیدا نشد: کد شهرستان، استان، دفتر یا دستگاه را درست بنویسید.' },
        label: { id: 'label', text: 'برچسب حداکثر صد نویسه است.' },
      }, $('issued'));
    });
  });

  once($('revoke'), 'revoke-submit', function () {
    var id = $('keyId').value.trim().toLowerCase();
    if (!/^[0-9a-f]{16}$/.test(id)) { P.showFieldError($('keyId'), 'شناسهٔ کلید شانزده نویسهٔ ۰–۹ و a–f است.'); return Promise.resolve(); }
    return C.call('DELETE', '/keys/' + id).then(function (r) {
      if (r.status === 204) { $('revoke').reset(); P.setStatus($('revoked'), 'ok', 'کلید باطل شد؛ حداکثر تا ده ثانیه دیگر در همه جا پذیرفته نمی‌شود.'); return; }
      P.setStatus($('revoked'), 'bad', r.status === 404 ? 'کلیدی با این شناسه در استان شما نیست.' : C.problemText(r));
    });
  });

  var FIELD_FA = {
    officeCode: 'کد دفتر', name: 'نام', countyCode: 'شهرستان', address: 'نشانی', managerName: 'مدیر', licenseNo: 'شمارهٔ پروانه', phone: 'تلفن',
    email: 'ایمیل', regularHours: 'ساعت کار', thursdayHours: 'ساعت پنجشنبه', afterHours: 'ساعت عصر', status: 'وضعیت',
  };
  var MESSAGE_FA = {
    'No such county in this province.': 'این شهرستان در استان شما نیست.',
    'The field is required.': 'خالی است.',
    'One of active, suspended, revoked.': 'یکی از active، suspended یا revoked.',
  };
  once($('import'), 'import-submit', function () {
    var file = $('csv').files[0];
    if (!file) { P.showFieldError($('csv'), 'پروندهٔ CSV را انتخاب کنید.'); return Promise.resolve(); }
    return file.text().then(function (text) { return C.call('POST', '/offices:import', text, { csv: true }); }).then(function (r) {
      var body = $('import-errors-body');
      P.clear(body);
      $('import-errors-box').hidden = true;
      if (r.status !== 200 || !r.body) {
        var detail = r.body && r.body.errors ? Object.keys(r.body.errors).map(function (k) { return r.body.errors[k].join(' '); }).join(' ') : '';
        P.setStatus($('import-result'), 'bad', r.status === 400 ? 'پرونده خوانده نشد: سطر عنوان و قالب CSV را بررسی کنید. ' + detail : C.problemText(r));
        return;
      }
      P.setStatus($('import-result'), r.body.failed ? 'info' : 'ok', P.toPersianDigits(r.body.applied) + ' دفتر ثبت شد؛ ' + P.toPersianDigits(r.body.failed) + ' سطر خطا داشت.');
      r.body.errors.forEach(function (e) {
        var text = Object.keys(e.errors).map(function (f) { return (FIELD_FA[f] || f) + ': ' + e.errors[f].map(function (m) { return MESSAGE_FA[m] || P.fieldMessage(m) || m; }).join(' '); }).join(' · ');
        body.appendChild(P.el('tr', null, P.el('td', { text: P.toPersianDigits(e.line) }), P.el('td', { class: 'ltr-inline', text: e.officeCode || '—' }), P.el('td', { text: text })));
      });
      $('import-errors-box').hidden = r.body.errors.length === 0;
    });
  });

  once($('meeting'), 'meeting-submit', function () {
    var participants = Array.prototype.filter.call($('m-participants').options, function (o) { return o.selected; }).map(function (o) { return o.value; });
    var body = { date: P.toLatinDigits($('m-date').value.trim()), scope: C.me.province, participants: participants };
    if ($('m-title').value.trim()) body.title = $('m-title').value.trim();
    if ($('d-text').value.trim()) body.decisions = [{ text: $('d-text').value.trim(), ownerMemberId: $('d-owner').value, dueDate: P.toLatinDigits($('d-due').value.trim()) }];
    return C.call('POST', '/meetings', body, { idempotencyKey: meetingKey }).then(function (r) {
      if (r.status === 201 || r.status === 200) {
        meetingKey = C.newIdempotencyKey();
        $('meeting').reset();
        P.setStatus($('meeting-result'), 'ok', 'جلسهٔ ' + C.jalali(r.body.dateJalali) + ' با ' + P.toPersianDigits(r.body.decisions.length) + ' مصوبه ثبت شد.');
        return;
      }
      C.showProblem($('meeting'), r, {
        date: { id: 'm-date', text: 'تاریخ را مانند ۱۴۰۵-۰۹-۱۰ بنویسید؛ جلسه نباید در آینده باشد.' },
        title: { id: 'm-title', text: 'عنوان پذیرفته نشد.' },
        participants: { id: 'm-participants', text: 'حاضران را از فهرست اعضا انتخاب کنید.' },
        'decisions[0].text': { id: 'd-text', text: 'متن مصوبه را بنویسید.' },
        'decisions[0].ownerMemberId': { id: 'd-owner', text: 'مسئول را از فهرست اعضا انتخاب کنید.' },
        'decisions[0].dueDate': { id: 'd-due', text: 'مهلت را مانند ۱۴۰۵-۰۹-۳۰ بنویسید.' },
      }, $('meeting-result'));
    });
  });

  C.start(['admin'], function (me) {
    C.me = me;
    if (!me.province) return;
    C.call('GET', '/members?pageSize=200').then(function (r) {
      var items = r.status === 200 && r.body ? r.body.items : [];
      P.fillSelect($('d-owner'), items, function (m) { return m.memberId; }, function (m) { return m.name + ' (' + m.memberId + ')'; }, 'مسئول را انتخاب کنید');
      P.clear($('m-participants'));
      items.forEach(function (m) { $('m-participants').appendChild(P.el('option', { value: m.memberId, text: m.name })); });
    });
  });
})();
