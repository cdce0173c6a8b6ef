// The assignment form lists only the functions of the chosen exercise set (each option's label
// starts with its set's name: "gates: add_forward"); choices of another set are cleared.
(function () {
  const exercise = document.getElementById("exercise");
  const functions = document.getElementById("functions");
  if (!exercise || !functions) return;
  function show() {
    for (const option of functions.options) {
      const mine = option.textContent.startsWith(exercise.value + ": ");
      option.hidden = !mine;
      option.disabled = !mine;
      if (!mine) option.selected = false;
    }
  }
  exercise.addEventListener("change", show);
  show();
})();
