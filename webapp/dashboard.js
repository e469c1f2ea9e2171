/*
 * Headcount's dashboard: the live page list over /live?watch=all (through headcount.js, which reconnects by
 * itself), the counter and flush figures from dashboard/summary, the last hour from dashboard/history.
 * Everything the server sends is shown with textContent, never as HTML: page names and keys come from anyone.
 */
(function () {
  'use strict';

  var PAGE_STEP = 50;
  var SUMMARY_POLL_MS = 2000;
  var HISTORY_POLL_MS = 10000;

  var state = {
    pages: {},
    total: null,
    sortBy: 'online',
    filter: '',
    shown: PAGE_STEP,
    summary: null,
    historyFlushAt: null,
    history: null,
    chart: null
  };

  function $(id) {
    return document.getElementById(id);
  }

  function setText(id, text) {
    $(id).textContent = text;
  }

  function number(n) {
    return n == null ? '–' : Number(n).toLocaleString('en-US');
  }

  function duration(ms) {
    if (ms < 1000) {
      return ms + ' ms';
    }
    var s = ms / 1000;
    if (s < 120) {
      return (s % 1 === 0 ? s : s.toFixed(1)) + ' s';
    }
    return s < 3600 ? Math.round(s / 60) + ' min' : Math.round(s / 360) / 10 + ' h';
  }

  function clock(epochMs, withSeconds) {
    var d = new Date(epochMs);
    var parts = [d.getHours(), d.getMinutes()].concat(withSeconds ? [d.getSeconds()] : []);
    return parts.map(function (p) { return (p < 10 ? '0' : '') + p; }).join(':');
  }

  /* The live page table. */

  function sortedPages() {
    var needle = state.filter.toLowerCase();
    var names = Object.keys(state.pages).filter(function (name) {
      return needle === '' || name.toLowerCase().indexOf(needle) >= 0;
    });
    if (state.sortBy === 'page') {
      names.sort();
    } else {
      names.sort(function (a, b) { return state.pages[b] - state.pages[a] || (a < b ? -1 : a > b ? 1 : 0); });
    }
    return names;
  }

  function renderPages() {
    var names = sortedPages();
    var body = document.createElement('tbody');
    names.slice(0, state.shown).forEach(function (name) {
      var row = body.insertRow();
      row.dataset.page = name;
      row.insertCell().textContent = name;
      row.insertCell().textContent = number(state.pages[name]);
    });
    $('pages').replaceChild(body, $('pages').tBodies[0]);
    var more = $('more');
    var left = names.length - state.shown;
    more.hidden = left <= 0;
    more.textContent = 'Show ' + Math.min(left, PAGE_STEP) + ' more';
    var listed = Object.keys(state.pages).length;
    var note = 'Showing ' + Math.min(names.length, state.shown) + ' of ' + names.length
        + (state.filter ? ' matching' : '') + ' pages.';
    var cap = state.summary && state.summary.watchMaxPages;
    if (cap && listed >= cap) {
      note += ' The live feed names the ' + number(cap) + ' busiest pages; the total counts all of them.';
    }
    setText('pages-note', listed === 0 ? 'Nobody is on any page right now.' : note);
    setText('live-pages', number(listed) + (cap && listed >= cap ? '+' : ''));
  }

  function onFrame(total, frame) {
    state.total = total;
    state.pages = frame.pages || {};
    setText('total', number(total));
    renderPages();
  }

  function onStatus(status, info) {
    var el = $('status');
    el.dataset.state = status;
    if (info.transport) {
      el.dataset.transport = info.transport;
    }
    el.textContent = {
      connecting: 'connecting…',
      open: 'live',
      retrying: 'connection lost, reconnecting in ' + ((info.delayMs || 0) / 1000).toFixed(1) + ' s',
      refused: 'refused by the server: ' + (info.reason || 'code ' + info.code),
      closed: 'closed'
    }[status] || status;
  }

  /* The counter and flush figures. */

  function renderSummary(s) {
    state.summary = s;
    setText('pending-hits', number(s.pending.hits));
    setText('pending-keys', number(s.pending.keys));
    setText('interval', duration(s.intervalMs));
    setText('batches-pending', number(s.batchesPending));
    setText('flush-health', !s.flushRunning ? 'the flush thread has stopped: restart Headcount'
        : s.consecutiveFailedFlushes > 0 ? s.consecutiveFailedFlushes + ' failed flush(es) in a row'
        : s.hasEndpoint ? 'batches; the endpoint is answering' : 'no endpoint: hits are only logged');
    renderLastFlush(s.lastFlush);
    renderKeys(s.pending.top);
    renderRefused(s.pixelsIgnored, s.liveDropped);
    if (s.lastFlush && s.lastFlush.atEpochMs !== state.historyFlushAt) {
      loadHistory();
    }
  }

  function renderLastFlush(f) {
    var outcome = $('flush-outcome');
    if (!f) {
      outcome.textContent = '–';
      outcome.removeAttribute('data-outcome');
      return;
    }
    outcome.textContent = f.outcome;
    outcome.dataset.outcome = f.outcome;
    var ago = Math.max(0, Math.round((Date.now() - f.atEpochMs) / 1000));
    setText('flush-when', clock(f.atEpochMs, true) + ' (' + duration(ago * 1000) + ' ago), took ' + duration(f.durationMs));
    setText('flush-batch', number(f.hitsTaken) + ' hits in ' + number(f.keysTaken) + ' keys'
        + (f.error ? ' · ' + f.error : ''));
  }

  /** One row per reason, pixel and live side by side: what was turned away and why. */
  function renderRefused(pixels, live) {
    var body = document.createElement('tbody');
    var reasons = Object.keys(pixels).concat(Object.keys(live).filter(function (r) { return !(r in pixels); }));
    reasons.forEach(function (reason) {
      var row = body.insertRow();
      row.dataset.reason = reason;
      row.insertCell().textContent = reason;
      row.insertCell().textContent = reason in pixels ? number(pixels[reason]) : '–';
      row.insertCell().textContent = reason in live ? number(live[reason]) : '–';
    });
    $('refused').replaceChild(body, $('refused').tBodies[0]);
  }

  function renderKeys(top) {
    var body = document.createElement('tbody');
    top.forEach(function (k) {
      var row = body.insertRow();
      row.insertCell().textContent = k.key;
      row.insertCell().textContent = number(k.hits);
    });
    $('keys').replaceChild(body, $('keys').tBodies[0]);
    $('keys-note').hidden = top.length > 0;
  }

  function fetchJson(path) {
    return fetch(path, {cache: 'no-store', credentials: 'same-origin'}).then(function (response) {
      if (!response.ok) {
        throw new Error(path + ': HTTP ' + response.status);
      }
      return response.json();
    });
  }

  function pollSummary() {
    fetchJson('dashboard/summary').then(renderSummary, function () {
      // The server is restarting or gone: keep asking; headcount.js reconnects the live feed on its own.
      setText('flush-health', 'the server does not answer; retrying');
    }).then(function () {
      setTimeout(pollSummary, SUMMARY_POLL_MS);
    });
  }

  /* The last hour. */

  function loadHistory() {
    fetchJson('dashboard/history').then(function (h) {
      state.history = h;
      var flushes = h.flushes;
      state.historyFlushAt = flushes.length ? flushes[flushes.length - 1].at : null;
      drawChart();
    }, function () { /* the next poll tries again */ });
  }

  function pollHistory() {
    loadHistory();
    setTimeout(pollHistory, HISTORY_POLL_MS);
  }

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function makeChart() {
    if (typeof Chart !== 'function') {
      $('chart-note').hidden = false;
      $('chart-note').textContent = 'The chart library did not load (webjars/chart.js); the figures above still update.';
      return null;
    }
    Chart.defaults.color = css('--muted');
    Chart.defaults.borderColor = css('--line');
    return new Chart($('chart'), {
      data: {
        datasets: [
          {type: 'bar', label: 'Hits per flush', data: [], yAxisID: 'hits', backgroundColor: css('--bars'),
            maxBarThickness: 14, order: 2},
          {type: 'line', label: 'Online', data: [], yAxisID: 'online', borderColor: css('--online'),
            backgroundColor: css('--online'), pointRadius: 0, borderWidth: 2, tension: 0.2, order: 1}
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: {mode: 'nearest', axis: 'x', intersect: false},
        scales: {
          x: {type: 'linear', ticks: {maxTicksLimit: 7, includeBounds: false,
            callback: function (v) { return clock(v, xSpanMs() < 600000); }}},
          hits: {type: 'linear', position: 'left', beginAtZero: true, ticks: {precision: 0},
            title: {display: true, text: 'hits'}},
          online: {type: 'linear', position: 'right', beginAtZero: true, ticks: {precision: 0},
            grid: {drawOnChartArea: false}, title: {display: true, text: 'online'}}
        },
        plugins: {
          legend: {position: 'bottom', labels: {boxWidth: 12}},
          tooltip: {callbacks: {title: function (items) { return items.length ? clock(items[0].parsed.x, true) : ''; }}}
        }
      }
    });
  }

  function xSpanMs() {
    if (!state.chart) {
      return Infinity; // the first draw, inside the Chart constructor: no range set yet
    }
    var x = state.chart.options.scales.x;
    return (x.max || 0) - (x.min || 0);
  }

  function drawChart() {
    if (!state.chart || !state.history) {
      return;
    }
    var h = state.history;
    var now = Date.now();
    var hits = h.flushes.map(function (f) { return {x: f.at, y: f.hits}; });
    var online = h.online.map(function (o) { return {x: o.at, y: o.online}; });
    if (state.total != null) {
      online.push({x: now, y: state.total}); // the live figure, so the line reaches now
    }
    var first = Math.min.apply(null, [now].concat(hits.map(function (p) { return p.x; }), online.map(function (p) { return p.x; })));
    // From the first sample (after a restart the chart starts there) to now: an hour at most, 10 s at least.
    state.chart.options.scales.x.min = Math.max(now - h.windowMs, Math.min(first, now - 10000));
    state.chart.options.scales.x.max = now;
    state.chart.data.datasets[0].data = hits;
    state.chart.data.datasets[1].data = online;
    state.chart.update();
  }

  /* Controls. */

  $('filter').addEventListener('input', function (e) {
    state.filter = e.target.value;
    state.shown = PAGE_STEP;
    renderPages();
  });
  $('more').addEventListener('click', function () {
    state.shown += PAGE_STEP;
    renderPages();
  });
  Array.prototype.forEach.call(document.querySelectorAll('th button[data-sort]'), function (button) {
    button.addEventListener('click', function () {
      state.sortBy = button.dataset.sort;
      Array.prototype.forEach.call(document.querySelectorAll('th button[data-sort]'), function (b) {
        b.setAttribute('aria-pressed', String(b === button));
      });
      renderPages();
    });
  });
  // "12 s ago" keeps counting between polls.
  setInterval(function () {
    if (state.summary) {
      renderLastFlush(state.summary.lastFlush);
    }
  }, 1000);

  state.chart = makeChart();
  Headcount.live({watch: 'all', onCount: onFrame, onStatus: onStatus});
  pollSummary();
  pollHistory();
}());
