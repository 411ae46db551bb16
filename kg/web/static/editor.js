// Ctrl+Enter (or Cmd+Enter) in the query box runs the query.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("query");
  if (!box) { return; }
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      document.getElementById("query-form").submit();
    }
  });
});
