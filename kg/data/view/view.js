// kg graph view. Reads the graph from #kg-data (JSON) and builds every piece of DOM with
// textContent: no text from the graph ever reaches innerHTML, so markup in an abstract stays text.
// Exposes the vis Network as the global `network` (as pyvis pages do) and helpers as `kgView`.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var S = DATA.schema;
  var STY = DATA.styles;
  var PYTHON_LAYOUT = DATA.layout === "python";
  var byId = function (id) { return document.getElementById(id); };
  var fmt = function (n) { return Number(n).toLocaleString("en-US"); };

  // ---- index the data ------------------------------------------------------------------
  var nodeById = new Map();
  DATA.nodes.forEach(function (n) { nodeById.set(n.id, n); });
  var attrs = function (id) { var n = nodeById.get(id); return n ? n.attrs : {}; };
  var isPaper = function (a) { return a[S.kind] === S.paper_kind; };
  var isEntity = function (a) { return a[S.kind] === S.entity_kind; };
  var nameOf = function (id) { var a = attrs(id); return a[S.label] || a[S.title] || id; };
  var papersOf = function (a) { return (a[S.papers] || []).length; };
  var styleOf = function (a) {
    if (isPaper(a)) return STY.paper;
    return STY.types[a[S.type]] || STY.other;
  };
  var relColor = function (key) { return STY.relations[key] || STY.relations[""]; };

  var incident = new Map();  // node id -> edge indexes (both directions)
  DATA.edges.forEach(function (e, i) {
    [e.source, e.target].forEach(function (n) {
      if (!incident.has(n)) incident.set(n, []);
      incident.get(n).push(i);
    });
  });

  // An entity introduced in a paper has both a mention and an introduction edge to it: draw one.
  var introducedPairs = new Set();
  DATA.edges.forEach(function (e) { if (e.key === S.introduced) introducedPairs.add(e.source + "\u0000" + e.target); });
  var isPaperEdge = function (e) { return e.key === S.mentioned_in || e.key === S.introduced; };
  var mentionPairs = new Set();
  DATA.edges.forEach(function (e) { if (e.key === S.mentioned_in) mentionPairs.add(e.source + "\u0000" + e.target); });

  // ---- filter state --------------------------------------------------------------------
  var presentTypes = [];
  var typeCounts = {};
  var maxPapers = 1;
  DATA.nodes.forEach(function (n) {
    var a = n.attrs;
    if (isEntity(a)) {
      var t = a[S.type] || "?";
      if (!(t in typeCounts)) { typeCounts[t] = 0; }
      typeCounts[t] += 1;
      maxPapers = Math.max(maxPapers, papersOf(a));
    }
  });
  STY.type_order.forEach(function (t) { if (t in typeCounts) presentTypes.push(t); });
  Object.keys(typeCounts).sort().forEach(function (t) { if (presentTypes.indexOf(t) < 0) presentTypes.push(t); });
  var relCounts = {};
  DATA.edges.forEach(function (e) { if (!isPaperEdge(e)) relCounts[e.key] = (relCounts[e.key] || 0) + 1; });
  var relKeys = STY.relation_order.filter(function (k) { return k in relCounts; });
  Object.keys(relCounts).sort().forEach(function (k) { if (relKeys.indexOf(k) < 0) relKeys.push(k); });
  var paperCount = DATA.nodes.filter(function (n) { return isPaper(n.attrs); }).length;

  var state = {
    types: new Set(presentTypes),
    relations: new Set(relKeys),
    minPapers: 1,
    // Papers start visible on pages small enough to read them, hidden on large ones (less clutter).
    showPapers: DATA.nodes.length <= 2000,
  };

  function nodeVisible(id) {
    var a = attrs(id);
    if (isPaper(a)) return state.showPapers;
    if (isEntity(a)) return state.types.has(a[S.type] || "?") && (state.minPapers <= 1 || papersOf(a) >= state.minPapers);
    return true;
  }
  function edgeVisible(e) {
    if (isPaperEdge(e)) return state.showPapers;
    return state.relations.has(e.key);
  }

  // ---- vis data ------------------------------------------------------------------------
  function shortLabel(text, max) {
    text = String(text);
    return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
  }
  var visNodes = DATA.nodes.map(function (n) {
    var a = n.attrs, st = styleOf(a), paper = isPaper(a);
    var node = {
      id: n.id,
      // Paper titles are long: they show on hover and around a selection, not all at once.
      label: paper ? undefined : shortLabel(a[S.label] || n.id, 40),
      shape: st.shape,
      color: { background: st.color, border: st.color, highlight: { background: st.color, border: "#1f2328" },
               hover: { background: st.color, border: "#1f2328" } },
      borderWidth: 1,
      borderWidthSelected: 3,
      hidden: !nodeVisible(n.id),
      font: { size: 15, color: "#1f2328", strokeWidth: 3, strokeColor: "#ffffff" },
    };
    if (paper) { node.size = 7; } else { node.value = Math.max(papersOf(a), 1); }
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    return node;
  });
  var visEdges = [];
  DATA.edges.forEach(function (e, i) {
    if (e.key === S.introduced && mentionPairs.has(e.source + "\u0000" + e.target)) return;
    var paperEdge = isPaperEdge(e);
    var introduced = paperEdge && introducedPairs.has(e.source + "\u0000" + e.target);
    var color = relColor(introduced ? S.introduced : e.key);
    var edge = {
      id: i,
      from: e.source,
      to: e.target,
      color: { color: color, highlight: paperEdge ? "#59636e" : color, hover: paperEdge ? "#59636e" : color, inherit: false },
      width: paperEdge ? (introduced ? 2 : 1) : 2,
      hidden: !edgeVisible(e),
      arrows: { to: { enabled: !paperEdge && e.key !== "compared_with", scaleFactor: 0.6 } },
      dashes: e.key === S.variant_of,
    };
    visEdges.push(edge);
  });

  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var big = DATA.nodes.length > 2000;  // hide edges while dragging or zooming: keeps big pages fluid
  var options = {
    autoResize: true,
    nodes: {
      scaling: {
        min: 9, max: 32,
        label: { enabled: true, min: 15, max: 28, drawThreshold: 6, maxVisible: 32 },
        customScalingFunction: function (min, max, total, value) {
          return max === min ? 0 : Math.sqrt((value - min) / (max - min));
        },
      },
    },
    edges: { smooth: false, selectionWidth: 1.5, hoverWidth: 0.5 },
    layout: { randomSeed: 7, improvedLayout: !PYTHON_LAYOUT && DATA.nodes.length <= 150 },
    physics: PYTHON_LAYOUT ? false : {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, centralGravity: 0.012, springLength: 70, springConstant: 0.08,
                          avoidOverlap: 0.6 },
      stabilization: { enabled: true, iterations: 400, updateInterval: 50, fit: true },
    },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                   multiselect: true, navigationButtons: false, keyboard: false },
  };
  network = new vis.Network(byId("kg-network"), { nodes: nodes, edges: edges }, options);

  // ---- readiness marks (read by tests and benchmarks/view_load.py) ---------------------
  var ready = false;
  function markReady() {
    if (ready) return;
    ready = true;
    performance.mark("kg-drawn");
    document.body.setAttribute("data-kg-ready", "1");
  }
  var stabilized = PYTHON_LAYOUT;
  network.once("stabilizationIterationsDone", function () {
    stabilized = true;
    network.setOptions({ physics: false });
    network.fit({ animation: false });
  });
  network.on("afterDrawing", function () { if (stabilized) markReady(); });

  // White background (so the PNG export is not transparent), and a veil over everything but
  // the selected neighbourhood. The neighbourhood is redrawn on top of the veil, so a click
  // costs the size of the neighbourhood, not a restyle of every node.
  var focus = null;  // {nodes: [...], edges: [...]} or null
  function viewRect() {
    var c = network.canvas.frame.canvas;
    var tl = network.DOMtoCanvas({ x: 0, y: 0 });
    var br = network.DOMtoCanvas({ x: c.clientWidth, y: c.clientHeight });
    return [tl.x, tl.y, br.x - tl.x, br.y - tl.y];
  }
  network.on("beforeDrawing", function (ctx) {
    var r = viewRect();
    ctx.save(); ctx.fillStyle = "#ffffff"; ctx.fillRect(r[0], r[1], r[2], r[3]); ctx.restore();
  });
  network.on("afterDrawing", function (ctx) {
    if (!focus) return;
    var r = viewRect();
    ctx.save(); ctx.fillStyle = "rgba(255,255,255,0.82)"; ctx.fillRect(r[0], r[1], r[2], r[3]); ctx.restore();
    var body = network.body, labels = [];
    focus.edges.forEach(function (id) {
      var e = body.edges[id];
      if (e && e.connected && !e.options.hidden
          && !body.nodes[e.fromId].options.hidden && !body.nodes[e.toId].options.hidden) e.draw(ctx);
    });
    focus.nodes.forEach(function (id) {
      var n = body.nodes[id];
      if (!n || n.options.hidden) return;
      var out = n.draw(ctx);
      if (out && out.drawExternalLabel) labels.push(out.drawExternalLabel);
    });
    labels.forEach(function (f) { f(); });
    ctx.save();
    ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#59636e"; ctx.textAlign = "center"; ctx.textBaseline = "top";
    ctx.strokeStyle = "#ffffff"; ctx.lineWidth = 3; ctx.lineJoin = "round";
    focus.nodes.forEach(function (id) {
      var n = body.nodes[id];
      if (!n || n.options.hidden || !isPaper(attrs(id))) return;
      var text = shortLabel(paperTitle(id), 36);
      ctx.strokeText(text, n.x, n.y + 10);
      ctx.fillText(text, n.x, n.y + 10);
    });
    ctx.restore();
  });

  function neighbourhood(id) {
    var ns = new Set([id]), es = [];
    (incident.get(id) || []).forEach(function (i) {
      var e = DATA.edges[i];
      if (!edges.get(i)) return;  // an introduction drawn as its mention edge
      es.push(i); ns.add(e.source); ns.add(e.target);
    });
    return { nodes: Array.from(ns), edges: es };
  }
  function setFocus(ids) {
    if (!ids.length) { focus = null; return; }
    var ns = new Set(), es = [];
    ids.forEach(function (id) { var f = neighbourhood(id); f.nodes.forEach(function (n) { ns.add(n); }); es.push.apply(es, f.edges); });
    focus = { nodes: Array.from(ns), edges: es };
  }

  // ---- small DOM helpers (text only) ---------------------------------------------------
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  var SVG = "http://www.w3.org/2000/svg";
  function shapeIcon(shape, color, size) {
    size = size || 14;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", size); svg.setAttribute("height", size); svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("aria-hidden", "true");
    var p;
    var poly = function (pts) { p = document.createElementNS(SVG, "polygon"); p.setAttribute("points", pts); };
    if (shape === "dot") { p = document.createElementNS(SVG, "circle"); p.setAttribute("cx", 10); p.setAttribute("cy", 10); p.setAttribute("r", 8); }
    else if (shape === "square") { p = document.createElementNS(SVG, "rect"); p.setAttribute("x", 3); p.setAttribute("y", 3); p.setAttribute("width", 14); p.setAttribute("height", 14); }
    else if (shape === "diamond") poly("10,1 19,10 10,19 1,10");
    else if (shape === "triangle") poly("10,2 19,18 1,18");
    else if (shape === "triangleDown") poly("1,2 19,2 10,18");
    else if (shape === "star") poly("10,1 12.6,7.2 19.5,7.6 14.2,12 15.9,18.8 10,15.1 4.1,18.8 5.8,12 0.5,7.6 7.4,7.2");
    else poly("5,2 15,2 19.5,10 15,18 5,18 0.5,10");  // hexagon
    p.setAttribute("fill", color);
    svg.appendChild(p);
    return svg;
  }
  function nodeLink(id) {
    var a = el("a", nameOf(id), "kg-node-link");
    a.setAttribute("role", "button");
    a.tabIndex = 0;
    var go = function (ev) { ev.preventDefault(); selectIds([id], true); };
    a.addEventListener("click", go);
    a.addEventListener("keydown", function (ev) { if (ev.key === "Enter") go(ev); });
    return a;
  }

  // ---- header --------------------------------------------------------------------------
  (function header() {
    var relTotal = 0;
    Object.keys(relCounts).forEach(function (k) { relTotal += relCounts[k]; });
    var entityTotal = 0;
    Object.keys(typeCounts).forEach(function (t) { entityTotal += typeCounts[t]; });
    byId("kg-counts").textContent = fmt(entityTotal) + " entities \u00b7 " + fmt(paperCount) + " papers \u00b7 "
      + fmt(relTotal) + " relations";
    var inputs = (DATA.graph.inputs || []).map(String);
    var shown = inputs.slice(0, 3).join(", ") + (inputs.length > 3 ? " and " + fmt(inputs.length - 3) + " more" : "");
    var p = byId("kg-inputs");
    p.textContent = "Built from " + (inputs.length ? shown : "(inputs not recorded)")
      + (DATA.graph.kg_version ? " by kg " + DATA.graph.kg_version : "");
    p.title = inputs.join("\n");
    var om = DATA.omitted;
    if (om.entities || om.papers) {
      var o = byId("kg-omitted");
      o.hidden = false;
      o.textContent = "Showing " + fmt(DATA.nodes.length) + " of " + fmt(DATA.counts.nodes)
        + " nodes (the entities with most papers, and the papers mentioning them): " + fmt(om.entities)
        + " entities and " + fmt(om.papers)
        + " papers left out.";
    }
  })();

  // ---- legend and filters --------------------------------------------------------------
  function applyFilters() {
    var nodeChanges = [], edgeChanges = [];
    visNodes.forEach(function (n) {
      var hidden = !nodeVisible(n.id);
      if (hidden !== n.hidden) { n.hidden = hidden; nodeChanges.push({ id: n.id, hidden: hidden }); }
    });
    visEdges.forEach(function (v) {
      var hidden = !edgeVisible(DATA.edges[v.id]);
      if (hidden !== v.hidden) { v.hidden = hidden; edgeChanges.push({ id: v.id, hidden: hidden }); }
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
  }
  (function legend() {
    var ul = byId("kg-types");
    presentTypes.forEach(function (t) {
      var st = STY.types[t] || STY.other;
      var li = el("li"), label = el("label", null, "kg-check"), box = el("input");
      box.type = "checkbox"; box.checked = true; box.value = t; box.setAttribute("data-kg-type", t);
      box.addEventListener("change", function () {
        if (box.checked) state.types.add(t); else state.types.delete(t);
        applyFilters();
      });
      label.appendChild(box); label.appendChild(shapeIcon(st.shape, st.color)); label.appendChild(el("span", t));
      label.appendChild(el("span", fmt(typeCounts[t]), "kg-count"));
      li.appendChild(label); ul.appendChild(li);
    });
    var papersBox = byId("kg-show-papers");
    papersBox.checked = state.showPapers;
    byId("kg-paper-icon").appendChild(shapeIcon(STY.paper.shape, STY.paper.color));
    byId("kg-paper-count").textContent = fmt(paperCount);
    papersBox.addEventListener("change", function () { state.showPapers = papersBox.checked; applyFilters(); });

    var rl = byId("kg-relations");
    relKeys.forEach(function (k) {
      var li = el("li"), label = el("label", null, "kg-check"), box = el("input"), sw = el("span", null, "kg-swatch");
      box.type = "checkbox"; box.checked = true; box.setAttribute("data-kg-relation", k);
      box.addEventListener("change", function () {
        if (box.checked) state.relations.add(k); else state.relations.delete(k);
        applyFilters();
      });
      sw.style.background = relColor(k);
      if (k === S.variant_of) sw.style.background = "repeating-linear-gradient(90deg," + relColor(k) + " 0 4px,transparent 4px 7px)";
      label.appendChild(box); label.appendChild(sw); label.appendChild(el("span", k.replace(/_/g, " ")));
      label.appendChild(el("span", fmt(relCounts[k]), "kg-count"));
      li.appendChild(label); rl.appendChild(li);
    });
    if (!relKeys.length) rl.appendChild(el("li", "none found", "kg-note"));

    var range = byId("kg-min-papers"), out = byId("kg-min-papers-value");
    range.max = String(maxPapers);
    range.addEventListener("input", function () {
      state.minPapers = Number(range.value);
      out.textContent = range.value;
      applyFilters();
    });
  })();

  // ---- info panel ----------------------------------------------------------------------
  function paperTitle(id) { var a = attrs(id); return a[S.title] || a[S.label] || a[S.doc_id] || id; }
  function evidenceList(e) {
    var ul = el("ul");
    (e.attrs[S.evidence] || []).forEach(function (ev) {
      var li = el("li");
      li.appendChild(el("blockquote", ev.sentence));
      var src = el("span", "\u2014 ", "kg-note");
      if (nodeById.has(ev.paper)) src.appendChild(nodeLink(ev.paper)); else src.appendChild(document.createTextNode(ev.paper));
      if (ev.cue) src.appendChild(document.createTextNode(" (cue \u201c" + ev.cue + "\u201d)"));
      li.appendChild(src);
      ul.appendChild(li);
    });
    return ul;
  }
  function showInfo(id) {
    var box = byId("kg-info");
    box.textContent = "";
    var a = attrs(id), st = styleOf(a);
    box.appendChild(el("h2", nameOf(id)));
    var badge = el("span", null, "kg-badge");
    badge.appendChild(shapeIcon(st.shape, st.color, 12));
    badge.appendChild(document.createTextNode(isPaper(a) ? "Paper \u00b7 " + (a[S.doc_id] || id) : (a[S.type] || "?") + " \u00b7 " + id));
    box.appendChild(badge);
    if (!nodeVisible(id)) box.appendChild(el("p", "Hidden by the current filters.", "kg-note"));
    var list;
    if (isPaper(a)) {
      if (a[S.sources] && a[S.sources].length) box.appendChild(el("p", "Read from " + a[S.sources].join(", "), "kg-note"));
      box.appendChild(el("h3", "Abstract"));
      box.appendChild(el("p", a[S.abstract] || "", "kg-abstract"));
      var mentioned = (incident.get(id) || []).map(function (i) { return DATA.edges[i]; })
        .filter(function (e) { return e.key === S.mentioned_in && e.target === id; });
      box.appendChild(el("h3", "Entities (" + mentioned.length + ")"));
      list = el("ul");
      mentioned.forEach(function (e) { var li = el("li"); li.appendChild(nodeLink(e.source)); list.appendChild(li); });
      box.appendChild(list);
      return;
    }
    if (a[S.aliases] && a[S.aliases].length) {
      box.appendChild(el("h3", "Also written"));
      box.appendChild(el("p", a[S.aliases].join(", ")));
    }
    var papers = a[S.papers] || [], introduced = new Set(a[S.introduced_in] || []);
    box.appendChild(el("h3", "Papers (" + papers.length + ")"));
    list = el("ul");
    papers.forEach(function (p) {
      var li = el("li");
      if (nodeById.has(p)) li.appendChild(nodeLink(p)); else li.appendChild(document.createTextNode(p));
      if (introduced.has(p)) li.appendChild(el("span", " \u00b7 introduced here", "kg-note"));
      list.appendChild(li);
    });
    box.appendChild(list);
    var rels = (incident.get(id) || []).map(function (i) { return DATA.edges[i]; }).filter(function (e) { return !isPaperEdge(e); });
    box.appendChild(el("h3", "Relations (" + rels.length + ")"));
    list = el("ul");
    rels.forEach(function (e) {
      var li = el("li"), line = el("div");
      var other = e.source === id ? e.target : e.source;
      if (e.source === id) { line.appendChild(el("strong", e.key.replace(/_/g, " "))); line.appendChild(document.createTextNode(" \u2192 ")); line.appendChild(nodeLink(other)); }
      else { line.appendChild(nodeLink(other)); line.appendChild(document.createTextNode(" \u2192 ")); line.appendChild(el("strong", e.key.replace(/_/g, " "))); line.appendChild(document.createTextNode(" \u2192 this")); }
      li.appendChild(line);
      li.appendChild(evidenceList(e));
      list.appendChild(li);
    });
    box.appendChild(list);
  }
  function clearInfo() {
    var box = byId("kg-info");
    box.textContent = "";
    box.appendChild(el("p", "Select a node.", "kg-note"));
  }

  function selectIds(ids, move) {
    ids = ids.filter(function (id) { return nodeById.has(id); });
    network.selectNodes(ids);
    setFocus(ids);
    if (ids.length) showInfo(ids[0]); else clearInfo();
    if (move && ids.length) {
      var visible = ids.filter(nodeVisible);
      if (visible.length === 1) network.focus(visible[0], { scale: Math.max(network.getScale(), 1.0), animation: false });
      else if (visible.length) network.fit({ nodes: visible, animation: false });
    }
    network.redraw();
  }
  network.on("click", function (params) { selectIds(params.nodes, false); });

  // ---- tooltips (own element, text only) -----------------------------------------------
  var tip = byId("kg-tooltip");
  function showTip(pointer, children) {
    tip.textContent = "";
    children.forEach(function (c) { tip.appendChild(c); });
    tip.hidden = false;
    var wrap = byId("kg-canvas-wrap");
    var x = Math.min(pointer.x + 14, wrap.clientWidth - tip.offsetWidth - 4);
    var y = Math.min(pointer.y + 14, wrap.clientHeight - tip.offsetHeight - 4);
    tip.style.left = Math.max(x, 0) + "px"; tip.style.top = Math.max(y, 0) + "px";
  }
  network.on("hoverEdge", function (params) {
    var e = DATA.edges[params.edge];
    if (!e) return;
    var head = el("div");
    head.appendChild(el("span", nameOf(e.source)));
    head.appendChild(document.createTextNode(" \u2192 "));
    head.appendChild(el("span", e.key.replace(/_/g, " "), "kg-rel"));
    head.appendChild(document.createTextNode(" \u2192 "));
    head.appendChild(el("span", nameOf(e.target)));
    var parts = [head];
    var evidence = e.attrs[S.evidence] || [];
    evidence.slice(0, 3).forEach(function (ev) {
      parts.push(el("div", "\u201c" + ev.sentence + "\u201d"));
      parts.push(el("div", "\u2014 " + paperTitle(ev.paper), "kg-note"));
    });
    if (evidence.length > 3) parts.push(el("div", "and " + (evidence.length - 3) + " more", "kg-note"));
    showTip(params.pointer.DOM, parts);
  });
  network.on("hoverNode", function (params) {
    var a = attrs(params.node);
    var parts = [el("div", nameOf(params.node), "kg-rel")];
    parts.push(el("div", isPaper(a) ? "Paper" : (a[S.type] || "?") + " \u00b7 " + papersOf(a) + " paper(s)", "kg-note"));
    showTip(params.pointer.DOM, parts);
  });
  ["blurEdge", "blurNode", "dragStart", "zoom"].forEach(function (ev) { network.on(ev, function () { tip.hidden = true; }); });

  // ---- search --------------------------------------------------------------------------
  var normalize = function (text) { return String(text).toLowerCase().replace(/[^0-9a-z\u00c0-\uffff]+/g, ""); };
  var keyIndex = new Map();  // normalized name or alias -> node ids
  var searchNames = [];
  DATA.nodes.forEach(function (n) {
    var a = n.attrs;
    if (!isEntity(a)) return;
    [a[S.label]].concat(a[S.aliases] || []).forEach(function (name) {
      if (!name) return;
      var k = normalize(name);
      if (!keyIndex.has(k)) keyIndex.set(k, []);
      if (keyIndex.get(k).indexOf(n.id) < 0) keyIndex.get(k).push(n.id);
      searchNames.push([String(name), a[S.label] === name ? a[S.type] : "alias of " + a[S.label]]);
    });
  });
  function findIds(query) {
    var k = normalize(query);
    if (!k) return [];
    if (keyIndex.has(k)) return keyIndex.get(k).slice();
    var found = [];
    keyIndex.forEach(function (ids, key) { if (key.indexOf(k) >= 0) ids.forEach(function (id) { if (found.indexOf(id) < 0) found.push(id); }); });
    return found.sort().slice(0, 200);
  }
  function fillDatalist() {
    var dl = byId("kg-names"), seen = new Set(), frag = document.createDocumentFragment();
    searchNames.sort(function (x, y) { return x[0].localeCompare(y[0]); }).forEach(function (pair) {
      if (seen.has(pair[0])) return;
      seen.add(pair[0]);
      var o = document.createElement("option");
      o.value = pair[0]; o.label = pair[1] || "";
      frag.appendChild(o);
    });
    dl.appendChild(frag);
  }
  function search(query) {
    var ids = findIds(query), status = byId("kg-search-status");
    if (!ids.length) { status.textContent = "No entity named \u201c" + query + "\u201d."; return []; }
    var hidden = ids.filter(function (id) { return !nodeVisible(id); }).length;
    status.textContent = ids.length + " match" + (ids.length > 1 ? "es" : "") + (hidden ? " (" + hidden + " hidden by filters)" : "");
    selectIds(ids, true);
    return ids;
  }
  var searchBox = byId("kg-search");
  searchBox.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); search(searchBox.value); } });
  // datalist picks fire "input" with the full name: select right away.
  searchBox.addEventListener("input", function (ev) {
    if (ev.inputType === "insertReplacementText" || ev.inputType === undefined) { if (keyIndex.has(normalize(searchBox.value))) search(searchBox.value); }
  });
  setTimeout(fillDatalist, 0);

  // ---- take away -----------------------------------------------------------------------
  function download(name, href) {
    var a = document.createElement("a");
    a.download = name; a.href = href;
    document.body.appendChild(a); a.click(); a.remove();
  }
  function pngDataUrl() { return network.canvas.frame.canvas.toDataURL("image/png"); }
  function visibleSubgraph() {
    var keep = new Set();
    var nodesOut = DATA.nodes.filter(function (n) { return nodeVisible(n.id); }).map(function (n) {
      keep.add(n.id);
      return Object.assign({ id: n.id }, n.attrs);
    });
    var edgesOut = DATA.edges.filter(function (e) {
      return keep.has(e.source) && keep.has(e.target) && edgeVisible(e);
    }).map(function (e) { return Object.assign({ source: e.source, target: e.target, key: e.key }, e.attrs); });
    return { directed: true, multigraph: true, graph: DATA.graph, nodes: nodesOut, edges: edgesOut };
  }
  byId("kg-export-png").addEventListener("click", function () { download("kg-view.png", pngDataUrl()); });
  byId("kg-export-json").addEventListener("click", function () {
    var blob = new Blob([JSON.stringify(visibleSubgraph(), null, 1)], { type: "application/json" });
    var url = URL.createObjectURL(blob);
    download("kg-view.json", url);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
  byId("kg-fit").addEventListener("click", function () { network.fit({ animation: false }); });

  window.kgView = { search: search, findIds: findIds, selectIds: selectIds, visibleSubgraph: visibleSubgraph,
                    pngDataUrl: pngDataUrl, state: state, applyFilters: applyFilters, nodeVisible: nodeVisible };
})();
