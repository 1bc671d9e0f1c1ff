/* console/inspect.html: the inspection form, made for a phone. The checklist in force (GET /api/inspection-templates/current)
   grouped by category, pass / fail / N/A per item with a note, critical items marked, a running score computed as the
   server does (weighted share of applicable items passed, capped by the policy when a critical item fails). Submit posts
   once: one Idempotency-Key per form fill, the button is disabled while the call runs, and a retry after a network failure
   reuses the key, so the server keeps one inspection. Then GET /api/inspections/{id} until the queue has processed it. */
(function () {
  'use strict';
  var P = window.Pishkhan, C = window.Console;
  var message = document.getElementById('message');
  var form = document.getElementById('inspection');
  var submit = document.getElementById('submit');
  var scoreBox = document.getElementById('score');
  var wanted = P.fragment();
  var template = null, cap = 50, idempotencyKey = C.newIdempotencyKey(), posting = false;

  var CATEGORY_FA = {
    tariffsAndReceipts: 'تعرفه و رسید', transparency: 'شفافیت و اطلاع‌رسانی', staffConduct: 'رفتار و صلاحیت کارکنان',
    trainingCertificates: 'آموزش و حضور مدیر', openingHours: 'ساعات کار', premisesAndQueueing: 'محیط و نوبت‌دهی',
    dataPrivacy: 'حریم اطلاعات مراجعان', licenceDisplay: 'پروانهٔ فعالیت',
  };
  var RESULTS = [['pass', 'رعایت شده'], ['fail', 'رعایت نشده'], ['na', 'موضوعیت ندارد']];
  var STEP_FA = { notice: 'تذکر', writtenWarning: 'اخطار کتبی', fine: 'جریمه', temporarySuspension: 'تعلیق موقت', licenceRevocationReferral: 'ارجاع برای لغو پروانه' };
  var FIELDS = {
    officeCode: { id: 'office', text: 'دفتر را از فهرست انتخاب کنید.' },
    type: { id: 'type', text: 'نوع بازرسی را انتخاب کنید.' },
    visitedAt: { id: 'visitedAt', text: 'زمان بازدید نباید در آینده یا بیش از مهلت مجاز در گذشته باشد.' },
    complaintIds: { id: 'complaintIds', text: 'کد رهگیری شکایت‌های این دفتر را درست بنویسید.' },
    followUpOf: { id: 'followUpOf', text: 'بازرسی پیشینِ این دفتر که اصلاحاتش پیگیری می‌شود پیدا نشد.' },
    officeOpen: { id: 'officeOpen', text: 'برای بازرسی سرزده بگویید دفتر باز بود یا نه.' },
    'staff.present': { id: 'staffPresent', text: 'تعداد کارکنان حاضر را به عدد بنویسید.' },
    'staff.trained': { id: 'staffTrained', text: 'تعداد دارندگان گواهی نباید از حاضران بیشتر باشد.' },
    summary: { id: 'summary', text: 'خلاصه پذیرفته نشد.' },
    templateVersion: { id: 'office', text: 'چک‌لیست این استان تغییر کرده است؛ صفحه را دوباره باز کنید.' },
  };

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function localNow() {
    var d = new Date(Date.now() - 60000);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function drawChecklist() {
    var box = P.clear(document.getElementById('checklist'));
    var groups = [];
    template.items.forEach(function (item) {
      var g = groups.filter(function (x) { return x.category === item.category; })[0];
      if (!g) { g = { category: item.category, items: [] }; groups.push(g); }
      g.items.push(item);
    });
    groups.forEach(function (g) {
      var section = P.el('section', { class: 'category', 'aria-labelledby': 'cat-' + g.category },
        P.el('h2', { id: 'cat-' + g.category, text: CATEGORY_FA[g.category] || g.category }));
      g.items.forEach(function (item) {
        var id = 'item-' + item.code;
        var set = P.el('fieldset', { class: 'item' + (item.critical ? ' critical' : ''), id: id, 'data-code': item.code, 'aria-describedby': id + '-error' },
          P.el('legend', null, item.critical ? P.el('span', { class: 'badge suspended', text: 'بحرانی' }) : null, item.critical ? ' ' : null, item.text));
        var choices = P.el('div', { class: 'choices' });
        RESULTS.forEach(function (r) {
          var rid = id + '-' + r[0];
          choices.appendChild(P.el('label', { for: rid, class: 'choice ' + r[0] },
            P.el('input', { type: 'radio', name: id, id: rid, value: r[0] }), P.el('span', { text: r[1] })));
        });
        set.appendChild(choices);
        set.appendChild(P.el('label', { for: id + '-note', class: 'note-label', text: 'یادداشت' }));
        set.appendChild(P.el('input', { type: 'text', id: id + '-note', class: 'note', autocomplete: 'off' }));
        set.appendChild(P.el('span', { class: 'error', id: id + '-error' }));
        section.appendChild(set);
      });
      box.appendChild(section);
    });
  }

  function answers() {
    return template.items.map(function (item) {
      var checked = form.querySelector('input[name="item-' + item.code + '"]:checked');
      var note = document.getElementById('item-' + item.code + '-note').value.trim();
      return { item: item, result: checked ? checked.value : null, note: note };
    });
  }

  /** The server's rule (Inspections/Scoring.cs): weighted share passed of the applicable items, one decimal, capped on a critical failure. */
  function runningScore() {
    var applicable = 0, passed = 0, answered = 0, critical = false;
    answers().forEach(function (a) {
      if (!a.result) return;
      answered++;
      if (a.result === 'na') return;
      applicable += a.item.weight;
      if (a.result === 'pass') passed += a.item.weight;
      else if (a.item.critical) critical = true;
    });
    var raw = applicable ? Math.round(1000 * passed / applicable) / 10 : null;
    var score = raw !== null && critical && raw > cap ? cap : raw;
    scoreBox.textContent = 'امتیاز جاری: ' + C.num(score) + (critical ? ' (سقف تخلف بحرانی)' : '') + '؛ ' + P.toPersianDigits(answered) + ' از ' + P.toPersianDigits(template.items.length) + ' مورد پاسخ داده شد';
    scoreBox.className = critical ? 'bad' : '';
  }

  function typeChanged() {
    var type = document.getElementById('type').value;
    document.getElementById('complaintIds-field').hidden = type !== 'complaint';
    document.getElementById('followUpOf-field').hidden = type !== 'followUp';
    document.getElementById('officeOpen-field').hidden = type !== 'unannounced';
  }

  function body() {
    var type = document.getElementById('type').value;
    var b = {
      officeCode: document.getElementById('office').value, type: type, templateVersion: template.version,
      visitedAt: new Date(document.getElementById('visitedAt').value).toISOString(),
      items: answers().map(function (a) { var x = { code: a.item.code, result: a.result }; if (a.note) x.note = a.note; return x; }),
    };
    if (type === 'complaint') b.complaintIds = P.toLatinDigits(document.getElementById('complaintIds').value).split(/[,،\s]+/).filter(Boolean).map(function (s) { return s.toUpperCase(); });
    if (type === 'followUp') b.followUpOf = document.getElementById('followUpOf').value.trim();
    if (type === 'unannounced') b.officeOpen = document.getElementById('officeOpen').checked;
    var present = P.toLatinDigits(document.getElementById('staffPresent').value.trim()), trained = P.toLatinDigits(document.getElementById('staffTrained').value.trim());
    if (present || trained) b.staff = { present: Number(present || 0), trained: Number(trained || 0) };
    var summary = document.getElementById('summary').value.trim();
    if (summary) b.summary = summary;
    return b;
  }

  function validate() {
    var first = null;
    function fail(control, text) { P.showFieldError(control, text); if (!first) first = control; }
    if (!document.getElementById('office').value) fail(document.getElementById('office'), FIELDS.officeCode.text);
    if (!document.getElementById('visitedAt').value) fail(document.getElementById('visitedAt'), 'زمان بازدید را بنویسید.');
    var missing = 0;
    answers().forEach(function (a) {
      if (a.result) return;
      missing++;
      var box = document.getElementById('item-' + a.item.code + '-error');
      box.textContent = 'یکی از سه گزینه را انتخاب کنید.';
      if (!first) first = document.getElementById('item-' + a.item.code + '-pass');
    });
    if (missing) P.setStatus(message, 'bad', P.toPersianDigits(missing) + ' مورد از چک‌لیست بی‌پاسخ است.');
    if (first) first.focus();
    return !first;
  }

  form.addEventListener('change', function (event) {
    if (event.target.type === 'radio') {
      var err = document.getElementById(event.target.name + '-error');
      if (err) err.textContent = '';
      runningScore();
    }
  });
  document.getElementById('type').addEventListener('change', typeChanged);
  /** The browser draws datetime-local in its own calendar: the Solar Hijri date and Tehran time are written under it. */
  function visitHint() {
    var value = document.getElementById('visitedAt').value;
    document.getElementById('visitedAt-hint').textContent = value ? P.formatDateTime(new Date(value).toISOString()) : '';
  }
  document.getElementById('visitedAt').addEventListener('input', visitHint);

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (posting) return; // a second click while the first is on its way
    P.clearFieldErrors(form);
    P.clear(message); message.className = 'status';
    if (!validate()) return;
    posting = true;
    submit.disabled = true;
    submit.textContent = 'در حال ثبت…';
    C.call('POST', '/inspections', body(), { idempotencyKey: idempotencyKey }).then(function (r) {
      if (r.status === 202 || r.status === 200 || r.status === 201) { form.hidden = true; return poll(r.body.id, 0); }
      posting = false;
      submit.disabled = false;
      submit.textContent = 'ثبت بازرسی';
      if (r.status === 400 && r.body && r.body.errors) {
        // Item errors ("items[3].note") go next to their item.
        Object.keys(r.body.errors).forEach(function (field) {
          var m = /^items\[(\d+)\]/.exec(field);
          if (m && template.items[Number(m[1])]) document.getElementById('item-' + template.items[Number(m[1])].code + '-error').textContent = 'این مورد پذیرفته نشد؛ پاسخ و یادداشت آن را بررسی کنید.';
        });
      }
      if (r.status === 0) { P.setStatus(message, 'bad', 'ارتباط برقرار نشد. دوباره «ثبت بازرسی» را بزنید: همین فرم یک بار ثبت می‌شود.'); return; }
      C.showProblem(form, r, FIELDS, message);
    });
  });

  /** GET /api/inspections/{id} until processed: at 0.5 s, then every second, then every 3 s after 20 tries. */
  function poll(id, tries) {
    var box = document.getElementById('outcome');
    box.hidden = false;
    document.getElementById('outcome-state').textContent = 'بازرسی ثبت شد و در صف پردازش است…';
    return new Promise(function (resolve) { setTimeout(resolve, tries === 0 ? 500 : tries < 20 ? 1000 : 3000); }).then(function () {
      return C.call('GET', '/inspections/' + encodeURIComponent(id));
    }).then(function (r) {
      if (r.status === 200 && r.body && r.body.status === 'processed' && r.body.outcome) return outcome(r.body);
      if (tries >= 120) { document.getElementById('outcome-state').textContent = 'پردازش بیش از حد معمول طول کشید. نتیجه را بعداً در پروندهٔ دفتر ببینید.'; return null; }
      return poll(id, tries + 1);
    });
  }

  function outcome(view) {
    var o = view.outcome;
    document.getElementById('outcome-state').textContent = 'پردازش شد.';
    var facts = P.clear(document.getElementById('outcome-facts'));
    C.fact(facts, 'دفتر', P.el('a', { href: 'office.html#code=' + encodeURIComponent(view.officeCode), text: view.officeCode }));
    C.fact(facts, 'امتیاز', P.el('strong', { id: 'outcome-score', text: C.num(o.score) + (o.capped ? ' (پیش از سقف: ' + C.num(o.rawScore) + ')' : '') }));
    C.fact(facts, 'تخلف', P.toPersianDigits(o.violations.length) + (o.majorViolation ? ' (دارای تخلف بحرانی)' : ''));
    C.fact(facts, 'بازدید پیگیری', o.followUpDue ? P.formatDate(o.followUpDue) : 'لازم نیست');
    if (o.sanctionStep) C.fact(facts, 'برخورد پیشنهادی', (STEP_FA[o.sanctionStep] || o.sanctionStep) + ' — در انتظار تصمیم دبیرخانهٔ استان');
    var violations = P.clear(document.getElementById('violations'));
    document.getElementById('violations-title').hidden = !o.violations.length;
    o.violations.forEach(function (v) {
      violations.appendChild(P.el('li', null, v.critical ? P.el('span', { class: 'badge suspended', text: 'بحرانی' }) : null, ' ' + v.text + (v.occurrence > 1 ? ' (تکرار ' + P.toPersianDigits(v.occurrence) + ')' : '')));
    });
    var actions = P.clear(document.getElementById('actions'));
    document.getElementById('actions-title').hidden = !o.correctiveActions.length;
    o.correctiveActions.forEach(function (a) { actions.appendChild(P.el('li', { text: a.text + ' — تا ' + P.formatDate(a.dueDate) })); });
    document.getElementById('outcome').focus();
    return view;
  }

  C.start(['admin', 'inspector'], function () {
    Promise.all([
      C.call('GET', '/offices?status=active&pageSize=200'),
      C.call('GET', '/inspection-templates/current'),
      C.call('GET', '/inspection-policy'),
    ]).then(function (rs) {
      var offices = rs[0], checklist = rs[1], policy = rs[2];
      if (offices.status !== 200 || checklist.status !== 200) { P.setStatus(message, 'bad', C.problemText(offices.status !== 200 ? offices : checklist)); return; }
      if (policy.status === 200 && policy.body && typeof policy.body.criticalFailureScoreCap === 'number') cap = policy.body.criticalFailureScoreCap;
      template = checklist.body;
      var items = offices.body.items.slice().sort(function (a, b) { return a.name.localeCompare(b.name, 'fa'); });
      P.fillSelect(document.getElementById('office'), items, function (o) { return o.officeCode; }, function (o) { return o.name + ' (' + o.officeCode + ')'; }, 'دفتر را انتخاب کنید');
      if (wanted.get('office')) document.getElementById('office').value = wanted.get('office');
      if (wanted.get('type')) document.getElementById('type').value = wanted.get('type');
      if (wanted.get('followUpOf')) document.getElementById('followUpOf').value = wanted.get('followUpOf');
      if (wanted.get('complaint')) document.getElementById('complaintIds').value = wanted.get('complaint');
      document.getElementById('visitedAt').value = localNow();
      visitHint();
      typeChanged();
      drawChecklist();
      runningScore();
      form.hidden = false;
    });
  });
})();
