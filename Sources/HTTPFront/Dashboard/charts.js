/* Beacon dashboard: SVG chart primitives (line chart, sparkline), no dependencies.
 * Exposed as window.BeaconCharts. Every chart draws into an existing <svg> with a viewBox,
 * so it scales with its container; hover details are <title> elements. */
(function (window) {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2",
                   "#db2777", "#65a30d", "#ea580c", "#4f46e5", "#0d9488", "#9ca3af"];
  const numberFormat = new Intl.NumberFormat("en-US");

  function formatNumber(value) {
    if (value === null || value === undefined || Number.isNaN(value)) return "—";
    return numberFormat.format(value);
  }

  function color(index) {
    return PALETTE[index % PALETTE.length];
  }

  /** Creates an SVG element with attributes, appended to parent when given. */
  function el(tag, attrs, parent) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== undefined && value !== null) node.setAttribute(name, String(value));
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  function addTitle(node, text) {
    el("title", {}, node).textContent = text;
    return node;
  }

  function clear(svg) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
  }

  /** The size the drawing uses, from the viewBox (the svg scales it to the page). */
  function viewSize(svg, fallbackWidth, fallbackHeight) {
    const box = svg.viewBox && svg.viewBox.baseVal;
    if (box && box.width > 0 && box.height > 0) return { width: box.width, height: box.height };
    return { width: fallbackWidth, height: fallbackHeight };
  }

  /** A centred message in place of a chart (no data, or an error). */
  function message(svg, text) {
    clear(svg);
    const size = viewSize(svg, 300, 100);
    el("text", { x: size.width / 2, y: size.height / 2, "text-anchor": "middle", class: "chart-message" }, svg).textContent = text;
  }

  /** Round axis bounds and steps (1, 2 or 5 times a power of ten) covering 0..max. */
  function niceScale(maxValue, tickCount) {
    const max = maxValue > 0 ? maxValue : 1;
    const rough = max / Math.max(1, tickCount);
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const fraction = rough / power;
    const unit = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    const step = Math.max(1, unit * power);
    const top = Math.ceil(max / step) * step;
    const ticks = [];
    for (let value = 0; value <= top + step / 2; value += step) ticks.push(value);
    return { max: top, step, ticks };
  }

  /** Indices of at most `count` evenly spaced labels, first and last included. */
  function labelIndices(length, count) {
    if (length <= count) return Array.from({ length }, (_, i) => i);
    const indices = [];
    const stride = (length - 1) / (count - 1);
    for (let k = 0; k < count; k++) indices.push(Math.round(k * stride));
    return indices;
  }

  /** An SVG path through the points, broken where a value is missing (null). */
  function linePath(values, xAt, yAt) {
    let path = "";
    let penDown = false;
    values.forEach((value, i) => {
      if (value === null || value === undefined) { penDown = false; return; }
      path += (penDown ? "L" : "M") + xAt(i).toFixed(1) + " " + yAt(value).toFixed(1);
      penDown = true;
    });
    return path;
  }

  function drawYAxis(svg, frame, scale, formatY) {
    const group = el("g", { class: "axis axis-y" }, svg);
    for (const tick of scale.ticks) {
      const y = frame.yAt(tick);
      el("line", { x1: frame.left, x2: frame.right, y1: y, y2: y, class: "grid-line" }, group);
      el("text", { x: frame.left - 6, y: y + 4, "text-anchor": "end", class: "tick-label" }, group).textContent = formatY(tick);
    }
  }

  function drawXAxis(svg, frame, labels, formatX) {
    const group = el("g", { class: "axis axis-x" }, svg);
    el("line", { x1: frame.left, x2: frame.right, y1: frame.bottom, y2: frame.bottom, class: "axis-line" }, group);
    const indices = labelIndices(labels.length, 6);
    indices.forEach((i, k) => {
      const anchor = indices.length > 1 && k === 0 ? "start" : k === indices.length - 1 && indices.length > 1 ? "end" : "middle";
      el("text", { x: frame.xAt(i), y: frame.bottom + 18, "text-anchor": anchor, class: "tick-label" }, group).textContent = formatX(labels[i]);
    });
  }

  /** Invisible columns, one per x position, whose titles list every series' value there. */
  function drawHoverColumns(svg, frame, labels, series, formatX, formatY) {
    const group = el("g", { class: "hover-columns" }, svg);
    const width = labels.length > 1 ? (frame.right - frame.left) / (labels.length - 1) : frame.right - frame.left;
    labels.forEach((label, i) => {
      const lines = [formatX(label, true)];
      for (const line of series) lines.push(line.name + ": " + formatY(line.values[i]));
      const column = el("rect", {
        x: Math.max(frame.left, frame.xAt(i) - width / 2), y: frame.top,
        width: Math.max(1, width), height: frame.bottom - frame.top, class: "hover-column",
      }, group);
      addTitle(column, lines.join("\n"));
    });
  }

  /**
   * A multi-line chart. options: labels (x values, e.g. dates), series [{name, values, color}],
   * formatX(label, long), formatY(value).
   */
  function lineChart(svg, options) {
    clear(svg);
    const labels = options.labels || [];
    const series = options.series || [];
    const formatX = options.formatX || String;
    const formatY = options.formatY || formatNumber;
    if (labels.length === 0 || series.length === 0) { message(svg, options.emptyText || "No data in this range"); return; }

    const size = viewSize(svg, 760, 260);
    const frame = { left: 58, right: size.width - 14, top: 10, bottom: size.height - 28 };
    let maxValue = 0;
    for (const line of series) for (const value of line.values) if (value > maxValue) maxValue = value;
    const scale = niceScale(maxValue, 4);
    const span = Math.max(1, labels.length - 1);
    frame.xAt = labels.length === 1 ? () => (frame.left + frame.right) / 2 : (i) => frame.left + (i / span) * (frame.right - frame.left);
    frame.yAt = (value) => frame.bottom - (value / scale.max) * (frame.bottom - frame.top);

    drawYAxis(svg, frame, scale, formatY);
    drawXAxis(svg, frame, labels, formatX);
    series.forEach((line, index) => {
      const stroke = line.color || color(index);
      const path = el("path", { d: linePath(line.values, frame.xAt, frame.yAt), class: "chart-line", stroke, "data-series": line.name }, svg);
      addTitle(path, line.name);
      if (labels.length <= 31) drawDots(svg, frame, line, stroke);
    });
    drawHoverColumns(svg, frame, labels, series, formatX, formatY);
  }

  function drawDots(svg, frame, line, fill) {
    const group = el("g", { class: "chart-dots", fill }, svg);
    line.values.forEach((value, i) => {
      if (value === null || value === undefined) return;
      el("circle", { cx: frame.xAt(i), cy: frame.yAt(value), r: 2.2 }, group);
    });
  }

  /**
   * A sparkline (area and line) of values, scaled to the svg's viewBox, with a hover title per
   * point (titles[i]) and a dot on the latest value.
   */
  function sparkline(svg, values, titles) {
    clear(svg);
    if (!values || values.length === 0) { message(svg, "No activity yet"); return; }
    const size = viewSize(svg, 300, 64);
    const pad = 3;
    const max = Math.max(1, ...values);
    const step = values.length > 1 ? (size.width - 2 * pad) / (values.length - 1) : 0;
    const xAt = (i) => values.length > 1 ? pad + i * step : size.width / 2;
    const yAt = (v) => size.height - pad - (v / max) * (size.height - 2 * pad);

    const line = linePath(values, xAt, yAt);
    const area = line + "L" + xAt(values.length - 1).toFixed(1) + " " + (size.height - pad) + "L" + xAt(0).toFixed(1) + " " + (size.height - pad) + "Z";
    el("path", { d: area, class: "sparkline-area" }, svg);
    el("path", { d: line, class: "sparkline-line", "vector-effect": "non-scaling-stroke" }, svg);
    const last = values.length - 1;
    el("circle", { cx: xAt(last), cy: yAt(values[last]), r: 2.5, class: "sparkline-dot" }, svg);

    const width = values.length > 1 ? step : size.width;
    values.forEach((value, i) => {
      const column = el("rect", { x: Math.max(0, xAt(i) - width / 2), y: 0, width, height: size.height, class: "hover-column" }, svg);
      addTitle(column, titles && titles[i] ? titles[i] : formatNumber(value));
    });
  }

  window.BeaconCharts = { lineChart, sparkline, message, clear, color, formatNumber, niceScale };
})(window);
