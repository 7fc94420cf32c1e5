// UI glue of the concept explorer. Every user-provided string (labels, file names, notes) reaches
// the page through textContent or attribute setters, never through innerHTML.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("explorer-data").textContent);
  const $ = (id) => document.getElementById(id);
  const TYPE_COLOURS = { visual: "#d95f02", textual: "#1b9e77", multimodal: "#7570b3", none: "#999999", "": "#bbbbbb" };
  let map = null;      // the map shown
  let visible = [];    // concept indices passing the filters, in plot order

  function fmt(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return "–";
    return typeof v === "number" ? v.toFixed(digits === undefined ? 3 : digits) : String(v);
  }
  function numberOrNull(id) {
    const s = $(id).value.trim();
    if (s === "") return null;
    const v = Number(s);
    return Number.isFinite(v) ? v : null;
  }
  function inRange(v, lo, hi) {
    if (lo === null && hi === null) return true;
    if (v === null || v === undefined) return false;
    return (lo === null || v >= lo) && (hi === null || v <= hi);
  }
  function label(c, i) {
    const l = c.label[i];
    return l ? l : "feature " + c.feature[i];
  }

  function setupMaps() {
    const select = $("map");
    data.maps.forEach((m, i) => {
      const o = document.createElement("option");
      o.value = String(i);
      o.textContent = m.layer + " · " + m.sae + " (" + m.concepts.feature.length + " concepts)";
      select.appendChild(o);
    });
    select.addEventListener("change", () => showMap(Number(select.value)));
  }

  function setupTypes() {
    const box = $("types");
    while (box.children.length > 1) box.removeChild(box.lastChild);
    const types = Array.from(new Set(map.concepts.type)).sort();
    types.forEach((t) => {
      const l = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.checked = true;
      input.value = t;
      input.className = "type-filter";
      input.addEventListener("change", render);
      l.appendChild(input);
      l.appendChild(document.createTextNode(" " + (t || "untyped")));
      box.appendChild(l);
    });
  }

  function passes(i) {
    const c = map.concepts;
    const allowed = new Set(Array.from(document.querySelectorAll(".type-filter")).filter((x) => x.checked).map((x) => x.value));
    if (!allowed.has(c.type[i])) return false;
    if (!inRange(c.modality[i], numberOrNull("modality-min"), numberOrNull("modality-max"))) return false;
    if (!inRange(c.ms[i], numberOrNull("ms-min"), numberOrNull("ms-max"))) return false;
    if (!inRange(c.energy[i], numberOrNull("energy-min"), numberOrNull("energy-max"))) return false;
    const matched = $("matched").value;
    if (matched === "yes" && !c.matched[i]) return false;
    if (matched === "no" && c.matched[i]) return false;
    const q = $("search").value.trim().toLowerCase();
    if (q !== "" && !label(c, i).toLowerCase().includes(q) && String(c.feature[i]) !== q) return false;
    return true;
  }

  function colours(idx) {
    const c = map.concepts, mode = $("colour").value;
    if (mode === "type") return { color: idx.map((i) => TYPE_COLOURS[c.type[i]] || "#444444") };
    const values = idx.map((i) => (mode === "ms" ? c.ms[i] : c.modality[i]));
    return {
      color: values.map((v) => (v === null ? 0.5 : v)),
      colorscale: mode === "ms" ? "Viridis" : [[0, "#1f77b4"], [0.5, "#bbbbbb"], [1, "#d62728"]],
      cmin: 0, cmax: 1, showscale: true,
      colorbar: { title: { text: mode === "ms" ? "MS" : "modality (0 text, 1 image)" }, len: 0.6 },
    };
  }

  function render() {
    const c = map.concepts;
    visible = [];
    for (let i = 0; i < c.feature.length; i++) if (passes(i)) visible.push(i);
    const emax = Math.max(1e-12, ...c.energy.filter((e) => e !== null));
    const marker = Object.assign({
      size: visible.map((i) => 5 + 22 * Math.sqrt(Math.max(0, c.energy[i] || 0) / emax)),
      line: { width: 0.5, color: "#333333" }, opacity: 0.85,
    }, colours(visible));
    const points = {
      type: c.feature.length > 5000 ? "scattergl" : "scatter", mode: "markers", name: "concepts",
      x: visible.map((i) => c.x[i]), y: visible.map((i) => c.y[i]), customdata: visible,
      text: visible.map((i) => label(c, i)),
      hovertemplate: "%{text}<extra></extra>", marker: marker,
    };
    const shown = new Set(visible);
    const lx = [], ly = [];
    if ($("show-bridges").checked)
      map.bridges.forEach((b) => {
        if (!shown.has(b[0]) || !shown.has(b[1])) return;
        lx.push(c.x[b[0]], c.x[b[1]], null);
        ly.push(c.y[b[0]], c.y[b[1]], null);
      });
    const lines = { type: "scatter", mode: "lines", name: "bridges", x: lx, y: ly, hoverinfo: "skip", line: { color: "rgba(120,80,160,0.45)", width: 1.5 } };
    const layout = {
      margin: { l: 30, r: 10, t: 10, b: 30 }, showlegend: false, hovermode: "closest",
      xaxis: { zeroline: false, title: { text: "UMAP 1" } }, yaxis: { zeroline: false, title: { text: "UMAP 2" } },
    };
    Plotly.react("plot", [lines, points], layout, { responsive: true, displaylogo: false });
    $("count").textContent = visible.length + " of " + c.feature.length + " concepts shown";
    $("count").dataset.visible = String(visible.length);
    renderResults();
  }

  function renderResults() {
    const q = $("search").value.trim();
    const list = $("results");
    list.replaceChildren();
    $("results-box").hidden = q === "";
    if (q === "") return;
    visible.slice(0, 50).forEach((i) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "result";
      b.dataset.concept = String(i);
      b.textContent = label(map.concepts, i) + " (feature " + map.concepts.feature[i] + ")";
      b.addEventListener("click", () => openPanel(i));
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function fact(dl, name, value) {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dd.dataset.fact = name;
    dl.append(dt, dd);
  }

  function image(pic, alt) {
    const figure = document.createElement("figure");
    const img = document.createElement("img");
    img.src = pic.src;   // a data: URI written by the page generator
    img.alt = alt;
    const cap = document.createElement("figcaption");
    cap.className = "note";
    cap.textContent = pic.file;
    figure.append(img, cap);
    return figure;
  }

  // The plot shares its row with the panel: tell plotly when the panel takes or gives back room.
  function setPanel(shown) {
    if ($("panel").hidden === !shown) return;
    $("panel").hidden = !shown;
    Plotly.Plots.resize("plot");
  }

  function openPanel(i) {
    const c = map.concepts;
    setPanel(true);
    $("panel").dataset.concept = String(i);
    $("panel-title").textContent = label(c, i);
    const dl = $("panel-facts");
    dl.replaceChildren();
    fact(dl, "feature", String(c.feature[i]));
    fact(dl, "name", c.label[i] || "no name in this run");
    fact(dl, "margin", fmt(c.margin[i]));
    fact(dl, "type", c.type[i] || "no typing in this run");
    fact(dl, "MonoSemanticity", fmt(c.ms[i]));
    fact(dl, "energy", fmt(c.energy[i], 5) + " (" + fmt(c.energy_share[i] === null ? null : 100 * c.energy_share[i], 2) + "% of all)");
    fact(dl, "modality score", fmt(c.modality[i]));
    fact(dl, "stability across seeds", fmt(c.stability[i]));
    fact(dl, "best-matching cluster", c.cluster[i] ? c.cluster[i] + " (overlap " + fmt(c.overlap[i]) + (c.matched[i] ? ", matched" : ", below τ") + ")" : "none");
    const pics = map.pictures[String(c.feature[i])] || { heatmaps: [] };
    const collage = $("panel-collage");
    collage.replaceChildren();
    if (pics.collage) collage.appendChild(image(pics.collage, "top-activating images of " + label(c, i)));
    else collage.textContent = "no collage for this concept in this run";
    const heat = $("panel-heatmaps");
    heat.replaceChildren();
    if (pics.heatmaps.length > 0) pics.heatmaps.forEach((h) => heat.appendChild(image(h, "heat map of " + label(c, i))));
    else heat.textContent = "no heat maps in this run";
    const ul = $("panel-bridges");
    ul.replaceChildren();
    map.bridges.filter((b) => b[0] === i || b[1] === i).slice(0, 10).forEach((b) => {
      const other = b[0] === i ? b[1] : b[0];
      const li = document.createElement("li");
      li.textContent = label(c, other) + " · B = " + fmt(b[2], 4);
      ul.appendChild(li);
    });
    if (ul.children.length === 0) ul.textContent = "none among the top bridge pairs";
  }

  function showMap(index) {
    map = data.maps[index];
    setPanel(false);
    setupTypes();
    const t = map.trustworthiness;
    $("about").textContent = "Dots: the " + map.concepts.feature.length + " dictionary atoms of " + map.sae + " on layer " + map.layer +
      ", laid out by UMAP (cosine); size = energy; lines = top bridge pairs. Trustworthiness T(" + map.trustworthinessK + ") of the layout: " +
      (t === null ? "not measured" : t.toFixed(3)) + ".";
    $("notes").textContent = map.notes.length ? "Not in this run: " + map.notes.join("; ") + "." : "";
    render();
  }

  function init() {
    $("title").textContent = data.title;
    document.title = data.title;
    setupMaps();
    ["colour", "matched", "show-bridges"].forEach((id) => $(id).addEventListener("change", render));
    ["search", "modality-min", "modality-max", "ms-min", "ms-max", "energy-min", "energy-max"].forEach((id) => $(id).addEventListener("input", render));
    $("reset").addEventListener("click", () => {
      ["search", "modality-min", "modality-max", "ms-min", "ms-max", "energy-min", "energy-max"].forEach((id) => { $(id).value = ""; });
      $("matched").value = "any";
      document.querySelectorAll(".type-filter").forEach((x) => { x.checked = true; });
      render();
    });
    $("close").addEventListener("click", () => setPanel(false));
    showMap(0);
    $("plot").on("plotly_click", (event) => {
      const p = event.points.find((q) => q.customdata !== undefined);
      if (p) openPanel(p.customdata);
    });
    document.body.dataset.ready = "true";
  }

  init();
})();
