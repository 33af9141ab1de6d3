// The helpdesk screen's keys (templates/helpdesk/desk.html lists them): "/" a new search, 1–9 add a result to the
// sheet, "e" the caller's e-mail, "n" the note, Esc leaves a text field, Ctrl+Enter sends from anywhere. Without
// JavaScript every button still works (the search form carries the sheet).
(() => {
  const root = document.getElementById("helpdesk");
  if (!root) return;
  const targets = {
    place: "hd-place", q: "hd-need", results: "hd-results", email: "hd-email", note: "hd-note",
    caller_lang: "hd-lang-fr",
  };
  const focusOn = (name) => {
    const element = document.getElementById(targets[name] || targets.place);
    if (!element) return;
    element.focus();
    if (element.select && element.type !== "radio") element.select();
  };
  focusOn(root.dataset.focus);
  const typing = (el) => !!el && (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
    (el.tagName === "INPUT" && !["radio", "checkbox", "submit", "button", "hidden"].includes(el.type)));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      const send = document.getElementById("hd-send-button");
      if (send) { event.preventDefault(); send.form.requestSubmit(send); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(document.activeElement)) {
      if (event.key === "Escape") { event.preventDefault(); focusOn("results"); }
      return;
    }
    if (event.key === "/") { event.preventDefault(); focusOn("place"); return; }
    if (event.key === "e") { event.preventDefault(); focusOn("email"); return; }
    if (event.key === "n") { event.preventDefault(); focusOn("note"); return; }
    if (/^[1-9]$/.test(event.key)) {
      const add = root.querySelector(`[data-key="${event.key}"]`);
      if (add) { event.preventDefault(); add.click(); }
    }
  });
})();
