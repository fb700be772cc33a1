// jifen serve: on a form with a rule to choose (form[data-rules]), show only the fields the chosen
// rule takes (its option's data-takes: count, points, level, measure), only that rule's levels and
// hints. A field hidden is disabled too, so it is not sent. Without this script every field stays
// visible and the server decides, as the command line does.
"use strict";
for (const form of document.querySelectorAll("form[data-rules]")) {
  const rule = form.querySelector("select[name=rule]");
  const level = form.querySelector("select[name=level]");
  const choose = level ? level.options[0] : null;
  const groups = level ? Array.from(level.querySelectorAll("optgroup")) : [];
  const show = () => {
    const chosen = rule.options[rule.selectedIndex];
    const takes = (chosen ? chosen.dataset.takes : "").split(" ");
    for (const label of form.querySelectorAll("[data-field]")) {
      const on = takes.includes(label.dataset.field);
      label.hidden = !on;
      for (const input of label.querySelectorAll("input, select")) input.disabled = !on;
    }
    for (const hint of form.querySelectorAll(".hint[data-rule]")) hint.hidden = hint.dataset.rule !== rule.value;
    if (level) {
      const kept = level.value;
      const own = groups.filter((group) => group.dataset.rule === rule.value);
      level.replaceChildren(choose, ...own.flatMap((group) => Array.from(group.children, (o) => o.cloneNode(true))));
      level.value = own.length && Array.from(level.options).some((o) => o.value === kept) ? kept : "";
      level.required = own.length > 0;
    }
  };
  rule.addEventListener("change", show);
  show();
}
