/* console/case.html#code=…: the whole case with the complainant (GET /api/complaints/{code}/case: the read is logged
   server-side), the decision of the open stage (POST …/decision) and an extension (POST …/extension). Stage 2 (after
   the complainant's escalation) is the province's: the form is shown to an admin only, as the API allows. */
(function () {
  'use strict';
  var P = window.Pishkhan, C = window.Console;
  var message = document.getElementById('message');
  var code = P.fragment().get('code') || '';
  var me = null;
  var OUTCOME_FA = { upheld: 'وارد دانسته شد', partlyUpheld: 'بخشی وارد دانسته شد', dismissed: 'وارد دانسته نشد', withdrawn: 'مسترد شد' };
  var STATUS_FA = { underReview: 'در حال رسیدگی (مرحلهٔ نخست، شهرستان)', decided: 'تصمیم مرحلهٔ نخست گرفته شد', escalated: 'اعتراض؛ رسیدگی در استان (مرحلهٔ دوم)', closed: 'مختومه', withdrawn: 'مسترد شد' };
  var EVENTS = { filed: 'ثبت شکایت', acknowledged: 'دریافت و ارجاع', extended: 'تمدید مهلت', decided: 'تصمیم', escalated: 'اعتراض و ارجاع به استان', withdrawn: 'انصراف شاکی', overdue: 'گذشتن از مهلت', accessed: 'دیدن اطلاعات شاکی' };
  var DECIDE = {
    outcome: { id: 'outcome', text: 'نتیجه را انتخاب کنید.' },
    reasons: { id: 'reasons', text: 'دلایل تصمیم را دست‌کم در ده نویسه بنویسید.' },
    remedy: { id: 'remedy', text: 'برای شکایت واردشده، جبران را بنویسید.' },
    note: { id: 'note', text: 'یادداشت پذیرفته نشد.' },
  };
  var EXTEND = {
    newDueDate: { id: 'newDueDate', text: 'تاریخ را مانند ۱۴۰۵-۰۹-۲۹ بنویسید؛ مهلت تازه باید پس از مهلت کنونی باشد.' },
    reason: { id: 'reason', text: 'دلیل تمدید را دست‌کم در ده نویسه بنویسید.' },
  };

  function show(view) {
    var c = view.complaint;
    document.getElementById('case-code').textContent = c.trackingCode;
    var facts = P.clear(document.getElementById('facts'));
    C.fact(facts, 'موضوع', c.categoryFa);
    C.fact(facts, 'دفتر', P.el('a', { href: 'office.html#code=' + encodeURIComponent(c.officeCode), text: c.officeCode }));
    C.fact(facts, 'وضعیت', (STATUS_FA[c.status] || c.status) + (c.overdue ? ' — از مهلت گذشته' : ''));
    if (c.outcome) C.fact(facts, 'نتیجه', OUTCOME_FA[c.outcome] || c.outcome);
    C.fact(facts, 'ثبت', P.formatDateTime(c.filedAt));
    if (c.incidentDate) C.fact(facts, 'تاریخ رخداد', C.jalali(c.incidentDate));
    var d = c.deadlines || {};
    if (d.stage1) C.fact(facts, 'مهلت مرحلهٔ نخست', P.formatDate(d.stage1.date) + (c.stage1Extensions ? ' (تمدیدشده)' : ''));
    if (d.escalationOpenUntil) C.fact(facts, 'مهلت اعتراض شاکی', P.formatDate(d.escalationOpenUntil.date));
    if (d.stage2) C.fact(facts, 'مهلت مرحلهٔ دوم', P.formatDate(d.stage2.date));
    [c.stage1Decision, c.stage2Decision].forEach(function (s, i) {
      if (!s) return;
      C.fact(facts, 'تصمیم مرحلهٔ ' + (i ? 'دوم' : 'نخست'), (OUTCOME_FA[s.outcome] || s.outcome) + ': ' + s.reasons + (s.remedy ? ' — جبران: ' + s.remedy : ''));
    });
    if (view.escalationReason) C.fact(facts, 'دلیل اعتراض شاکی', view.escalationReason);
    document.getElementById('description').textContent = view.description;

    var identity = P.clear(document.getElementById('identity'));
    var who = view.complainant;
    if (!who || c.anonymous) C.fact(identity, 'شاکی', 'بی‌نام');
    else {
      if (who.name) C.fact(identity, 'نام', who.name);
      if (who.mobile) C.fact(identity, 'همراه', P.el('span', { class: 'ltr-inline', text: P.toPersianDigits(who.mobile) }));
      if (who.email) C.fact(identity, 'ایمیل', P.el('span', { class: 'ltr-inline', text: who.email }));
      if (who.nationalId) C.fact(identity, 'کد ملی', P.toPersianDigits(who.nationalId));
    }

    var timeline = P.clear(document.getElementById('timeline'));
    (c.timeline || []).forEach(function (t) {
      var text = (EVENTS[t.event] || t.event) + (t.outcome ? ': ' + (OUTCOME_FA[t.outcome] || t.outcome) : '') + (t.reason ? ' — ' + t.reason : '');
      var item = P.el('li', null, P.el('time', { datetime: t.at, text: P.formatDateTime(t.at) }), P.el('span', { text: text }));
      if (t.dueDate) item.appendChild(P.el('span', { class: 'hint', text: 'مهلت: ' + P.formatDate(t.dueDate.date) }));
      timeline.appendChild(item);
    });
    document.getElementById('case').hidden = false;

    // The open stage: 1 (underReview) for the county's inspector or an admin; 2 (escalated) for an admin only.
    var open = c.status === 'underReview' || (c.status === 'escalated' && me.role === 'admin');
    document.getElementById('decide-box').hidden = !open;
    document.getElementById('extend-box').hidden = !open;
    document.getElementById('decide-title').textContent = c.status === 'escalated' ? 'تصمیم مرحلهٔ دوم (استان)' : 'تصمیم مرحلهٔ نخست';
  }

  function load() {
    return C.call('GET', '/complaints/' + encodeURIComponent(code) + '/case').then(function (r) {
      if (r.status === 200 && r.body) { show(r.body); return; }
      P.setStatus(message, 'bad', C.problemText(r));
    });
  }

  function submitter(formId, buttonId, path, body, map, done) {
    var form = document.getElementById(formId);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      P.clearFieldErrors(form);
      P.clear(message); message.className = 'status';
      var button = document.getElementById(buttonId);
      if (button.disabled) return;
      button.disabled = true;
      C.call('POST', '/complaints/' + encodeURIComponent(code) + path, body()).then(function (r) {
        button.disabled = false;
        if (r.status === 200) { form.reset(); P.setStatus(message, 'ok', done(r.body)); return load(); }
        C.showProblem(form, r, map, message);
      });
    });
  }

  var $ = function (id) { return document.getElementById(id).value.trim(); };
  submitter('decide', 'decide-submit', '/decision', function () {
    var b = { outcome: $('outcome'), reasons: $('reasons') };
    if ($('remedy')) b.remedy = $('remedy');
    if ($('note')) b.note = $('note');
    return b;
  }, DECIDE, function (c) { return 'تصمیم ثبت شد: ' + (OUTCOME_FA[c.outcome] || c.outcome) + '. شاکی و دفتر آگاه می‌شوند.'; });
  submitter('extend', 'extend-submit', '/extension', function () {
    return { newDueDate: P.toLatinDigits($('newDueDate')).replace(/\//g, '-'), reason: $('reason') };
  }, EXTEND, function () { return 'مهلت تمدید شد و به شاکی اعلام می‌شود.'; });

  C.start(['admin', 'inspector'], function (who) {
    me = who;
    if (!/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/.test(code)) { P.setStatus(message, 'bad', 'کد رهگیری در نشانی این صفحه نیست. پرونده را از صف شکایت‌ها باز کنید.'); return; }
    load();
  });
})();
