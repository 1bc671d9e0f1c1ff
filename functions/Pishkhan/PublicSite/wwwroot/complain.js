/* complain.html: province → county → office, category, text, contact; POST /api/complaints; the tracking code. */
(function () {
  'use strict';
  var P = window.Pishkhan;
  var form = document.getElementById('complaint');
  var province = document.getElementById('province');
  var county = document.getElementById('county');
  var office = document.getElementById('office');
  var category = document.getElementById('category');
  var anonymous = document.getElementById('anonymous');
  var contact = document.getElementById('contact');
  var result = document.getElementById('result');
  var submit = document.getElementById('submit');
  var $ = function (id) { return document.getElementById(id); };

  // Server field → the control it belongs to and the Persian message for it.
  var FIELDS = {
    officeCode: { id: 'office', text: 'این دفتر در سامانه پیدا نشد؛ دفتر را دوباره از فهرست انتخاب کنید.' },
    category: { id: 'category', text: 'موضوع شکایت را از فهرست انتخاب کنید.' },
    description: { id: 'description', text: 'شرح شکایت را دست‌کم در ۱۰ نویسه بنویسید.' },
    incidentDate: { id: 'incidentDate', text: 'تاریخ رخداد را مانند ۱۴۰۵-۰۸-۲۹ بنویسید؛ این تاریخ نباید در آینده یا بیش از دو سال پیش باشد.' },
    anonymous: { id: 'contact-error', text: 'یا راه تماس بدهید یا «بی‌نام» را انتخاب کنید، نه هر دو.' },
    complainant: { id: 'contact-error', text: 'دست‌کم یکی از نام، شمارهٔ همراه، ایمیل یا کد ملی را بنویسید، یا «بی‌نام» را انتخاب کنید.' },
    'complainant.name': { id: 'name', text: 'نام را درست بنویسید.' },
    'complainant.mobile': { id: 'mobile', text: 'شمارهٔ همراه را مانند ۰۹۱۲۱۲۳۴۵۶۷ بنویسید.' },
    'complainant.email': { id: 'email', text: 'نشانی ایمیل درست نیست.' },
    'complainant.nationalId': { id: 'nationalId', text: 'کد ملی درست نیست: ده رقم که رقم آخر آن رقم کنترل است.' },
  };

  P.fillProvinces(province);
  var wanted = P.fragment(); // complain.html#province=…&county=…&office=… from the offices page

  province.addEventListener('change', function () {
    P.fillSelect(office, [], null, null, 'ابتدا شهرستان را انتخاب کنید');
    office.disabled = true;
    if (province.value) P.loadCounties(province.value, county).then(pickWanted('county', county, loadOffices));
    else { P.fillSelect(county, [], null, null, 'ابتدا استان را انتخاب کنید'); county.disabled = true; }
  });
  county.addEventListener('change', loadOffices);

  function loadOffices() {
    office.disabled = true;
    if (!county.value) { P.fillSelect(office, [], null, null, 'ابتدا شهرستان را انتخاب کنید'); return; }
    P.fillSelect(office, [], null, null, 'در حال دریافت…');
    P.api('GET', '/public/offices?countyCode=' + encodeURIComponent(county.value)).then(function (r) {
      var items = r.status === 200 && r.body ? r.body.items : [];
      P.fillSelect(office, items, function (o) { return o.officeCode; }, function (o) { return o.name + ' (' + o.officeCode + ')'; },
        items.length ? 'دفتر را انتخاب کنید' : 'دفتری در این شهرستان ثبت نشده است');
      office.disabled = items.length === 0;
      if (r.status !== 200) P.setStatus(result, 'bad', P.problemText(r));
      pickWanted('office', office)();
    });
  }

  function pickWanted(name, select, then) {
    return function () {
      var value = wanted.get(name);
      if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
        wanted.delete(name);
        if (then) then();
      }
    };
  }

  if (wanted.get('province')) { province.value = wanted.get('province'); province.dispatchEvent(new Event('change')); }

  P.api('GET', '/complaint-categories').then(function (r) {
    var items = r.status === 200 && Array.isArray(r.body) ? r.body : [];
    P.fillSelect(category, items, function (c) { return c.code; }, function (c) { return c.fa; }, items.length ? 'موضوع را انتخاب کنید' : 'فهرست موضوع‌ها دریافت نشد');
    if (r.status !== 200) P.setStatus(result, 'bad', P.problemText(r));
  });

  anonymous.addEventListener('change', function () {
    contact.disabled = anonymous.checked;
    contact.hidden = anonymous.checked;
  });

  /** The server's rules, checked before sending: the same messages the server's errors map to. */
  function validate() {
    var errors = [];
    function fail(id, text) { errors.push(id); P.showFieldError($(id), text); }
    if (!province.value) fail('province', 'استان را انتخاب کنید.');
    if (!county.value) fail('county', 'شهرستان را انتخاب کنید.');
    if (!office.value) fail('office', 'دفتر پیشخوان را انتخاب کنید.');
    if (!category.value) fail('category', FIELDS.category.text);
    var description = $('description').value.trim();
    if (description.length < 10) fail('description', FIELDS.description.text);
    var date = P.toLatinDigits($('incidentDate').value.trim());
    if (date && !/^\d{4}[-/]\d{1,2}[-/]\d{1,2}$/.test(date)) fail('incidentDate', FIELDS.incidentDate.text);
    if (!anonymous.checked) {
      var name = $('name').value.trim(), mobile = $('mobile').value.trim(), email = $('email').value.trim(), id = $('nationalId').value.trim();
      if (!name && !mobile && !email && !id) fail('contact-error', FIELDS.complainant.text);
      if (mobile && !P.normalizeMobile(mobile)) fail('mobile', FIELDS['complainant.mobile'].text);
      if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail('email', FIELDS['complainant.email'].text);
      if (id && !P.nationalIdValid(id)) fail('nationalId', FIELDS['complainant.nationalId'].text);
    }
    if (errors.length) $(errors[0]).focus();
    return errors.length === 0;
  }

  function body() {
    var b = { officeCode: office.value, category: category.value, description: $('description').value.trim() };
    var date = P.toLatinDigits($('incidentDate').value.trim()).replace(/\//g, '-');
    if (date) b.incidentDate = date;
    if (anonymous.checked) b.anonymous = true;
    else {
      var c = {};
      if ($('name').value.trim()) c.name = $('name').value.trim();
      if ($('mobile').value.trim()) c.mobile = P.normalizeMobile($('mobile').value) || P.toLatinDigits($('mobile').value.trim());
      if ($('email').value.trim()) c.email = $('email').value.trim();
      if ($('nationalId').value.trim()) c.nationalId = P.toLatinDigits($('nationalId').value.trim());
      b.complainant = c;
    }
    return b;
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    P.clearFieldErrors(form);
    result.textContent = '';
    result.className = 'status';
    if (!validate()) return;
    submit.disabled = true;
    P.api('POST', '/complaints', body()).then(function (r) {
      submit.disabled = false;
      if (r.status === 201 || r.status === 200) return filed(r.body);
      if (r.status === 400 && r.body && r.body.errors) return P.showServerErrors(form, r.body, FIELDS, result);
      P.setStatus(result, 'bad', P.problemText(r));
    });
  });

  function filed(answer) {
    var code = answer.trackingCode;
    var box = P.el('div', null,
      P.el('p', { text: answer.duplicate ? 'این شکایت پیش‌تر ثبت شده بود. کد رهگیری آن:' : 'شکایت شما ثبت شد. کد رهگیری:' }),
      P.el('p', { class: 'code', id: 'tracking-code', text: code }),
      P.el('p', { text: 'مهلت رسیدگی: ' + P.formatDate(answer.stage1Due && answer.stage1Due.date) }));
    if (answer.secret) {
      box.appendChild(P.el('p', { text: 'رمز پیگیری (فقط همین یک بار نشان داده می‌شود؛ برای اعتراض یا انصراف لازم است):' }));
      box.appendChild(P.el('p', { class: 'code', id: 'secret', text: answer.secret }));
    }
    box.appendChild(P.el('p', null, P.el('a', { href: 'track.html#code=' + encodeURIComponent(code), text: 'پیگیری این شکایت' })));
    P.setStatus(result, 'ok', box);
    form.hidden = true;
    result.setAttribute('tabindex', '-1');
    result.focus();
  }
})();
