/* Draw every figure of the page and wire its controls: each combination of control values has a
   precomputed view (new traces for Plotly.react, or an update for Plotly.restyle), and partial
   updates keyed by some of the controls are applied after it. */
(function () {
  "use strict";
  function setup(div, spec) {
    var base = JSON.stringify(spec.figure.layout || {});
    var controls = spec.controls.map(function (c) {
      return { spec: c, el: document.getElementById(div.id + "-" + c.name) };
    });
    function value(c) {
      return c.spec.kind === "range" ? c.spec.options[+c.el.value][0] : c.el.value;
    }
    function byName(name) {
      return controls.filter(function (c) { return c.spec.name === name; })[0];
    }
    function offerAllowed() {
      controls.forEach(function (c) {
        if (!c.spec.depends_on.length) { return; }
        var parent = c.spec.depends_on.map(function (n) { return value(byName(n)); }).join("|");
        var allowed = c.spec.allowed[parent] || [];
        var first = null;
        Array.prototype.forEach.call(c.el.options, function (o) {
          var ok = allowed.indexOf(o.value) >= 0;
          o.hidden = !ok;
          o.disabled = !ok;
          if (ok && first === null) { first = o.value; }
        });
        if (allowed.indexOf(c.el.value) < 0 && first !== null) { c.el.value = first; }
      });
    }
    function show() {
      offerAllowed();
      controls.forEach(function (c) {
        if (c.spec.kind === "range") {
          document.getElementById(c.el.id + "-out").textContent = c.spec.options[+c.el.value][1];
        }
      });
      var view = spec.views[controls.map(value).join("|")];
      if (view && view.restyle) {
        Plotly.restyle(div, view.restyle, view.traces);
      } else if (view) {
        var layout = JSON.parse(base);
        Object.keys(view.layout || {}).forEach(function (k) { layout[k] = view.layout[k]; });
        Plotly.react(div, view.data, layout, spec.config);
      }
      spec.updates.forEach(function (u) {
        var part = u.views[u.controls.map(function (n) { return value(byName(n)); }).join("|")];
        if (part) { Plotly.restyle(div, part.restyle, part.traces); }
      });
    }
    controls.forEach(function (c) {
      c.el.addEventListener(c.spec.kind === "range" ? "input" : "change", show);
    });
    Plotly.newPlot(div, spec.figure.data, JSON.parse(base), spec.config);
    offerAllowed();
  }
  document.querySelectorAll("div.plot[data-figure]").forEach(function (div) {
    setup(div, JSON.parse(document.getElementById(div.id + "-data").textContent));
  });
})();
