/* The working-group console's shared part: the key in sessionStorage, calls with X-Api-Key, who the key is (GET /api/me),
   the menu per role, Persian numbers and messages. The UI only hides what the API would refuse: every rule is the server's. */
(function () {
  'use strict';
  var P = window.Pishkhan;
  var KEY = 'pishkhan-api-key';

  var ROLE_FA = {
    admin: 'دبیرخانهٔ کارگروه استان', member: 'عضو کارگروه', inspector: 'تیم بازرسی شهرستان', agency: 'دستگاه خدمات‌رسان', office: 'دفتر پیشخوان',
  };
  var MENU = [
    { href: 'index.html', text: 'خانه', roles: ['admin', 'member', 'inspector'] },
    { href: 'complaints.html', text: 'شکایت‌ها', roles: ['admin', 'inspector'] },
    { href: 'inspect.html', text: 'فرم بازرسی', roles: ['admin', 'inspector'] },
    { href: 'sanctions.html', text: 'برخوردها', roles: ['admin'] },
    { href: 'board.html', text: 'اهداف و رتبه‌بندی', roles: ['admin', 'member'] },
    { href: 'admin.html', text: 'کلیدها و دفاتر', roles: ['admin'] },
  ];

  function key() { try { return window.sessionStorage.getItem(KEY); } catch (e) { return null; } }
  function setKey(value) { window.sessionStorage.setItem(KEY, value); }

  /** Sign-out: forget the key (and nothing else is kept), back to the sign-in page with a reason. */
  function signOut(reason) {
    try { window.sessionStorage.removeItem(KEY); } catch (e) { /* storage disabled */ }
    var here = window.location.pathname.split('/').pop();
    window.location.replace('index.html' + (reason ? '#signin=' + reason : ''));
    if (here === 'index.html' || here === '') window.location.reload(); // only the fragment changed: load the sign-in afresh
  }

  /**
   * Calls the API with the caller's key. options: { csv: true } sends the body as text/csv; { idempotencyKey } sets
   * Idempotency-Key; { keep401: true } returns a 401 instead of signing out (the sign-in form itself).
   * Resolves { status, body, headers }; status 0 when the network failed.
   */
  function call(method, path, body, options) {
    options = options || {};
    var headers = { 'Accept': 'application/json', 'X-Api-Key': options.key || key() || '' };
    var init = { method: method, mode: 'cors', credentials: 'omit', cache: 'no-store', headers: headers };
    if (options.csv) { headers['Content-Type'] = 'text/csv'; init.body = body; }
    else if (body !== undefined) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    return fetch(P.config.apiBaseUrl + path, init).then(function (response) {
      return response.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        return { status: response.status, body: parsed, headers: response.headers };
      });
    }, function () { return { status: 0, body: null, headers: null }; }).then(function (r) {
      if (r.status === 401 && !options.keep401) { signOut('expired'); return new Promise(function () { /* leaving the page */ }); }
      return r;
    });
  }

  /** Persian text for a staff call that failed (field errors are placed next to their fields by the page). */
  function problemText(r) {
    switch (r.status) {
      case 400: return 'داده‌های فرستاده‌شده پذیرفته نشد. بخش‌های مشخص‌شده را اصلاح کنید.';
      case 403: return 'این کار در حدود دسترسی کلید شما نیست.';
      case 404: return 'موردی با این مشخصات در حدود دسترسی شما پیدا نشد.';
      case 409: return 'وضعیت این مورد در این فاصله تغییر کرده یا این کار در وضعیت کنونی مجاز نیست. صفحه را دوباره باز کنید.';
      case 412: return 'این مورد در این فاصله تغییر کرده است. صفحه را دوباره باز کنید.';
      case 413: return 'حجم داده بیش از حد مجاز است.';
      case 422: return 'این فرم پیش‌تر با محتوای دیگری فرستاده شده است. فرم را از نو باز کنید.';
      default: return P.problemText(r);
    }
  }

  var numberFormat = new Intl.NumberFormat('fa-IR', { maximumFractionDigits: 1 });
  var percentFormat = new Intl.NumberFormat('fa-IR', { style: 'percent', maximumFractionDigits: 1 });
  /** A number in Persian digits with at most one decimal (۸۵٫۳). */
  function num(x) { return x === null || x === undefined ? '—' : numberFormat.format(x); }
  function percent(x) { return x === null || x === undefined ? '—' : percentFormat.format(x); }

  /** "1405-09-08" (Solar Hijri, ASCII) as "۸ آذر ۱۴۰۵". */
  var MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];
  function jalali(ascii) {
    var m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(ascii || '');
    if (!m) return ascii ? P.toPersianDigits(ascii) : '';
    var month = MONTHS[Number(m[2]) - 1];
    return P.toPersianDigits((m[3] ? Number(m[3]) + ' ' : '') + month + ' ' + m[1]);
  }

  /** The current Solar Hijri month in Tehran as "1405-09". */
  function currentPeriod(offset) {
    var parts = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { year: 'numeric', month: 'numeric', timeZone: 'Asia/Tehran' }).formatToParts(new Date());
    var year = Number(parts.filter(function (p) { return p.type === 'year'; })[0].value.replace(/\D/g, ''));
    var month = Number(parts.filter(function (p) { return p.type === 'month'; })[0].value) + (offset || 0);
    while (month < 1) { month += 12; year--; }
    return year + '-' + (month < 10 ? '0' : '') + month;
  }

  /** A fresh idempotency key: one per form fill, so a retry or a second click posts once. */
  function newIdempotencyKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }

  function whoText(me) {
    var place = me.countyName ? 'شهرستان ' + me.countyName + '، استان ' + (me.provinceName || me.province)
      : me.provinceName ? 'استان ' + me.provinceName : me.province ? me.province : 'همهٔ استان‌ها';
    return (ROLE_FA[me.role] || me.role) + ' — ' + place;
  }

  /** Draws the menu for the role and the "who is signed in" line with the sign-out button. */
  function frame(me) {
    var nav = document.getElementById('nav');
    var here = window.location.pathname.split('/').pop() || 'index.html';
    P.clear(nav);
    MENU.filter(function (m) { return m.roles.indexOf(me.role) >= 0; }).forEach(function (m) {
      nav.appendChild(P.el('li', null, P.el('a', { href: m.href, text: m.text, 'aria-current': m.href === here ? 'page' : null })));
    });
    var who = document.getElementById('who');
    P.clear(who);
    who.appendChild(P.el('span', { id: 'who-text', text: whoText(me) }));
    if (me.label) who.appendChild(P.el('span', { class: 'who-label', text: ' (' + me.label + ')' }));
    var out = P.el('button', { type: 'button', class: 'link', id: 'signout', text: 'خروج' });
    out.addEventListener('click', function () { signOut('out'); });
    who.appendChild(out);
    who.hidden = false;
  }

  /**
   * Every console page but the sign-in: no key → sign-in; GET /api/me (401 → sign-in with a message); a role the page
   * is not for → a Persian message instead of the page. Then ready(me).
   */
  function start(roles, ready) {
    if (!key()) { signOut('required'); return; }
    call('GET', '/me').then(function (r) {
      var message = document.getElementById('message');
      if (r.status !== 200 || !r.body) { P.setStatus(message, 'bad', problemText(r)); return; }
      frame(r.body);
      if (roles.indexOf(r.body.role) < 0) {
        P.setStatus(message, 'bad', 'این بخش برای نقش شما («' + (ROLE_FA[r.body.role] || r.body.role) + '») نیست.');
        document.querySelectorAll('[data-needs-role]').forEach(function (n) { n.hidden = true; });
        return;
      }
      ready(r.body);
    });
  }

  /** A "more" button for a paged list: calls load(token) with the API's continuation token, hides itself at the end. */
  function pager(button, load) {
    var token = null;
    button.addEventListener('click', function () { button.disabled = true; load(token).then(done); });
    function done(next) { token = next || null; button.hidden = !token; button.disabled = false; }
    return { reset: function () { token = null; button.hidden = true; return load(null).then(done); } };
  }

  function fact(list, term, value) {
    list.appendChild(P.el('dt', { text: term }));
    list.appendChild(typeof value === 'string' || value === null || value === undefined ? P.el('dd', { text: value || '—' }) : P.el('dd', null, value));
  }

  /** Shows a problem answer: field errors next to their fields (map: server field → { id, text }), the rest at the top. */
  function showProblem(form, r, map, box) {
    if (r.status === 400 && r.body && r.body.errors && P.showServerErrors(form, r.body, map, box) > 0) {
      if (!box.textContent) P.setStatus(box, 'bad', problemText(r));
      return;
    }
    P.setStatus(box, 'bad', problemText(r));
  }

  window.Console = {
    KEY: KEY, ROLE_FA: ROLE_FA, key: key, setKey: setKey, signOut: signOut, call: call, problemText: problemText, num: num, percent: percent,
    jalali: jalali, currentPeriod: currentPeriod, newIdempotencyKey: newIdempotencyKey, whoText: whoText, frame: frame, start: start,
    pager: pager, fact: fact, showProblem: showProblem,
  };
})();
