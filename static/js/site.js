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
