/* The article form's safety net (loaded as a file: the admin's CSP allows no inline script).
 * - Autosave: the form's text fields (CKEditor's included) go to this browser's localStorage,
 *   per person and article, every 5 s while they differ from what the form opened with, a
 *   second after an edit, and when the tab is hidden or closed; a closed tab or a crash loses
 *   at most a few seconds of typing. When the form opens again with other text, it offers the
 *   saved text back. The stored text is dropped only once the admin says the article was saved.
 * - Heartbeat: every 20 s the server hears that this person still has the form open, and
 *   answers who else does (articles.services.article_editing_open).
 */
(function () {
  "use strict";
  const EVERY_MS = 5000;
  const AFTER_EDIT_MS = 1000;
  const EDITORS_WAIT_MS = 10000;
  const HEARTBEAT_MS = 20000;
  // Set when the form is sent; read (and dropped) by the page that answers it.
  const SUBMITTED = "desk-autosave:submitted";
  const ARTICLE_LINK = /\/admin\/articles\/article\/(\d+)\/change\/$/;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function textFields(form) {
    return [...form.querySelectorAll("input[type=text], input:not([type]), textarea")].filter(
      (el) => el.name && !el.name.includes("__prefix__") && !el.disabled
    );
  }

  function snapshot(form) {
    const fields = {};
    for (const el of textFields(form)) fields[el.name] = el.value;
    return fields;
  }

  function differs(a, b) {
    return Object.keys({ ...a, ...b }).some((name) => (a[name] ?? "") !== (b[name] ?? ""));
  }

  function editorTextareas(form) {
    return textFields(form).filter((el) => el.classList.contains("django_ckeditor_5"));
  }

  // CKEditor starts each editor a moment after the page (and after a section is added).
  function whenEditorsReady(form, fn) {
    const started = Date.now();
    (function check() {
      const pending = editorTextareas(form).filter((el) => !(window.editors && window.editors[el.id]));
      if (pending.length && Date.now() - started < EDITORS_WAIT_MS) return setTimeout(check, 50);
      fn();
    })();
  }

  function storageGet(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  // The page that answers a sent form: if the admin says the article was saved, its
  // autosaved text has reached the server and is dropped; after a refusal it stays.
  function forgetWhatWasSaved() {
    let sent = null;
    try {
      sent = JSON.parse(sessionStorage.getItem(SUBMITTED) || "null");
      sessionStorage.removeItem(SUBMITTED);
    } catch (e) {
      return;
    }
    if (!sent || !sent.key) return;
    const success = [...document.querySelectorAll(".messagelist .success")];
    const saved = success.some((message) =>
      sent.article === "new"
        ? true // "تمت الإضافة": the article the form added (its link depends on the writer's rights)
        : [...message.querySelectorAll("a[href]")].some((a) => {
            const m = new URL(a.href, location.href).pathname.match(ARTICLE_LINK);
            return m && m[1] === sent.article;
          })
    );
    if (saved) localStorage.removeItem(sent.key);
  }

  function sectionCount(fields) {
    const numbers = Object.keys(fields)
      .map((name) => name.match(/^sections-(\d+)-/))
      .filter(Boolean)
      .map((m) => Number(m[1]));
    return numbers.length ? Math.max(...numbers) + 1 : 0;
  }

  function setValue(name, value) {
    const el = document.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!el) return false;
    const editor = window.editors && el.id && window.editors[el.id];
    if (editor) editor.setData(value);
    el.value = value;
    return true;
  }

  function restore(fields, done) {
    const total = document.querySelector("#id_sections-TOTAL_FORMS");
    const wanted = sectionCount(fields);
    const addRow = document.querySelector("#sections-group .add-row a");
    if (total && addRow) {
      for (let n = Number(total.value); n < wanted; n++) addRow.click();
    }
    // New sections' editors start a moment after their rows are added.
    let tries = 0;
    (function apply() {
      const pending = Object.keys(fields).filter((name) => {
        const el = document.querySelector(`[name="${CSS.escape(name)}"]`);
        return el && el.closest(".django_ckeditor_5") && !(window.editors && window.editors[el.id]);
      });
      if (pending.length && tries++ < 40) return setTimeout(apply, 100);
      for (const [name, value] of Object.entries(fields)) setValue(name, value);
      done();
    })();
  }

  function offer(box, saved, key, form) {
    const when = new Date(saved.at).toLocaleTimeString("ar-MA", { hour: "2-digit", minute: "2-digit", numberingSystem: "latn" });
    box.querySelector("[data-autosave-when]").textContent = when;
    box.hidden = false;
    box.querySelector("[data-autosave-restore]").addEventListener("click", () => {
      restore(saved.fields, () => {
        box.hidden = true;
      });
    });
    box.querySelector("[data-autosave-discard]").addEventListener("click", () => {
      localStorage.removeItem(key);
      box.hidden = true;
    });
  }

  function heartbeat(box, form) {
    const url = box.dataset.heartbeat;
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!url || !token) return;
    const beat = () =>
      fetch(url, { method: "POST", headers: { "X-CSRFToken": token.value }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : null))
        .then((answer) => {
          const line = document.querySelector("#desk-editing-live");
          if (!answer || !line) return;
          line.textContent = answer.message;
          line.hidden = !answer.message;
        })
        .catch(() => {});
    setInterval(beat, HEARTBEAT_MS);
  }

  function autosave(box, form) {
    const key = box.dataset.key;
    const saved = storageGet(key);
    // What the form opened with: the server's text, before anyone could type.
    const baseline = snapshot(form);
    let last = null; // what this page last stored
    const store = () => {
      const fields = snapshot(form);
      const text = JSON.stringify(fields);
      if (text === last || (last === null && !differs(baseline, fields))) return;
      last = text;
      try {
        localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields }));
      } catch (e) {
        /* storage full or refused: the server copy is still the last save */
      }
    };
    let soon = null;
    const storeSoon = () => {
      if (!soon) soon = setTimeout(() => ((soon = null), store()), AFTER_EDIT_MS);
    };
    setInterval(store, EVERY_MS);
    form.addEventListener("input", storeSoon);
    form.addEventListener("change", storeSoon);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") store();
    });
    window.addEventListener("pagehide", store);
    form.addEventListener("submit", () => {
      store(); // kept until the admin says it was saved
      try {
        sessionStorage.setItem(SUBMITTED, JSON.stringify({ key, article: key.split(":a").pop() }));
      } catch (e) {
        /* no session storage: the text stays offered until discarded */
      }
    });
    whenEditorsReady(form, () => {
      for (const el of editorTextareas(form)) {
        const editor = window.editors && window.editors[el.id];
        if (!editor) continue;
        baseline[el.name] = el.value; // as the editor holds it, before a key was pressed in it
        editor.model.document.on("change:data", storeSoon);
      }
      const now = snapshot(form);
      const other = saved && saved.fields && Object.keys(saved.fields).some((name) => (now[name] ?? "") !== saved.fields[name]);
      if (other) offer(box, saved, key, form);
    });
  }

  ready(() => {
    forgetWhatWasSaved();
    const box = document.querySelector("#desk-autosave");
    const form = document.querySelector("#article_form");
    if (!box || !form) return;
    autosave(box, form);
    heartbeat(box, form);
  });
})();
