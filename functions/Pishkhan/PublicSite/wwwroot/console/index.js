/* console/index.html: sign-in with the API key (kept in sessionStorage only), who the key is (GET /api/me), and the
   role's home: an inspector's follow-ups due and targeted-inspection requests, everyone's open decisions. */
(function () {
  'use strict';
  var P = window.Pishkhan, C = window.Console;
  var message = document.getElementById('message');
  var signin = document.getElementById('signin');
  var form = document.getElementById('signin-form');
  var input = document.getElementById('key');

  var REASONS = {
    expired: 'کلید شما پذیرفته نشد: منقضی یا باطل شده است. کلید تازه را از دبیرخانهٔ کارگروه بگیرید و دوباره وارد شوید.',
    required: 'برای دیدن این بخش ابتدا با کلید خود وارد شوید.',
    out: 'از میز کار خارج شدید. کلید از این مرورگر پاک شد.',
  };
  var MENU_TEXT = {
    'complaints.html': 'صف شکایت‌های در جریان، با مهلت‌های روز کاری؛ تصمیم، تمدید و رسیدگی مرحلهٔ دوم.',
    'inspect.html': 'فرم بازرسی روی گوشی: چک‌لیست در حال اجرا، امتیاز جاری و نتیجهٔ پردازش‌شده.',
    'sanctions.html': 'پیشنهادهای برخورد انضباطی و اعتراض‌ها برای تأیید یا رد با ذکر دلیل.',
    'board.html': 'برنامه در برابر عملکرد هر شاخص و شهرستان، آخرین رتبه‌بندی و مصوبه‌ها.',
    'admin.html': 'صدور و ابطال کلید، ورود گروهی دفاتر از پروندهٔ CSV، ثبت جلسه.',
  };

  function showSignin(reason) {
    signin.hidden = false;
    document.getElementById('home').hidden = true;
    if (reason && REASONS[reason]) P.setStatus(message, reason === 'out' ? 'info' : 'bad', REASONS[reason]);
    input.focus();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    P.clearFieldErrors(form);
    var value = input.value.trim();
    if (!/^[\x21-\x7e]{8,200}$/.test(value)) { P.showFieldError(input, 'کلید را کامل و بدون فاصله بچسبانید.'); input.focus(); return; }
    var button = document.getElementById('signin-submit');
    button.disabled = true;
    C.call('GET', '/me', undefined, { key: value, keep401: true }).then(function (r) {
      button.disabled = false;
      if (r.status === 401) { P.showFieldError(input, 'این کلید پذیرفته نشد: نادرست، منقضی یا باطل‌شده است.'); input.focus(); return; }
      if (r.status !== 200 || !r.body) { P.setStatus(message, 'bad', C.problemText(r)); return; }
      if (['admin', 'member', 'inspector'].indexOf(r.body.role) < 0) {
        P.showFieldError(input, 'این میز کار برای کارگروه و تیم‌های بازرسی است؛ کلید ' + (C.ROLE_FA[r.body.role] || r.body.role) + ' اینجا کاری ندارد.');
        return;
      }
      C.setKey(value);
      input.value = '';
      history.replaceState(null, '', 'index.html');
      home(r.body);
    });
  });

  function home(me) {
    signin.hidden = true;
    P.clear(message); message.className = 'status';
    C.frame(me);
    document.getElementById('home').hidden = false;
    var menu = P.clear(document.getElementById('menu'));
    document.querySelectorAll('#nav a').forEach(function (a) {
      var href = a.getAttribute('href');
      if (!MENU_TEXT[href]) return;
      menu.appendChild(P.el('li', { class: 'card' }, P.el('a', { class: 'cover', href: href, text: a.textContent }), P.el('p', { text: MENU_TEXT[href] })));
    });
    if (me.role === 'inspector' || me.role === 'admin') followUps(me);
    if (me.role === 'inspector') requests();
    decisions(me);
  }

  function followUps(me) {
    var list = document.getElementById('followups');
    var box = document.getElementById('followups-box');
    box.hidden = false;
    var county = me.role === 'admin' ? null : me.county;
    if (!county) { box.hidden = true; return; }
    C.pager(document.getElementById('followups-more'), function (token) {
      return C.call('GET', '/inspection-followups?status=open&pageSize=20' + (token ? '&continuationToken=' + encodeURIComponent(token) : '')).then(function (r) {
        if (r.status !== 200) { P.setStatus(message, 'bad', C.problemText(r)); return null; }
        if (!token && !r.body.items.length) list.appendChild(P.el('li', { class: 'card', text: 'بازدید پیگیری سررسیدی ندارید.' }));
        r.body.items.forEach(function (f) {
          var link = 'inspect.html#office=' + encodeURIComponent(f.officeCode) + '&type=followUp&followUpOf=' + encodeURIComponent(f.sourceInspectionId);
          list.appendChild(P.el('li', { class: 'card' },
            P.el('p', null, P.el('strong', { text: 'دفتر ' + f.officeCode })),
            P.el('p', { text: 'سررسید: ' + P.formatDate(f.dueDate) }),
            P.el('a', { href: link, text: 'شروع بازدید پیگیری' })));
        });
        return r.body.continuationToken;
      });
    }).reset();
  }

  function requests() {
    var list = document.getElementById('requests');
    C.call('GET', '/inspection-requests?status=open&pageSize=20').then(function (r) {
      if (r.status !== 200 || !r.body.items.length) return;
      document.getElementById('requests-box').hidden = false;
      r.body.items.forEach(function (q) {
        list.appendChild(P.el('li', { class: 'card' },
          P.el('p', null, P.el('strong', { text: 'دفتر ' + q.officeCode })),
          P.el('p', { text: 'علت: ' + q.reason }),
          P.el('p', { text: 'شکایت‌ها: ' + q.complaintIds.join('، ') })));
      });
    });
  }

  /** Open decisions of the caller's scope (a member: the province's; an inspector: its county's), overdue first. */
  function decisions(me) {
    var scope = me.county || me.province;
    if (!scope) return;
    C.call('GET', '/meetings?pageSize=20&scope=' + encodeURIComponent(scope)).then(function (r) {
      if (r.status !== 200) return;
      var open = [];
      r.body.items.forEach(function (m) { m.decisions.forEach(function (d) { if (d.status === 'open') open.push({ m: m, d: d }); }); });
      open.sort(function (a, b) { return (b.d.overdue - a.d.overdue) || (a.d.dueDate < b.d.dueDate ? -1 : 1); });
      var box = document.getElementById('decisions-box');
      box.hidden = false;
      var list = P.clear(document.getElementById('decisions'));
      if (!open.length) list.appendChild(P.el('li', { class: 'card', text: 'مصوبهٔ بازی نیست.' }));
      open.forEach(function (x) {
        list.appendChild(P.el('li', { class: 'card' + (x.d.overdue ? ' overdue' : '') },
          P.el('p', { text: x.d.text }),
          P.el('p', { class: 'hint', text: 'مسئول: ' + x.d.ownerMemberId + ' · مهلت: ' + C.jalali(x.d.dueDateJalali) + (x.d.overdue ? ' (گذشته)' : '') }),
          P.el('p', { class: 'hint', text: 'جلسهٔ ' + C.jalali(x.m.dateJalali) + (x.m.title ? ' — ' + x.m.title : '') })));
      });
    });
  }

  var reason = P.fragment().get('signin');
  if (!C.key()) { showSignin(reason || null); return; }
  C.call('GET', '/me').then(function (r) {
    if (r.status === 200 && r.body) home(r.body);
    else P.setStatus(message, 'bad', C.problemText(r));
  });
})();
