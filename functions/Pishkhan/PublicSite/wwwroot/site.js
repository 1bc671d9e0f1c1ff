/* Shared helpers of the public site. No libraries. Every value that came from the API or the address bar
   reaches the page through textContent or an attribute, never as markup (a test refuses the HTML-writing APIs). */
(function () {
  'use strict';
  var config = window.PISHKHAN_CONFIG || { apiBaseUrl: '/api', provinces: [] };

  var PERSIAN_ZERO = 0x06F0, ARABIC_ZERO = 0x0660;

  /** Persian (۰–۹) and Arabic-Indic (٠–٩) digits to ASCII, as the server does. */
  function toLatinDigits(s) {
    return String(s).replace(/[\u06F0-\u06F9\u0660-\u0669]/g, function (c) {
      var code = c.charCodeAt(0);
      return String(code >= PERSIAN_ZERO ? code - PERSIAN_ZERO : code - ARABIC_ZERO);
    });
  }

  function toPersianDigits(s) {
    return String(s).replace(/[0-9]/g, function (d) { return String.fromCharCode(PERSIAN_ZERO + Number(d)); });
  }

  /** "07:30-14:30" as "۰۷:۳۰ تا ۱۴:۳۰": a word, not a dash, so right-to-left display keeps the order. */
  function formatHours(range) {
    return range ? toPersianDigits(String(range).split('-').join(' تا ')) : '';
  }

  /** Iranian national ID: ten digits, the last a mod-11 check digit; ten equal digits are never issued. */
  function nationalIdValid(input) {
    var s = toLatinDigits(input).trim();
    if (!/^[0-9]{10}$/.test(s) || /^(\d)\1{9}$/.test(s)) return false;
    var sum = 0;
    for (var i = 0; i < 9; i++) sum += Number(s[i]) * (10 - i);
    var r = sum % 11;
    return Number(s[9]) === (r < 2 ? r : 11 - r);
  }

  /** A mobile number in any usual form (+98, 0098, 98, 0, spaces, dashes, Persian digits) as 09xxxxxxxxx, or null. */
  function normalizeMobile(input) {
    var s = toLatinDigits(input).replace(/[\s-]/g, '');
    var nsn = null;
    if (s.length === 13 && s.indexOf('+98') === 0) nsn = s.slice(3);
    else if (s.length === 14 && s.indexOf('0098') === 0) nsn = s.slice(4);
    else if (s.length === 12 && s.indexOf('98') === 0) nsn = s.slice(2);
    else if (s.length === 11 && s[0] === '0') nsn = s.slice(1);
    else if (s.length === 10) nsn = s;
    return nsn && /^9[0-9]{9}$/.test(nsn) ? '0' + nsn : null;
  }

  // Day, month and year, and the weekday apart: with a weekday, some ICU builds fall back to the root pattern ("۱۴۰۵ آذر ۲۳, دوشنبه").
  var dateFormat = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  var weekdayFormat = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { weekday: 'long', timeZone: 'UTC' });
  var dateTimeFormat = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tehran' });

  /** A calendar date "2026-12-20" as "شنبه ۲۹ آذر ۱۴۰۵" (Solar Hijri, Persian digits). */
  function formatDate(isoDate) {
    if (!isoDate) return '';
    var date = new Date(isoDate + 'T00:00:00Z');
    return weekdayFormat.format(date) + ' ' + dateFormat.format(date);
  }

  /** An instant as a Tehran date and time in the Solar Hijri calendar. */
  function formatDateTime(iso) {
    if (!iso) return '';
    return dateTimeFormat.format(new Date(iso));
  }

  /** Parameters of the URL fragment (#code=…, #token=…): never sent to any server. */
  function fragment() {
    return new URLSearchParams(window.location.hash.replace(/^#/, ''));
  }

  /** el('p', { class: 'x' }, 'text', child…): text children become text nodes. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) return;
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  /** Calls the API across origins (CORS, no credentials). Resolves { status, body }; status 0 when the network failed. */
  function api(method, path, body) {
    var init = { method: method, mode: 'cors', credentials: 'omit', headers: { 'Accept': 'application/json' } };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(config.apiBaseUrl + path, init).then(function (response) {
      return response.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        return { status: response.status, body: parsed, headers: response.headers };
      });
    }, function () { return { status: 0, body: null, headers: null }; });
  }

  /** Persian text for an answer that is not a field error. */
  function problemText(result) {
    switch (result.status) {
      case 0: return 'ارتباط با سامانه برقرار نشد. اتصال اینترنت را بررسی کنید و دوباره تلاش کنید.';
      case 404: return 'موردی با این مشخصات پیدا نشد.';
      case 429: {
        var after = result.headers && Number(result.headers.get('Retry-After'));
        return 'درخواست‌های شما از حد مجاز گذشته است. ' + (after ? toPersianDigits(Math.ceil(after / 60)) + ' دقیقهٔ دیگر' : 'کمی بعد') + ' دوباره تلاش کنید.';
      }
      case 503: return 'سامانه موقتاً در دسترس نیست. چند لحظهٔ دیگر دوباره تلاش کنید.';
      default: return 'درخواست انجام نشد. لطفاً دوباره تلاش کنید.';
    }
  }

  /** The server's English field messages, in Persian. A message not listed here gets the field's own Persian text. */
  function fieldMessage(message) {
    var m = String(message || '');
    var n;
    if (m === 'The field is required.') return 'پر کردن این بخش لازم است.';
    if ((n = /^At least (\d+) characters\.$/.exec(m))) return 'دست‌کم ' + toPersianDigits(n[1]) + ' نویسه بنویسید.';
    if ((n = /^At most (\d+) characters\.$/.exec(m))) return 'حداکثر ' + toPersianDigits(n[1]) + ' نویسه مجاز است.';
    if (/control, bidi-override or invalid characters/.test(m)) return 'متن نویسه‌های نامعتبر یا کنترلی دارد؛ آن را دوباره بنویسید.';
    if (m === 'Unknown field.') return 'این بخش شناخته نشد.';
    return null;
  }

  /** Shows a message under a field: aria-invalid on the control, the message linked by aria-describedby. */
  function showFieldError(control, message) {
    if (control.classList.contains('error')) { control.textContent = message; return; } // a group's own message box
    var box = document.getElementById(control.id + '-error');
    if (!box) return;
    box.textContent = message;
    control.setAttribute('aria-invalid', 'true');
  }

  function clearFieldErrors(form) {
    form.querySelectorAll('[aria-invalid]').forEach(function (c) { c.removeAttribute('aria-invalid'); });
    form.querySelectorAll('.error').forEach(function (e) { e.textContent = ''; });
  }

  /**
   * Puts the server's problem-details errors next to their fields. map: server field → { id, text } where text is
   * the Persian message for the field (used when the server's message is not a generic one). Returns how many were shown.
   */
  function showServerErrors(form, problem, map, fallbackBox) {
    var errors = (problem && problem.errors) || {};
    var shown = 0, first = null, unplaced = [];
    Object.keys(errors).forEach(function (field) {
      var target = map[field];
      var control = target && document.getElementById(target.id);
      var messages = errors[field] || [];
      var text = fieldMessage(messages[0]) || (target && target.text) || 'مقدار واردشده پذیرفته نشد.';
      if (control) { showFieldError(control, text); shown++; if (!first) first = control; }
      else unplaced.push(text);
    });
    if (unplaced.length && fallbackBox) setStatus(fallbackBox, 'bad', unplaced.join(' '));
    if (first) first.focus();
    return shown + unplaced.length;
  }

  function setStatus(box, kind, text) {
    box.className = 'status ' + kind;
    if (typeof text === 'string') box.textContent = text;
    else { clear(box); box.appendChild(text); }
  }

  /** Fills a <select> with options, keeping a first empty choice. */
  function fillSelect(select, items, value, text, emptyText) {
    clear(select);
    select.appendChild(el('option', { value: '', text: emptyText }));
    items.forEach(function (item) { select.appendChild(el('option', { value: value(item), text: text(item) })); });
  }

  /** Loads a province's counties into a select. */
  function loadCounties(province, select) {
    select.disabled = true;
    fillSelect(select, [], null, null, 'در حال دریافت…');
    return api('GET', '/counties?province=' + encodeURIComponent(province)).then(function (r) {
      var items = r.status === 200 && r.body ? r.body.items : [];
      items.sort(function (a, b) { return a.name.localeCompare(b.name, 'fa'); });
      fillSelect(select, items, function (c) { return c.countyCode; }, function (c) { return c.name; }, items.length ? 'شهرستان را انتخاب کنید' : 'شهرستانی ثبت نشده است');
      select.disabled = items.length === 0;
      return r;
    });
  }

  function fillProvinces(select) {
    fillSelect(select, config.provinces || [], function (p) { return p.code; }, function (p) { return p.name; }, 'استان را انتخاب کنید');
  }

  window.Pishkhan = {
    config: config, toLatinDigits: toLatinDigits, toPersianDigits: toPersianDigits, formatHours: formatHours, nationalIdValid: nationalIdValid,
    normalizeMobile: normalizeMobile, formatDate: formatDate, formatDateTime: formatDateTime, fragment: fragment, el: el,
    clear: clear, api: api, problemText: problemText, fieldMessage: fieldMessage, showFieldError: showFieldError,
    clearFieldErrors: clearFieldErrors, showServerErrors: showServerErrors, setStatus: setStatus, fillSelect: fillSelect,
    loadCounties: loadCounties, fillProvinces: fillProvinces,
  };
})();
