// smtp-explain web: small progressive enhancements. Every page works without this file.
"use strict";

// Drag and drop a bounce mail onto the drop zone: it becomes the file of the form.
document.querySelectorAll("[data-drop]").forEach((zone) => {
  const input = zone.querySelector("input[type=file]");
  const name = zone.querySelector("[data-drop-name]");
  if (!input) return;
  const show = () => {
    if (!name) return;
    const file = input.files && input.files[0];
    name.textContent = file ? `${file.name} (${Math.ceil(file.size / 1024)} KB)` : "";
    name.hidden = !file;
  };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((type) =>
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    }),
  );
  ["dragleave", "drop"].forEach((type) =>
    zone.addEventListener(type, () => zone.classList.remove("over")),
  );
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    const files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) return;
    input.files = files;
    show();
    input.form.requestSubmit();
  });
});

// "Copy link" next to the shareable result link.
document.querySelectorAll("[data-share]").forEach((link) => {
  const box = link.parentElement;
  const button = box.querySelector("[data-copy]");
  const done = box.querySelector("[data-copied]");
  if (!button || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(link.href).then(() => {
      if (done) done.hidden = false;
    });
  });
});
