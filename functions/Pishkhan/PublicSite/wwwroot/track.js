/* track.html#code=…: GET /api/complaints/{code}; status, deadlines and timeline in the Solar Hijri calendar. */
(function () {
  'use strict';
  var P = window.Pishkhan;
  var form = document.getElementById('lookup');
  var input = document.getElementById('code');
  var message = document.getElementById('message');
  var panel = document.getElementById('complaint');
  var ALPHABET = /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{12}$/;

  var EVENTS = {
    filed: 'ثبت شکایت', acknowledged: 'دریافت و ارجاع برای رسیدگی', extended: 'تمدید مهلت رسیدگی', decided: 'اعلام نتیجه',
    escalated: 'اعتراض و ارجاع به کارگروه استان', withdrawn: 'انصراف شاکی', overdue: 'گذشتن از مهلت رسیدگی',
  };
  var OUTCOMES = { upheld: 'وارد دانسته شد', partlyUpheld: 'بخشی وارد دانسته شد', dismissed: 'وارد دانسته نشد', withdrawn: 'با انصراف بسته شد' };

  /** What a citizen types (any case, spaces or dashes, Persian digits) in the canonical K7MQ-2XHP-R9TC form, or null. */
  function canonical(raw) {
    var compact = P.toLatinDigits(raw).toUpperCase().replace(/[\s-]/g, '');
    return ALPHABET.test(compact) ? compact.slice(0, 4) + '-' + compact.slice(4, 8) + '-' + compact.slice(8) : null;
  }

  function fact(list, term, value, extra) {
    list.appendChild(P.el('dt', { text: term }));
    list.appendChild(P.el('dd', null, value, extra || null));
  }

  function show(c) {
    P.clear(message); message.className = 'status';
    document.getElementById('complaint-code').textContent = c.trackingCode;
    var facts = P.clear(document.getElementById('facts'));
    fact(facts, 'موضوع', c.categoryFa);
    fact(facts, 'وضعیت', c.statusFa, c.overdue ? P.el('span', { class: 'badge suspended', text: ' از مهلت گذشته' }) : null);
    fact(facts, 'مرحله', c.stage === 2 ? 'رسیدگی در کارگروه استان (مرحلهٔ دوم)' : 'رسیدگی در شهرستان (مرحلهٔ نخست)');
    if (c.outcome) fact(facts, 'نتیجه', c.outcomeFa || OUTCOMES[c.outcome] || c.outcome);
    fact(facts, 'تاریخ ثبت', P.formatDateTime(c.filedAt));

    var deadlines = P.clear(document.getElementById('deadlines'));
    var d = c.deadlines || {};
    if (d.stage1) fact(deadlines, 'رسیدگی در شهرستان تا', P.formatDate(d.stage1.date));
    if (d.escalationOpenUntil) fact(deadlines, 'مهلت اعتراض تا', P.formatDate(d.escalationOpenUntil.date));
    if (d.stage2) fact(deadlines, 'رسیدگی در استان تا', P.formatDate(d.stage2.date));

    var timeline = P.clear(document.getElementById('timeline'));
    (c.timeline || []).forEach(function (t) {
      var text = EVENTS[t.event] || 'رویداد';
      if (t.outcome) text += ': ' + (OUTCOMES[t.outcome] || t.outcome);
      var item = P.el('li', null, P.el('time', { datetime: t.at, text: P.formatDateTime(t.at) }), P.el('span', { text: text }));
      if (t.dueDate) item.appendChild(P.el('span', { class: 'hint', text: 'مهلت: ' + P.formatDate(t.dueDate.date) }));
      timeline.appendChild(item);
    });
    panel.hidden = false;
  }

  function lookup(raw) {
    P.clearFieldErrors(form);
    panel.hidden = true;
    var code = canonical(raw);
    if (!code) {
      P.showFieldError(input, 'کد رهگیری دوازده نویسه از حروف لاتین و رقم‌هاست، مانند K7MQ-2XHP-R9TC.');
      input.focus();
      return;
    }
    input.value = code;
    history.replaceState(null, '', '#code=' + encodeURIComponent(code));
    P.setStatus(message, 'info', 'در حال دریافت…');
    P.api('GET', '/complaints/' + encodeURIComponent(code)).then(function (r) {
      if (r.status === 200 && r.body) return show(r.body);
      if (r.status === 404 || r.status === 400) return P.setStatus(message, 'bad', 'شکایتی با این کد رهگیری پیدا نشد. کد را دوباره بررسی کنید.');
      P.setStatus(message, 'bad', P.problemText(r));
    });
  }

  form.addEventListener('submit', function (event) { event.preventDefault(); lookup(input.value); });
  var fromLink = P.fragment().get('code');
  if (fromLink) { input.value = fromLink; lookup(fromLink); }
  window.addEventListener('hashchange', function () { var c = P.fragment().get('code'); if (c && canonical(c) !== input.value) { input.value = c; lookup(c); } });
})();
