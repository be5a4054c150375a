/// The `/map` page: one HTML document whose script reads the server's own OGC API (wards, units, due, search) and
/// the three map endpoints (grid counts, ward shares, plan). Leaflet comes from /map/leaflet/, never a CDN.
enum MapPage {
    /// `config` is the JSON the script starts from (tiles, attribution, today, maxFeatures, extent).
    static func html(config: String) -> String {
        template.replacingOccurrences(of: "__CONFIG__", with: config.replacingOccurrences(of: "</", with: "<\\/"))
    }

    static let template = #"""
    <!DOCTYPE html>
    <html lang="vi"><head><meta charset="utf-8"><title>EconGIS map</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="/map/leaflet/leaflet.css">
    <link rel="stylesheet" href="/map/leaflet/MarkerCluster.css">
    <link rel="stylesheet" href="/map/leaflet/MarkerCluster.Default.css">
    <style>
    html,body{margin:0;height:100%;font-family:sans-serif;font-size:13px}
    #side{position:absolute;top:0;left:0;bottom:0;width:300px;overflow:auto;padding:8px;box-sizing:border-box;background:#fafafa;border-right:1px solid #ccc}
    #map{position:absolute;top:0;left:300px;right:0;bottom:0;background:#e8eef2}
    fieldset{margin:0 0 8px 0;padding:4px 6px;border:1px solid #ccc}
    legend{font-weight:bold}
    label{display:block;margin:2px 0}
    input,select,button{font-size:13px}
    .ward-label{background:transparent;border:none;box-shadow:none;font-weight:bold;color:#333;text-shadow:0 0 3px #fff}
    .grid-count{background:rgba(31,119,180,.8);color:#fff;border-radius:50%;text-align:center;font-weight:bold;border:2px solid #fff}
    .stop-number{background:#fff;border:2px solid #333;border-radius:50%;text-align:center;font-weight:bold;font-size:11px;line-height:18px}
    #results div{cursor:pointer;padding:2px;border-bottom:1px solid #eee}
    #results div:hover{background:#eef}
    #sheet-panel{display:none;position:absolute;top:0;right:0;bottom:0;width:460px;overflow:auto;padding:8px;box-sizing:border-box;background:#fff;border-left:1px solid #ccc;z-index:1000}
    #sheet table{border-collapse:collapse;width:100%;font-size:11px}
    #sheet td,#sheet th{border:1px solid #ccc;padding:1px 3px;vertical-align:top}
    .legend span{display:inline-block;width:10px;height:10px;margin-right:4px;border:1px solid #666}
    #status{color:#555;font-size:11px}
    .ward-periods{margin:2px 0;padding-left:16px}
    @media print{#map,#side{display:none} #sheet-panel{position:static;width:auto;border:none;overflow:visible} #sheet table{font-size:10pt}}
    </style></head><body>
    <div id="side">
      <fieldset><legend>Date</legend>
        <input type="date" id="date"> <span id="ward-count"></span>
        <label>Colour wards by <select id="shade"><option value="units">units</option><option value="overdue">share of instruments expired</option></select></label>
        <div id="shade-legend" class="legend"></div>
      </fieldset>
      <fieldset><legend>Layers</legend>
        <label><input type="checkbox" id="show-units" checked> units (by kind)</label>
        <div id="kind-legend" class="legend"></div>
        <label><input type="checkbox" id="show-due" checked> due verification (expired / due within 30 days / unknown)</label>
        <div class="legend"><span style="background:#d62728"></span>expired <span style="background:#ff9f1c"></span>due ≤ 30 days <span style="background:#999"></span>unknown</div>
      </fieldset>
      <fieldset><legend>Search</legend>
        <form id="search-form"><input id="search" placeholder="name, address, code (no accents needed)" size="24"> <button>Find</button></form>
        <div id="results"></div>
      </fieldset>
      <fieldset id="plan-box"><legend>Day plan</legend>
        <form id="plan-form">
          <label>Ward <select id="plan-ward"></select></label>
          <label>Day <input type="date" id="plan-date"></label>
          <label>Teams <input type="number" id="plan-teams" min="1" max="20" value="2" style="width:4em"></label>
          <label>Optimiser rounds <input type="number" id="plan-rounds" min="1" max="100000" value="2000" style="width:6em"></label>
          <button id="plan-run">Plan</button> <button type="button" id="plan-print">Print day sheet</button>
        </form>
      </fieldset>
      <div id="status"></div>
    </div>
    <div id="map"></div>
    <div id="sheet-panel"><div id="sheet"></div></div>
    <script src="/map/leaflet/leaflet.js"></script>
    <script src="/map/leaflet/leaflet.markercluster.js"></script>
    <script>
    "use strict";
    const config = __CONFIG__;
    const kindColours = {enterprise:"#1f77b4", branch:"#17becf", household_business:"#2ca02c", cooperative:"#9467bd", market:"#d62728", market_stall:"#ff7f0e"};
    const stateColours = {expired:"#d62728", due:"#ff9f1c", unknown:"#999"};
    const teamColours = ["#e41a1c","#377eb8","#4daf4a","#984ea3","#ff7f00","#a65628","#f781bf","#555"];
    const $ = id => document.getElementById(id);
    const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"}[c]));
    const state = {wards: 0, wardNames: [], unitsShown: 0, gridCells: 0, plan: null, requests: 0, popups: 0, busy: 0};
    window.econgis = {state};

    const map = L.map("map", {zoomControl: true, preferCanvas: false, maxZoom: 21});
    window.econgis.map = map;
    if (config.tiles) L.tileLayer(config.tiles, {maxZoom: 19, attribution: esc(config.attribution)}).addTo(map);
    map.attributionControl.setPrefix(false);
    if (config.extent) map.fitBounds([[config.extent[1], config.extent[0]], [config.extent[3], config.extent[2]]]);
    else map.setView([10.765, 106.648], 15);
    map.createPane("wards").style.zIndex = 350;
    map.createPane("due").style.zIndex = 390;  // under the units (overlay pane, 400): a unit's click is the unit's

    // Every request the page makes, with its time and how many features or cells came back (scripts/bench/map reads it).
    state.log = [];
    async function getJSON(url) {
      state.requests++; state.busy++;
      const t0 = performance.now();
      try {
        const r = await fetch(url, {headers: {Accept: "application/json"}});
        const body = await r.json();
        if (!r.ok) throw new Error(body.description || r.statusText);
        const n = body.features ? body.features.length : body.cells ? body.cells.length : body.wards ? body.wards.length : 0;
        state.log.push({url, ms: performance.now() - t0, features: n});
        if (state.log.length > 10000) state.log.shift();
        return body;
      } finally { state.busy--; }
    }
    function status(text) { $("status").textContent = text; }
    function day() { return $("date").value || config.today; }
    function viewBox() {
      const b = map.getBounds();
      const c = v => Math.max(-180, Math.min(180, v));
      return [c(b.getWest()), Math.max(-90, b.getSouth()), c(b.getEast()), Math.min(90, b.getNorth())].map(v => v.toFixed(6)).join(",");
    }

    // Wards of the date, labelled, shaded by units or by the share of instruments expired.
    let wardLayer = null;
    async function loadWards() {
      const d = day();
      const wards = await getJSON(`/collections/wards/items?f=json&limit=1000&datetime=${d}`);
      if (d !== day()) return;
      // The wards are drawn at once; their shading follows when the counts arrive (on a million units they take a while).
      let byCode = {};
      const metric = $("shade").value;
      const value = w => w ? (metric === "units" ? w.units : w.overdue_share) : 0;
      let max = 1e-9;
      const fill = v => { const t = v / max; return `rgb(${Math.round(255 - 120 * t)},${Math.round(245 - 160 * t)},${Math.round(235 - 200 * t)})`; };
      const style = f => ({className: "ward", color: "#555", weight: 1.5, fillOpacity: 0.55, fillColor: fill(value(byCode[f.properties.code]))});
      if (wardLayer) wardLayer.remove();
      wardLayer = L.geoJSON(wards, {pane: "wards", style,
        onEachFeature: (f, layer) => {
          layer.bindTooltip(esc(f.properties.name), {permanent: true, direction: "center", className: "ward-label"});
          layer.bindPopup(() => { const s = byCode[f.properties.code] || {};
            return `<b>${esc(f.properties.name)}</b> (${esc(f.properties.code)})<br>${s.units ?? "…"} units on ${d}<br>`
              + `instruments: ${s.instruments ?? 0}, expired ${s.expired ?? 0} (${Math.round((s.overdue_share ?? 0) * 100)} %), due ${s.due ?? 0}, unknown ${s.unknown ?? 0}`; });
        }}).addTo(map);
      wardLayer.bringToBack();
      state.wards = wards.features.length; state.wardsDate = d;
      state.wardNames = wards.features.map(f => f.properties.name);
      $("ward-count").textContent = `${state.wards} wards`;
      const sel = $("plan-ward"), keep = sel.value;
      sel.innerHTML = wards.features.map(f => `<option value="${esc(f.properties.code)}">${esc(f.properties.name)}</option>`).join("");
      if ([...sel.options].some(o => o.value === keep)) sel.value = keep;
      const shares = await getJSON(`/map/ward-shares?datetime=${d}`);
      if (d !== day() || metric !== $("shade").value) return;
      byCode = Object.fromEntries(shares.wards.map(w => [w.code, w]));
      max = Math.max(1e-9, ...shares.wards.map(value));
      wardLayer.setStyle(style);
      $("shade-legend").innerHTML = `<span style="background:${fill(0)}"></span>0 <span style="background:${fill(max)}"></span>`
        + (metric === "units" ? `${max} units` : `${Math.round(max * 100)} % expired`);
    }

    // Units: counts per grid cell while the view holds more than config.maxFeatures, else the units themselves.
    const clusters = L.markerClusterGroup({disableClusteringAtZoom: 18, chunkedLoading: true, showCoverageOnHover: false});
    const gridLayer = L.layerGroup();
    let loaded = null, unitSeq = 0;
    const markers = new Map();
    window.econgis.marker = code => markers.get(code);
    function inside(outer, inner) {
      const o = outer.split(",").map(Number), i = inner.split(",").map(Number);
      return o[0] <= i[0] && o[1] <= i[1] && o[2] >= i[2] && o[3] >= i[3];
    }
    async function loadUnits() {
      const seq = ++unitSeq, d = day(), bbox = viewBox();
      if (!$("show-units").checked) { clusters.remove(); gridLayer.remove(); loaded = null; state.gridCells = 0; return; }
      if (loaded && loaded.date === d && inside(loaded.bbox, bbox)) return;
      const size = map.getSize();
      const cells = `${Math.min(256, Math.ceil(size.x / 80))}x${Math.min(256, Math.ceil(size.y / 80))}`;
      const grid = await getJSON(`/map/grid?bbox=${bbox}&cells=${cells}&datetime=${d}`);
      if (seq !== unitSeq) return;
      if (grid.total > config.maxFeatures) {
        clusters.remove(); clusters.clearLayers(); markers.clear(); gridLayer.clearLayers(); loaded = null;
        for (const [lon, lat, n] of grid.cells) {
          const r = Math.round(14 + 6 * Math.log10(n));
          L.marker([lat, lon], {icon: L.divIcon({className: "grid-count", html: `${n}`, iconSize: [2 * r, 2 * r]})})
            .on("click", e => map.setView(e.latlng, map.getZoom() + 2)).addTo(gridLayer);
        }
        gridLayer.addTo(map);
        state.gridCells = grid.cells.length; state.unitsShown = 0;
        status(`${grid.total} units in view, counted in ${grid.cells.length} cells; zoom in to see them`);
        return;
      }
      const units = await getJSON(`/collections/units/items?f=json&bbox=${bbox}&datetime=${d}&limit=${config.maxFeatures}&properties=code,name,kind,address`);
      if (seq !== unitSeq) return;
      gridLayer.remove(); gridLayer.clearLayers(); clusters.clearLayers(); markers.clear();
      const list = [];
      for (const f of units.features) {
        if (!f.geometry) continue;
        const [lon, lat] = f.geometry.coordinates, p = f.properties;
        const m = L.circleMarker([lat, lon], {radius: 6, weight: 1, color: "#fff", fillOpacity: 0.9, fillColor: kindColours[p.kind] || "#333",
                                             className: `unit kind-${p.kind}`});
        m.on("click", () => openUnitPopup(f.id, p.code, m.getLatLng()));
        m.options.code = p.code;
        markers.set(p.code, m);
        list.push(m);
      }
      clusters.addLayers(list);
      clusters.addTo(map);
      loaded = {date: d, bbox};
      state.unitsShown = list.length; state.gridCells = 0;
      status(`${list.length} units in view on ${d}`);
    }

    // A unit's popup stands on the map, not on the unit's marker: the markers are replaced when the view loads
    // again (the popup's own auto-pan can cause that), and the popup the officer is reading must stay.
    function openUnitPopup(id, code, at) {
      fillPopup(L.popup({maxWidth: 380}).setLatLng(at).setContent("…").openOn(map), id, code);
    }

    // A unit's popup: name, code, address, its ward in each period of wards (the old-to-new crosswalk, the map's
    // date marked), instruments and their state, last inspections and open follow-ups.
    async function fillPopup(popup, id, code) {
      const d = day(), c = encodeURIComponent(code);
      const [then, wards, instruments, inspections] = await Promise.all([
        getJSON(`/collections/units/items/${id}?f=json&datetime=${d}`), getJSON(`/map/unit-wards?id=${id}`),
        getJSON(`/collections/instruments/items?f=json&unit_code=${c}&datetime=${d}&limit=200`),
        getJSON(`/collections/inspections/items?f=json&unit_code=${c}&datetime=${d}&sortby=-inspected_on&limit=5`)]);
      const p = then.properties;
      const within = (w, day) => w.from <= day && (w.to === null || day <= w.to);
      const periods = wards.periods.map(w => {
        const marked = within(w, d);
        return `<li class="ward-period${marked ? " map-date" : ""}" data-code="${esc(w.code ?? "")}" data-from="${esc(w.from)}">`
          + `${marked ? "<b>" : ""}${esc(w.name ?? "no ward")}${w.code ? ` (${esc(w.code)})` : ""}${marked ? "</b>" : ""}`
          + ` · ${esc(w.from)} – ${esc(w.to ?? "")}${within(w, config.today) ? " (today)" : ""}${marked ? ` ◀ map's date ${esc(d)}` : ""}</li>`; }).join("");
      const rows = instruments.features.map(f => { const i = f.properties;
        return `<tr class="instrument"><td>${esc(i.type_name || i.instrument_type)}</td><td>${esc(i.serial_no)}</td>`
          + `<td style="color:${stateColours[i.state] || "#2a2"}">${esc(i.state || "valid")}</td><td>${esc(i.next_verification_on ?? "")}</td></tr>`; }).join("");
      const open = inspections.features.reduce((s, f) => s + (f.properties.open_follow_ups || 0), 0);
      const insp = inspections.features.map(f => { const i = f.properties;
        return `<li>${esc(i.inspected_on)} ${esc(i.scope ?? "")}: ${esc(i.outcome ?? "open")}${i.violations ? `, ${i.violations} violation(s) ${esc(i.violation_codes ?? "")}` : ""}</li>`; }).join("");
      popup.setContent(`<div class="unit-popup"><b class="unit-name">${esc(p.name)}</b><br><code>${esc(p.code)}</code> · ${esc(p.kind)} · ${esc(p.status)}<br>`
        + `${esc(p.address ?? "")}<div><b>Ward then and now</b><ul class="ward-periods">${periods}</ul></div>`
        + `<div><b>Instruments</b> (${instruments.features.length})${rows ? `<table class="instruments"><tr><th>type</th><th>serial</th><th>state</th><th>due</th></tr>${rows}</table>` : ": none"}</div>`
        + `<div><b>Last inspections</b>${insp ? `<ul>${insp}</ul>` : ": none"}</div><div><b>Open follow-ups</b>: ${open}</div></div>`);
      state.popups++;
    }

    // The due list in view: expired, due within 30 days, unknown.
    const dueLayer = L.layerGroup();
    let dueSeq = 0;
    async function loadDue() {
      const seq = ++dueSeq;
      if (!$("show-due").checked || state.gridCells > 0) { dueLayer.remove(); dueLayer.clearLayers(); return; }
      const due = await getJSON(`/collections/due/items?f=json&bbox=${viewBox()}&datetime=${day()}&limit=${config.maxFeatures}&properties=unit_code,unit_name,type_name,serial_no,state,next_verification_on`);
      if (seq !== dueSeq) return;
      dueLayer.clearLayers();
      for (const f of due.features) {
        if (!f.geometry) continue;
        const [lon, lat] = f.geometry.coordinates, p = f.properties;
        L.circleMarker([lat, lon], {pane: "due", radius: 10, weight: 3, color: stateColours[p.state], fill: false, className: `due due-${p.state}`})
          .bindTooltip(`${esc(p.unit_name)}: ${esc(p.type_name)} ${esc(p.serial_no)}, ${esc(p.state)} ${esc(p.next_verification_on ?? "")}`)
          .addTo(dueLayer);
      }
      dueLayer.addTo(map);
    }

    // The day plan: the planner runs on the server; each team's route is drawn with numbered stops and listed.
    const planLayer = L.layerGroup().addTo(map);
    async function runPlan(ev) {
      ev.preventDefault();
      const ward = $("plan-ward").value, d = $("plan-date").value || config.today, teams = $("plan-teams").value, rounds = $("plan-rounds").value;
      $("sheet").textContent = "planning…";
      $("sheet-panel").style.display = "block"; $("map").style.right = "460px"; map.invalidateSize();
      const plan = await getJSON(`/map/plan?ward=${encodeURIComponent(ward)}&date=${d}&teams=${teams}&rounds=${rounds}`);
      planLayer.clearLayers();
      let html = `<h3>${esc(plan.ward.name)}, ${esc(plan.date)}: ${plan.plan.routes.length} team(s)</h3>`;
      const bounds = [];
      for (const r of plan.plan.routes) {
        const colour = teamColours[(r.team - 1) % teamColours.length];
        const line = [[plan.start[1], plan.start[0]], ...r.stops.filter(s => s.lat != null).map(s => [s.lat, s.lon]), [plan.start[1], plan.start[0]]];
        L.polyline(line, {color: colour, weight: 4, opacity: 0.8, className: `route route-team-${r.team}`}).addTo(planLayer);
        bounds.push(...line);
        for (const s of r.stops) {
          if (s.lat == null) continue;
          L.marker([s.lat, s.lon], {icon: L.divIcon({className: `stop-number stop-team-${r.team}`, html: `${s.seq}`, iconSize: [20, 20]}),
                                    title: `${s.id}`}).bindTooltip(`${s.seq}. ${esc(s.name)} ${s.arrival}`).addTo(planLayer);
        }
        html += `<h4 style="color:${colour}">Team ${r.team}: ${r.stops.length} visits, ${(r.distance_m / 1000).toFixed(1)} km, ${r.leave}–${r.return}</h4>`
          + `<table class="sheet-team" data-team="${r.team}"><tr><th>#</th><th>time</th><th>code</th><th>name, address</th><th>why</th></tr>`
          + r.stops.map(s => `<tr><td>${s.seq}</td><td>${s.arrival}–${s.departure}</td><td class="stop-code">${esc(s.id)}</td>`
            + `<td>${esc(s.name)}<br>${esc(s.address ?? "")}</td><td>${esc(s.why)}</td></tr>`).join("") + `</table>`;
      }
      const left = plan.plan.unassigned.length + (plan.not_considered || 0);
      if (left) html += `<p>${left} left for another day.</p>`;
      $("sheet").innerHTML = html;
      if (bounds.length) map.fitBounds(bounds, {padding: [20, 20]});
      state.plan = plan;
    }

    // Search: the server's q (accents and case ignored); a result flies to the unit and opens its popup.
    async function search(ev) {
      ev.preventDefault();
      const q = $("search").value.trim();
      if (!q) return;
      const found = await getJSON(`/collections/units/items?f=json&q=${encodeURIComponent(q)}&datetime=${day()}&limit=10`);
      $("results").innerHTML = found.features.length ? "" : "nothing found";
      found.features.forEach((f, k) => {
        const row = document.createElement("div");
        row.className = "result";
        row.innerHTML = `<b>${esc(f.properties.name)}</b> <code>${esc(f.properties.code)}</code><br>${esc(f.properties.address ?? "")}`;
        row.onclick = () => flyTo(f);
        $("results").appendChild(row);
        if (k === 0) flyTo(f);
      });
    }
    function flyTo(f) {
      if (!f.geometry) return;
      const c = f.geometry.type === "Point" ? f.geometry.coordinates : L.geoJSON(f).getBounds().getCenter();
      const at = Array.isArray(c) ? L.latLng(c[1], c[0]) : c;
      map.flyTo(at, 18, {duration: 0.8});
      openUnitPopup(f.id, f.properties.code, at);
    }

    let moveTimer = null, moveSeq = 0;
    function refreshView() {
      clearTimeout(moveTimer);
      state.moving = true;
      const seq = ++moveSeq;
      moveTimer = setTimeout(() => {
        // The due layer follows the units: at city scale (grid counts) it waits until the view is close enough.
        // Only the latest move settles the view: an earlier one finishing must not say so while a later one waits.
        loadUnits().catch(fail).then(() => loadDue().catch(fail)).then(() => { if (seq === moveSeq) state.moving = false; });
      }, 150);
    }
    function fail(e) { status("error: " + e.message); }
    $("kind-legend").innerHTML = Object.entries(kindColours).map(([k, c]) => `<span style="background:${c}"></span>${k.replace("_", " ")}`).join(" ");
    $("date").value = config.today; $("plan-date").value = config.today;
    // A popup shows one date: a new date closes it.
    $("date").addEventListener("change", () => { loaded = null; map.closePopup(); loadWards().catch(fail); refreshView(); });
    $("shade").addEventListener("change", () => loadWards().catch(fail));
    $("show-units").addEventListener("change", refreshView);
    $("show-due").addEventListener("change", refreshView);
    $("search-form").addEventListener("submit", e => search(e).catch(fail));
    $("plan-form").addEventListener("submit", e => runPlan(e).catch(fail));
    $("plan-print").addEventListener("click", () => window.print());
    // The view is moving from the first frame of a pan (a popup's auto-pan too), not only once it has stopped.
    map.on("movestart", () => { state.moving = true; });
    map.on("moveend", refreshView);
    loadWards().catch(fail);
    refreshView();
    </script></body></html>
    """#
}
