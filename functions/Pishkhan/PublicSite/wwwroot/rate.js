/* rate.html#token=…: the one-time token stays in the fragment (browsers never send it to a server); POST /api/ratings. */
(function () {
  'use strict';
  var P = window.Pishkhan;
  var form = document.getElementById('rating');
  var message = document.getElementById('message');
  var submit = document.getElementById('submit');
  var token = P.fragment().get('token');

  var FIELDS = {
    score: { id: 'score-error', text: 'یکی از امتیازهای ۱ تا ۵ را انتخاب کنید.' },
    comment: { id: 'comment', text: 'توضیح حداکثر ۱۰۰۰ نویسه و بدون نویسه‌های کنترلی باشد.' },
    token: { id: 'score-error', text: 'پیوند امتیازدهی کامل نیست.' },
  };

  if (!token) {
    P.setStatus(message, 'bad', 'پیوند امتیازدهی کامل نیست. پیوند را از پیامک یا ایمیلی که پس از انجام خدمت گرفتید، کامل باز کنید.');
    form.hidden = true;
    return;
  }

  function done(kind, text) {
    P.setStatus(message, kind, text);
    form.hidden = true;
    message.setAttribute('tabindex', '-1');
    message.focus();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    P.clearFieldErrors(form);
    P.clear(message); message.className = 'status';
    var checked = form.querySelector('input[name="score"]:checked');
    var comment = document.getElementById('comment').value.trim();
    if (!checked) { P.showFieldError(document.getElementById('score-error'), FIELDS.score.text); document.getElementById('score-error').focus(); return; }
    if (comment.length > 1000) { P.showFieldError(document.getElementById('comment'), FIELDS.comment.text); return; }
    submit.disabled = true;
    var body = { token: token, score: Number(checked.value) };
    if (comment) body.comment = comment;
    P.api('POST', '/ratings', body).then(function (r) {
      submit.disabled = false;
      if (r.status === 201) return done('ok', 'سپاس‌گزاریم. امتیاز ' + P.toPersianDigits(body.score) + ' از ۵ ثبت شد و در رتبه‌بندی این ماه به حساب می‌آید.');
      if (r.status === 409) return done('bad', 'با این پیوند پیش‌تر امتیاز داده شده است. هر پیوند فقط یک بار امتیاز می‌دهد.');
      if (r.status === 404) return done('bad', 'این پیوند امتیازدهی معتبر نیست. پیوند را از پیامک یا ایمیل خود دوباره و کامل باز کنید.');
      if (r.status === 400 && r.body && r.body.errors) return P.showServerErrors(form, r.body, FIELDS, message);
      P.setStatus(message, 'bad', P.problemText(r));
    });
  });
})();
