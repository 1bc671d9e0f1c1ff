/* offices.html#province=…&county=…: GET /api/public/offices?countyCode=; cards with hours, tier, rank and the report link. */
(function () {
  'use strict';
  var P = window.Pishkhan;
  var province = document.getElementById('province');
  var county = document.getElementById('county');
  var message = document.getElementById('message');
  var results = document.getElementById('results');
  var list = document.getElementById('offices');
  var wanted = P.fragment();

  P.fillProvinces(province);
  document.getElementById('find').addEventListener('submit', function (e) { e.preventDefault(); });

  province.addEventListener('change', function () {
    results.hidden = true;
    if (!province.value) { P.fillSelect(county, [], null, null, 'ابتدا استان را انتخاب کنید'); county.disabled = true; return; }
    P.loadCounties(province.value, county).then(function (r) {
      if (r.status !== 200) P.setStatus(message, 'bad', P.problemText(r));
      var c = wanted.get('county');
      if (c && Array.prototype.some.call(county.options, function (o) { return o.value === c; })) { county.value = c; wanted.delete('county'); load(); }
    });
  });
  county.addEventListener('change', load);

  function hours(o) {
    var h = o.openingHours || {};
    var parts = [P.formatHours(h.regular)];
    if (h.thursday) parts.push('پنجشنبه ' + P.formatHours(h.thursday));
    return parts.join('، ');
  }

  function card(o, countyCode) {
    var li = P.el('li', { class: 'card' });
    li.appendChild(P.el('h3', { text: o.name }));
    var facts = P.el('dl', { class: 'facts' });
    function fact(term, value) { facts.appendChild(P.el('dt', { text: term })); facts.appendChild(P.el('dd', null, value)); }
    if (o.address) fact('نشانی', o.address);
    fact('ساعت کار', hours(o));
    fact('عصرها', o.hasAfterHours ? P.formatHours(o.openingHours.afterHours) : 'ندارد');
    if (o.phone) fact('تلفن', P.el('a', { href: 'tel:' + o.phone, dir: 'ltr', text: P.toPersianDigits(o.phone) }));
    if (o.ranked) {
      fact('سطح', P.el('span', { class: 'badge tier-' + o.tier, text: o.tierFa }));
      fact('رتبه', 'در شهرستان ' + P.toPersianDigits(o.countyRank) + '، در استان ' + P.toPersianDigits(o.provinceRank)
        + ' (امتیاز ' + P.toPersianDigits(String(o.score)).replace('.', '٫') + ' از ۱۰۰)');
    } else fact('رتبه', 'بدون رتبه در آخرین گزارش (دادهٔ کافی نبود)');
    if (o.status !== 'active') fact('وضعیت', P.el('span', { class: 'badge suspended', text: o.statusFa }));
    li.appendChild(facts);
    li.appendChild(P.el('p', null, P.el('a', {
      href: 'complain.html#' + new URLSearchParams({ province: province.value, county: countyCode, office: o.officeCode }).toString(),
      text: 'شکایت از این دفتر',
    })));
    return li;
  }

  function load() {
    results.hidden = true;
    if (!county.value) return;
    history.replaceState(null, '', '#' + new URLSearchParams({ province: province.value, county: county.value }).toString());
    P.setStatus(message, 'info', 'در حال دریافت…');
    P.api('GET', '/public/offices?countyCode=' + encodeURIComponent(county.value)).then(function (r) {
      if (r.status !== 200 || !r.body) return P.setStatus(message, 'bad', P.problemText(r));
      P.clear(message); message.className = 'status';
      var b = r.body;
      document.getElementById('results-title').textContent = 'دفاتر شهرستان ' + b.countyName + ' (' + P.toPersianDigits(b.items.length) + ' دفتر)';
      var report = P.clear(document.getElementById('report'));
      if (b.ranking) report.appendChild(P.el('a', { href: b.ranking.reportUrl, text: 'گزارش رتبه‌بندی ' + b.ranking.periodName + ' استان ' + b.ranking.provinceName }));
      else report.textContent = 'هنوز گزارش رتبه‌بندی برای این استان منتشر نشده است.';
      P.clear(list);
      b.items.forEach(function (o) { list.appendChild(card(o, b.countyCode)); });
      if (!b.items.length) list.appendChild(P.el('li', { class: 'card', text: 'دفتری در این شهرستان ثبت نشده است.' }));
      results.hidden = false;
    });
  }

  if (wanted.get('province')) { province.value = wanted.get('province'); province.dispatchEvent(new Event('change')); }
})();
