// Writing aids on the article form (articles/admin.py): the length and reading time while the text is typed, and
// what search engines and sharing will show while the SEO fields are left empty (their placeholders).
document.addEventListener("DOMContentLoaded", () => {
  const output = document.querySelector("output.writing-aids");
  const lead = document.getElementById("id_lead");
  const body = document.getElementById("id_body");
  if (output && lead && body) {
    const perMinute = Number(output.dataset.wordsPerMinute) || 200;
    const countWords = (text) => text.split(/\s+/).filter(Boolean).length;
    const bodyText = () => {
      const editor = window.CKEDITOR && CKEDITOR.instances.id_body;
      const html = editor ? editor.getData() : body.value;
      // Parsed, not rendered: nothing in it runs or loads.
      return new DOMParser().parseFromString(html, "text/html").body.textContent || "";
    };
    const update = () => {
      const words = countWords(`${lead.value} ${bodyText()}`);
      const minutes = Math.max(1, Math.ceil(words / perMinute));
      const template = words === 1 ? output.dataset.one : output.dataset.other;
      output.textContent = template.replace("%(words)s", words).replace("%(minutes)s", minutes);
    };
    lead.addEventListener("input", update);
    body.addEventListener("input", update);
    if (window.CKEDITOR) {
      const watch = (editor) => {
        if (editor.name === "id_body") {
          editor.on("change", update);
          editor.on("key", () => setTimeout(update, 0));
        }
      };
      Object.values(CKEDITOR.instances).forEach(watch);
      CKEDITOR.on("instanceReady", (event) => watch(event.editor));
    }
  }
  for (const field of document.querySelectorAll("[data-falls-back-to]")) {
    const source = document.getElementById(field.dataset.fallsBackTo);
    if (source) {
      source.addEventListener("input", () => {
        field.placeholder = source.value;
      });
    }
  }
});
