/*
 * The page script of the run report and the compare page: draws every chart spec of the page's
 * embedded JSON with uPlot (inlined beside it), shades the fault windows on the time charts, and
 * records on each chart box how many points it drew (data-points), which the browser test reads.
 * Plain browser JavaScript, inlined as it is: the page loads nothing else.
 */
/* global uPlot, document, window, console */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var marks = data.marks || [];
  // One time axis for the whole page: every time chart spans the union of their ranges.
  var tMin = Infinity;
  var tMax = -Infinity;
  data.charts.forEach(function (spec) {
    if (spec.xTime === false || spec.x.length === 0) return;
    tMin = Math.min(tMin, spec.x[0]);
    tMax = Math.max(tMax, spec.x[spec.x.length - 1]);
  });
  // Whole seconds at the least: the data is per second, and sub-second ticks only crowd the axis.
  var TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];

  /** Shades each mark (epoch ms) behind the series, with its label at the top. */
  function marksPlugin() {
    return {
      hooks: {
        drawClear: function (u) {
          var ctx = u.ctx;
          ctx.save();
          for (var i = 0; i < marks.length; i++) {
            var m = marks[i];
            var x0 = Math.max(u.valToPos(m.start / 1000, 'x', true), u.bbox.left);
            var x1 = Math.min(u.valToPos(m.end / 1000, 'x', true), u.bbox.left + u.bbox.width);
            if (!(x1 > x0)) continue;
            ctx.fillStyle = 'rgba(220, 38, 38, 0.12)';
            ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
            ctx.fillStyle = 'rgba(153, 27, 27, 0.9)';
            ctx.font = 12 * window.devicePixelRatio + 'px sans-serif';
            ctx.fillText(m.label, x0 + 4, u.bbox.top + 14 * window.devicePixelRatio);
          }
          ctx.restore();
        },
      },
    };
  }

  /**
   * Draws the series that have `markers` as marks in their colour, one per value: 'dot' filled,
   * 'square' hollow, 'triangle' filled (uPlot's own points have one shape per series).
   */
  function markersPlugin(spec) {
    return {
      hooks: {
        draw: function (u) {
          var ctx = u.ctx;
          var dpr = window.devicePixelRatio;
          var r = 4 * dpr;
          ctx.save();
          ctx.lineWidth = 1.5 * dpr;
          for (var k = 0; k < spec.series.length; k++) {
            var s = spec.series[k];
            if (!s.markers || !u.series[k + 1].show) continue;
            ctx.strokeStyle = s.color;
            ctx.fillStyle = s.color;
            for (var i = 0; i < s.values.length; i++) {
              var v = s.values[i];
              var m = s.markers[i];
              if (v === null || v === undefined || !m) continue;
              var x = u.valToPos(spec.x[i], 'x', true);
              var y = u.valToPos(v, 'y', true);
              ctx.beginPath();
              if (m === 'square') {
                ctx.rect(x - r, y - r, 2 * r, 2 * r);
                ctx.stroke();
              } else if (m === 'triangle') {
                ctx.moveTo(x, y - r);
                ctx.lineTo(x + r, y + r);
                ctx.lineTo(x - r, y + r);
                ctx.closePath();
                ctx.fill();
              } else {
                ctx.arc(x, y, r, 0, 2 * Math.PI);
                ctx.fill();
              }
            }
          }
          ctx.restore();
        },
      },
    };
  }

  function countPoints(spec) {
    var n = 0;
    for (var i = 0; i < spec.series.length; i++) {
      var v = spec.series[i].values;
      for (var j = 0; j < v.length; j++) if (v[j] !== null && v[j] !== undefined) n++;
    }
    return n;
  }

  function options(spec, width) {
    var time = spec.xTime !== false;
    var series = [{ label: time ? 'time' : spec.xLabel || 'x' }];
    for (var i = 0; i < spec.series.length; i++) {
      var s = spec.series[i];
      series.push({
        label: s.label,
        stroke: s.color,
        width: s.width || 1.5,
        dash: s.dash,
        spanGaps: s.spanGaps === true,
        points: { show: false },
        // Marked values draw no line: markersPlugin draws them.
        paths: s.markers
          ? function () {
              return null;
            }
          : s.stepped
            ? uPlot.paths.stepped({ align: 1 })
            : undefined,
      });
    }
    var y = {};
    if (spec.yRange) {
      var range = spec.yRange;
      y.range = function () {
        return range;
      };
    }
    return {
      title: spec.title,
      width: width,
      height: 260,
      series: series,
      scales: { x: time && tMax > tMin ? { time: true, range: [tMin, tMax] } : { time: time }, y: y },
      axes: [time ? { incrs: TIME_INCRS } : { label: spec.xLabel }, { label: spec.yLabel }],
      bands: (spec.bands || []).map(function (b) {
        return { series: [b.upper + 1, b.lower + 1], fill: b.fill };
      }),
      cursor: time ? { sync: { key: 'run-time' } } : {},
      plugins: (time ? [marksPlugin()] : []).concat(spec.series.some(function (s) { return s.markers; }) ? [markersPlugin(spec)] : []),
    };
  }

  var plots = [];
  for (var c = 0; c < data.charts.length; c++) {
    var spec = data.charts[c];
    var box = document.getElementById(spec.id);
    if (!box) {
      console.error('no element for chart ' + spec.id);
      continue;
    }
    var points = countPoints(spec);
    box.setAttribute('data-points', String(points));
    if (points === 0) {
      box.textContent = spec.title + ': no data';
      box.className += ' empty';
      continue;
    }
    var u = new uPlot(options(spec, box.clientWidth || 900), [spec.x].concat(spec.series.map(function (s) { return s.values; })), box);
    // Band edges are drawn, but a legend of "upper"/"lower" lines says nothing a reader needs.
    var rows = u.root.querySelectorAll('.u-legend .u-series');
    for (var k = 0; k < spec.series.length; k++) if (spec.series[k].quiet && rows[k + 1]) rows[k + 1].style.display = 'none';
    plots.push({ u: u, box: box });
  }
  window.addEventListener('resize', function () {
    for (var i = 0; i < plots.length; i++) plots[i].u.setSize({ width: plots[i].box.clientWidth, height: 260 });
  });
})();
