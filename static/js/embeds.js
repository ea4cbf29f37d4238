// Embedded videos and posts load their player only when the reader asks (articles/embeds.py): until then the
// page is a link to the provider and makes no request to it. The page's Content-Security-Policy admits frames from
// the players of this page only.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-player]");
  // A middle click or a modifier opens the provider's own page, as links do.
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  const player = document.createElement("iframe");
  player.src = link.dataset.player;
  player.title = link.dataset.title;
  player.className = "embed-player";
  player.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture; clipboard-write";
  player.allowFullscreen = true;
  player.referrerPolicy = "strict-origin-when-cross-origin";
  link.replaceWith(player);
  player.focus();
});
