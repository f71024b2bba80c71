// The map: Syria's governorates and districts from the shipped boundaries, events as
// markers coloured by kind, clustered when dense. Tiles only when the server sets a URL.
/* global L */
import { h, kindClass } from "./dom.js";
import { getJSON } from "./api.js";

const SYRIA = [[32.3, 35.6], [37.35, 42.4]];

export class EventMap {
  constructor(el, config, onSelect) {
    this.onSelect = onSelect;
    this.markers = new Map();
    this.selected = null;
    this.map = L.map(el, {
      attributionControl: false, // credits are written as text below the map
      zoomSnap: 0.25,
      minZoom: 4,
      maxZoom: 15,
      worldCopyJump: false,
      preferCanvas: false,
    });
    this.map.fitBounds(SYRIA);
    // data-moving marks the map while it pans or zooms: a click then can land on the ground
    // instead of the marker that was under the pointer (the page tests wait for it to clear)
    const container = this.map.getContainer();
    this.map.on("movestart zoomstart", () => {
      container.dataset.moving = "true";
    });
    this.map.on("moveend zoomend", () => {
      delete container.dataset.moving;
    });
    if (config.tile_url) {
      L.tileLayer(config.tile_url, { maxZoom: 18, crossOrigin: false }).addTo(this.map);
    }
    this.map.createPane("admin");
    this.map.getPane("admin").style.zIndex = 350;
    this.cluster = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 36,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: (cluster) => {
        const n = cluster.getChildCount();
        const size = n < 10 ? "s" : n < 100 ? "m" : "l";
        const span = h("span", { text: n < 1000 ? n : `${Math.round(n / 1000)}k` });
        return L.divIcon({
          html: h("div", {}, span),
          className: `ev-cluster ev-cluster-${size}`,
          iconSize: L.point(size === "s" ? 30 : size === "m" ? 36 : 44, size === "s" ? 30 : size === "m" ? 36 : 44),
        });
      },
    });
    this.map.addLayer(this.cluster);
  }

  async loadBoundaries(labelOf) {
    const [adm1, adm2] = await Promise.all([
      getJSON("/api/boundaries/admin1"),
      getJSON("/api/boundaries/admin2"),
    ]);
    this.admin2 = L.geoJSON(adm2, {
      pane: "admin",
      interactive: false,
      style: { className: "admin2", weight: 0.6, fill: false },
    }).addTo(this.map);
    this.admin1 = L.geoJSON(adm1, {
      pane: "admin",
      style: { className: "admin1", weight: 1.2, fillOpacity: 1 },
      onEachFeature: (feature, layer) => {
        const label = h("span", { class: "gov-label" });
        layer.bindTooltip(label, { sticky: true, direction: "top", opacity: 0.9 });
        layer.on("tooltipopen", () => {
          label.textContent = labelOf(feature.properties);
        });
      },
    }).addTo(this.map);
    this.map.fitBounds(this.admin1.getBounds(), { padding: [8, 8] });
    this.map.setMaxBounds(this.admin1.getBounds().pad(1.5));
  }

  /** points: [[id, lat, lon, kind, date], ...] */
  setPoints(points, titleOf) {
    this.cluster.clearLayers();
    this.markers.clear();
    const layers = [];
    for (const [id, lat, lon, kind] of points) {
      if (typeof lat !== "number" || typeof lon !== "number") continue;
      const marker = L.marker([lat, lon], {
        icon: L.divIcon({ className: `ev-marker ${kindClass(kind)}`, iconSize: [14, 14] }),
        keyboard: true,
        riseOnHover: true,
      });
      marker.on("add", () => {
        const el = marker.getElement();
        if (!el) return;
        el.dataset.eventId = id;
        el.dataset.kind = kind;
        el.setAttribute("role", "button");
        el.setAttribute("aria-label", titleOf(kind));
        el.title = titleOf(kind);
        if (id === this.selected) el.classList.add("selected");
      });
      marker.on("click", () => this.onSelect(id));
      this.markers.set(id, marker);
      layers.push(marker);
    }
    this.cluster.addLayers(layers);
  }

  highlight(id) {
    const old = this.markers.get(this.selected);
    if (old && old.getElement()) old.getElement().classList.remove("selected");
    this.selected = id;
    const marker = this.markers.get(id);
    if (!marker) return;
    const el = marker.getElement();
    if (el) el.classList.add("selected");
  }

  /** Bring an event's marker into view (opening its cluster). */
  reveal(id) {
    const marker = this.markers.get(id);
    if (marker) this.cluster.zoomToShowLayer(marker, () => this.highlight(id));
  }

  invalidate() {
    this.map.invalidateSize();
  }
}
