// Live preview for the badge designer. Without JavaScript the Preview
// button re-renders the page with the same image.
(function () {
  var form = document.getElementById("designer-form");
  var img = document.getElementById("design-preview");
  if (!form || !img) { return; }
  var timer = null;
  function update() {
    var params = new URLSearchParams();
    var fields = ["title", "ribbon", "shape", "icon", "fill", "accent", "border", "border_colour"];
    fields.forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el) { params.set(name, el.value); }
    });
    img.src = img.getAttribute("data-base") + "?" + params.toString();
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  form.addEventListener("change", update);
})();
