/* The article form's safety net (loaded as a file: the admin's CSP allows no inline script).
 * - Autosave: every few seconds the form's text fields go to this browser's localStorage, per
 *   person and article, so a closed tab or a crash loses at most a few seconds of typing; when
 *   the form opens again with different text, it offers the saved text back.
 * - Heartbeat: every 20 s the server hears that this person still has the form open, and
 *   answers who else does (articles.services.article_editing_open).
 */
(function () {
  "use strict";
  const EVERY_MS = 5000;
  const HEARTBEAT_MS = 20000;

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

  function differs(saved, now) {
    return Object.keys(saved).some((name) => (now[name] ?? "") !== saved[name]);
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
    const addRow = document.querySelector(".inline-group .add-row a");
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

  ready(() => {
    const box = document.querySelector("#desk-autosave");
    const form = document.querySelector("#article_form");
    if (!box || !form) return;
    const key = box.dataset.key;
    let saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(key) || "null");
    } catch (e) {
      saved = null;
    }
    // Compared once the editors have put their text in the textareas.
    setTimeout(() => {
      if (saved && saved.fields) {
        if (differs(saved.fields, snapshot(form))) offer(box, saved, key, form);
        else localStorage.removeItem(key);
      }
      let last = JSON.stringify(snapshot(form));
      const store = () => {
        const fields = snapshot(form);
        const text = JSON.stringify(fields);
        if (text === last) return;
        last = text;
        try {
          localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields }));
        } catch (e) {
          /* storage full or refused: the server copy is still the last save */
        }
      };
      setInterval(store, EVERY_MS);
      form.addEventListener("input", () => setTimeout(store, 300));
      window.addEventListener("pagehide", store);
    }, 1500);
    heartbeat(box, form);
  });
})();
