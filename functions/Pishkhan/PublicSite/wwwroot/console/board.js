/* console/board.html (admin, member): planned against actual per indicator for the province and each county
   (GET /api/targets/{scope}/{period}), green / amber / red / grey as the API judges, with the province's trend; and the
   latest published ranking (GET /api/public/reports → GET /api/rankings/{period}?scope=) with its movers. */
(function () {
  'use strict';
  var P = window.Pishkhan, C = window.Console;
  var message = document.getElementById('message');
  var INDICATOR_FA = {
    activeOffices: 'دفاتر فعال', afterHoursOffices: 'دفاتر دارای خدمت عصر', servicesOutsourced: 'خدمات برون‌سپاری‌شده', slaCompliance: 'انجام در مهلت',
    meanSatisfaction: 'میانگین رضایت (۱ تا ۵)', medianComplaintDecisionDays: 'میانهٔ روزهای رسیدگی به شکایت', routineInspectionCoverage: 'پوشش بازرسی دوره‌ای',
    reInspectionAgreement: 'هم‌خوانی بازرسی مجدد',
  };
  var COLOUR_FA = { green: 'طبق برنامه', amber: 'در مسیر', red: 'عقب از برنامه', grey: 'بی‌داده' };

  function value(unit, x) {
    if (x === null || x === undefined) return '—';
    return unit === 'share' || unit === 'fraction' ? C.percent(x) : C.num(x);
  }

  function trend(points) {
    var actual = (points || []).filter(function (p) { return p.actual !== null && p.actual !== undefined; });
    if (actual.length < 2) return '';
    var last = actual[actual.length - 1].actual, before = actual[actual.length - 2].actual;
    return last > before ? ' ▲' : last < before ? ' ▼' : '';
  }

  function cell(report) {
    if (!report) return P.el('td', { class: 'grey', text: '—' });
    var text = report.planned === null || report.planned === undefined
      ? value(report.unit, report.actual) // grey: no target, the actual alone
      : (report.actual === null || report.actual === undefined ? 'بی‌داده' : value(report.unit, report.actual)) + ' از ' + value(report.unit, report.planned);
    return P.el('td', { class: report.colour, title: COLOUR_FA[report.colour] || '' }, P.el('span', { text: text }), P.el('span', { class: 'sr', text: ' (' + (COLOUR_FA[report.colour] || '') + ')' }));
  }

  function board(me, period) {
    var head = P.clear(document.getElementById('targets-head'));
    var body = P.clear(document.getElementById('targets-body'));
    P.setStatus(message, 'info', 'در حال دریافت…');
    return P.api('GET', '/counties?province=' + encodeURIComponent(me.province)).then(function (counties) {
      var scopes = [{ code: me.province, name: 'استان ' + (me.provinceName || me.province) }];
      (counties.status === 200 ? counties.body.items : []).forEach(function (c) { scopes.push({ code: c.countyCode, name: c.name }); });
      return Promise.all(scopes.map(function (s) { return C.call('GET', '/targets/' + encodeURIComponent(s.code) + '/' + period); })).then(function (rs) {
        P.clear(message); message.className = 'status';
        head.appendChild(P.el('th', { scope: 'col', text: 'شاخص' }));
        scopes.forEach(function (s) { head.appendChild(P.el('th', { scope: 'col', text: s.name })); });
        var first = rs[0];
        if (first.status !== 200) { P.setStatus(message, 'bad', C.problemText(first)); return; }
        first.body.indicators.forEach(function (ind, i) {
          var row = P.el('tr', null, P.el('th', { scope: 'row', text: (INDICATOR_FA[ind.indicator] || ind.indicator) + trend(ind.trend) }));
          rs.forEach(function (r) { row.appendChild(cell(r.status === 200 ? r.body.indicators.filter(function (x) { return x.indicator === ind.indicator; })[0] : null)); });
          body.appendChild(row);
        });
      });
    });
  }

  function ranking(me) {
    P.api('GET', '/public/reports').then(function (r) {
      var mine = r.status === 200 ? r.body.items.filter(function (x) { return x.province === me.province; })[0] : null;
      if (!mine) { document.getElementById('ranking-line').textContent = 'هنوز رتبه‌بندی‌ای منتشر نشده است.'; return; }
      var line = document.getElementById('ranking-line');
      line.appendChild(P.el('span', { text: 'رتبه‌بندی ' + mine.periodName + ' — ' }));
      line.appendChild(P.el('a', { href: mine.reportUrl, text: 'گزارش کامل' }));
      P.api('GET', '/rankings/' + encodeURIComponent(mine.period) + '?scope=' + encodeURIComponent(me.province)).then(function (k) {
        if (k.status !== 200 || !k.body) return;
        var rows = k.body.rows.filter(function (x) { return x.provinceRank; });
        function item(x, extra) { return P.el('li', { text: x.officeName + ' (' + x.officeCode + ') — امتیاز ' + C.num(x.score) + extra }); }
        rows.slice().sort(function (a, b) { return a.provinceRank - b.provinceRank; }).slice(0, 10).forEach(function (x) {
          document.getElementById('top').appendChild(item(x, ' — رتبهٔ ' + P.toPersianDigits(x.provinceRank)));
        });
        var moved = rows.filter(function (x) { return x.movement; });
        moved.slice().sort(function (a, b) { return b.movement - a.movement; }).filter(function (x) { return x.movement > 0; }).slice(0, 5).forEach(function (x) {
          document.getElementById('up').appendChild(item(x, ' — ' + P.toPersianDigits(x.movement) + ' پله بالاتر'));
        });
        moved.slice().sort(function (a, b) { return a.movement - b.movement; }).filter(function (x) { return x.movement < 0; }).slice(0, 5).forEach(function (x) {
          document.getElementById('down').appendChild(item(x, ' — ' + P.toPersianDigits(-x.movement) + ' پله پایین‌تر'));
        });
        ['up', 'down'].forEach(function (id) { var l = document.getElementById(id); if (!l.children.length) l.appendChild(P.el('li', { text: 'جابه‌جایی‌ای نبود.' })); });
      });
    });
  }

  C.start(['admin', 'member'], function (me) {
    if (!me.province) { P.setStatus(message, 'bad', 'کلید راه‌انداز به استانی بسته نیست؛ با کلید دبیرخانهٔ یک استان وارد شوید.'); return; }
    var select = document.getElementById('period');
    [0, -1, -2].forEach(function (offset) {
      var period = C.currentPeriod(offset);
      select.appendChild(P.el('option', { value: period, text: C.jalali(period) + (offset === 0 ? ' (ماه جاری)' : '') }));
    });
    select.addEventListener('change', function () { board(me, select.value); });
    board(me, select.value);
    ranking(me);
  });
})();
