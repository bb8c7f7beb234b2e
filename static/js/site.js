// Progressive enhancement only: every page works without this file.
document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
  var input = document.getElementById(button.dataset.copyTarget);
  if (!input || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      button.textContent = button.dataset.copied;
    });
  });
});

// The comment form's "started" value in the page is shared by every reader of a cached
// page; on the first keystroke the reader gets one of their own.
document.querySelectorAll("form[data-started-url]").forEach(function (form) {
  var field = form.querySelector("input[name=started]");
  if (!field || !window.fetch) return;
  form.addEventListener("input", function () {
    fetch(form.dataset.startedUrl, { credentials: "omit", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (value) { if (value) field.value = value; })
      .catch(function () {});
  }, { once: true });
});

// «الأكثر قراءة»: the article page reports one view, cached or not (articles.beacon).
document.querySelectorAll("[data-view-beacon]").forEach(function (article) {
  var url = article.dataset.viewBeacon;
  if (navigator.sendBeacon) {
    navigator.sendBeacon(url);
  } else if (window.fetch) {
    fetch(url, { method: "POST", credentials: "omit", keepalive: true }).catch(function () {});
  }
});

// «منذ 5 دقائق» beside today's stories on the home: the page may be cached for minutes, so
// the text is counted again here from each <time>, in the page's six Arabic plural forms.
(function () {
  var data = document.getElementById("relative-forms");
  var stamps = document.querySelectorAll("[data-ago]");
  if (!data || !stamps.length) return;
  var forms = JSON.parse(data.textContent);
  function form(words, n) {
    var m = n % 100;
    var index = n === 0 ? 0 : n === 1 ? 1 : n === 2 ? 2 : m >= 3 && m <= 10 ? 3 : m >= 11 ? 4 : 5;
    return words[index].replace("{n}", n);
  }
  function refresh() {
    var now = Date.now();
    stamps.forEach(function (stamp) {
      var minutes = Math.max(0, Math.floor((now - Date.parse(stamp.dataset.ago)) / 60000));
      if (now >= Date.parse(stamp.dataset.agoUntil)) {
        stamp.hidden = true;
      } else {
        stamp.textContent = minutes < 60 ? form(forms.minute, minutes) : form(forms.hour, Math.floor(minutes / 60));
      }
    });
  }
  refresh();
  setInterval(refresh, 60000);
})();
