// The intake's search boxes sit inside the forms they fill: Enter searches, it does not send the form.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.matches("input[data-no-submit]")) {
    event.preventDefault();
  }
});
