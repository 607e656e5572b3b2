// Small behaviours of every page, bound here rather than inline so a strict Content-Security-Policy holds.
document.addEventListener("click", (event) => {
  if (event.target.closest(".button-print")) {
    window.print();
  }
});
